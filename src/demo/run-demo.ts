/**
 * `backup-models demo`: the router at work with no API key. On loopback it starts the provider test server as
 * six simulated providers, a router over them, the gateway in front with the dashboard, and a steady load of
 * requests through the gateway; a scripted timeline takes one provider down and makes another rate-limit.
 *
 * The router races two candidates per call (parallelAttempts 2) rather than hedging: every call then shows a
 * race on the dashboard (a winner, a loser aborted), and a failure fails over at once to the next candidate,
 * which is what the demo is there to show. Hedging (`auto`) would send most calls to one provider only.
 */
import { systemClock, type Clock } from '../clock.js';
import { attachDashboard, type Dashboard } from '../dashboard/attach-dashboard.js';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import { defaultGatewayConfig, routerOptionsFromConfig, type GatewayConfig } from '../gateway/gateway-config.js';
import { createGatewayLogger } from '../gateway/gateway-logger.js';
import { BackupModelRouter } from '../routing/backup-model-router.js';
import type { BreakerOptions } from '../routing/router-options.js';
import { startProviderTestServer, type ProviderTestServer } from '../testing/index.js';
import { startDemoLoad, type DemoLoad, type DemoLoadStats } from './demo-load.js';
import { startDemoNarrator } from './demo-narrator.js';
import type { DemoProviderProfile } from './demo-profiles.js';
import { describeDemoTimeline, resolveDemoTimeline, type DemoTimeline } from './demo-timeline.js';
import { simulatedCatalog } from './simulated-catalog.js';
import { driveSimulatedProviders } from './simulated-providers.js';

export interface DemoOptions {
  /** The gateway's port. Default 8787; 0 takes a free one. */
  readonly port?: number;
  /** The gateway's host. Default 127.0.0.1. The demo has no gateway key, so only loopback is accepted. */
  readonly host?: string;
  /** `runDemo` stops after this long. Default: until `signal` aborts. */
  readonly durationMs?: number;
  /** Stops the demo (Ctrl-C in the command). */
  readonly signal?: AbortSignal;
  readonly timeline?: Partial<DemoTimeline>;
  /** Time between requests of the load. Default 350. */
  readonly requestIntervalMs?: number;
  /** Multiplies every simulated latency. Default 1. */
  readonly latencyScale?: number;
  readonly profiles?: Readonly<Record<string, DemoProviderProfile>>;
  /** Over the demo's breaker: opens after 3 failures in a row with half of 4 s failed, open for 3 s, at most 6 s. */
  readonly breaker?: BreakerOptions;
  /** The dashboard's health sample interval. Default 1000. */
  readonly sampleIntervalMs?: number;
  /** Uniform in [0, 1); seeds the simulated latencies and failures. Default Math.random. */
  readonly random?: () => number;
  /** Where the demo narrates. Default: nothing. `runDemo` defaults it to stdout. */
  readonly write?: (line: string) => void;
  readonly clock?: Clock;
}

export interface RunningDemo {
  /** The gateway: `http://127.0.0.1:8787`. */
  readonly url: string;
  /** Where the dashboard is: `http://127.0.0.1:8787/`. */
  readonly dashboardUrl: string;
  readonly timeline: DemoTimeline;
  /** When the timeline started (epoch ms on the demo's clock). */
  readonly startedAtMs: number;
  readonly router: BackupModelRouter;
  readonly gateway: Gateway;
  readonly dashboard: Dashboard;
  readonly providerServer: ProviderTestServer;
  loadStats(): DemoLoadStats;
  /** Stop everything: the load, the dashboard, the gateway, the router, the simulated providers. */
  close(): Promise<void>;
}

export interface DemoSummary extends DemoLoadStats {
  readonly durationMs: number;
  readonly calls: number;
  readonly cacheHits: number;
}

/**
 * A window shorter than the outage: traffic moves away from a failing provider (health ranking), so only
 * the calls that name it keep failing there, and the successes from before the outage must leave the window
 * for half of it to be failures. With 10 s against a 6 s outage the circuit opened or not by the mix of
 * calls, more often not on a quicker machine (which has more successes before the outage).
 */
const demoBreaker: BreakerOptions = {
  consecutiveFailures: 3,
  failureRateThreshold: 0.5,
  minimumCalls: 6,
  windowMs: 4_000,
  openDurationMs: 3_000,
  maxOpenDurationMs: 6_000,
};

/** The demo's gateway: no key (loopback only), two named routes, a short cache. */
function demoGatewayConfig(options: { readonly host: string; readonly port: number; readonly catalogModel: (id: string) => string }): GatewayConfig {
  const target = (provider: string): { provider: string; model: string } => ({ provider, model: options.catalogModel(provider) });
  return {
    ...defaultGatewayConfig,
    host: options.host,
    port: options.port,
    keys: [],
    routes: {
      fast: { targets: ['groq', 'together', 'google', 'openai'].map(target) },
      smart: { targets: ['anthropic', 'openai', 'google', 'moonshot'].map(target) },
      long: { targets: ['moonshot', 'google', 'anthropic'].map(target) },
    },
    cache: { enabled: true, ttlSeconds: 30 },
    limits: { ...defaultGatewayConfig.limits, drainTimeoutMs: 2_000 },
  };
}

/** Start the demo and return once the dashboard is reachable. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const clock = options.clock ?? systemClock;
  const timeline = resolveDemoTimeline(options.timeline);
  const write = options.write ?? ((): void => undefined);
  const catalog = simulatedCatalog();
  const nameOf = (id: string): string => catalog.find((definition) => definition.id === id)?.displayName ?? id;
  const modelOf = (id: string): string => catalog.find((definition) => definition.id === id)?.defaultModel ?? 'default';
  const cleanups: (() => unknown)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const providerServer = await startProviderTestServer({ clock });
    cleanups.push(() => providerServer.close());
    const startedAtMs = clock.now();
    cleanups.push(
      driveSimulatedProviders({
        server: providerServer,
        timeline,
        startedAtMs,
        clock,
        ...(options.random ? { random: options.random } : {}),
        ...(options.profiles ? { profiles: options.profiles } : {}),
        ...(options.latencyScale !== undefined ? { latencyScale: options.latencyScale } : {}),
      }),
    );
    const config = demoGatewayConfig({ host: options.host ?? '127.0.0.1', port: options.port ?? 8787, catalogModel: modelOf });
    const router = new BackupModelRouter({
      ...routerOptionsFromConfig(config, { env: providerServer.environment(), catalog }),
      clock,
      parallelAttempts: 2,
      timeoutMs: 10_000,
      firstTokenTimeoutMs: 5_000,
      breaker: { ...demoBreaker, ...options.breaker },
    });
    cleanups.push(() => router.close());
    const gateway = createGateway({ router, config, logger: createGatewayLogger({ level: 'warn' }) });
    cleanups.push(() => gateway.close());
    const dashboard = attachDashboard({
      gateway,
      router,
      keys: config.keyPolicies,
      clock,
      ...(options.sampleIntervalMs !== undefined ? { sampleIntervalMs: options.sampleIntervalMs } : {}),
    });
    cleanups.push(() => dashboard.close());
    const { url } = await listen(gateway, config);
    const load: DemoLoad = startDemoLoad({
      gatewayUrl: url,
      clock,
      ...(options.requestIntervalMs !== undefined ? { intervalMs: options.requestIntervalMs } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    cleanups.push(() => load.stop());
    const dashboardUrl = `${url}/`;
    write(`backup-models demo: six simulated providers (no API key needed, no real API called): ${catalog.map((definition) => definition.displayName).join(', ')}.`);
    write(`Dashboard: ${dashboardUrl}`);
    write(`Gateway:   ${url}/v1 (OpenAI-compatible; models: fast, smart, long, tier-1, tier-2, tier-3)`);
    write(`Script:    ${describeDemoTimeline(timeline, nameOf)}`);
    write('Press Ctrl-C to stop.');
    cleanups.push(
      startDemoNarrator({
        timeline,
        startedAtMs,
        nameOf,
        clock,
        write,
        onEvent: (listener) => router.onEvent(listener),
        tally: () => {
          const totals = dashboard.state.snapshot().totals;
          const hitRate = totals.cacheHitRate === null ? '-' : `${Math.round(totals.cacheHitRate * 100)}%`;
          return `${totals.calls} calls, ${totals.failures} failed, cache hit rate ${hitRate}`;
        },
      }),
    );
    let closing: Promise<void> | undefined;
    return {
      url,
      dashboardUrl,
      timeline,
      startedAtMs,
      router,
      gateway,
      dashboard,
      providerServer,
      loadStats: () => load.stats(),
      close: () => (closing ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function listen(gateway: Gateway, config: GatewayConfig): Promise<{ url: string }> {
  try {
    return await gateway.listen({ host: config.host, port: config.port });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new Error(`Port ${config.port} on ${config.host} is in use: pass --port 0 for a free port, or another --port.`, { cause: error });
    }
    throw error;
  }
}

/** Run the demo until `durationMs` passes or `signal` aborts, then stop it all. Narrates on stdout by default. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const clock = options.clock ?? systemClock;
  const write = options.write ?? ((line: string): void => void process.stdout.write(`${line}\n`));
  if (options.signal?.aborted) return { durationMs: 0, calls: 0, cacheHits: 0, sent: 0, succeeded: 0, failed: 0 };
  const startedAtMs = clock.now();
  const demo = await startDemo({ ...options, write });
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      if (timer !== undefined) clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = options.durationMs !== undefined ? clock.setTimeout(finish, options.durationMs) : undefined;
    options.signal?.addEventListener('abort', finish, { once: true });
    if (options.signal?.aborted) finish();
  });
  const totals = demo.dashboard.state.snapshot().totals;
  const stats = demo.loadStats();
  await demo.close();
  const summary = { ...stats, durationMs: clock.now() - startedAtMs, calls: totals.calls, cacheHits: totals.cacheHits };
  write(`Stopped after ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.calls} calls routed, ${summary.cacheHits} from the cache.`);
  return summary;
}
