/**
 * Prometheus metrics of the gateway, in a Registry of its own (never prom-client's global one, so two
 * gateways in one process, or an embedding app's own metrics, never collide). Fed by the router's events;
 * circuit states are read from the router when scraped.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { HealthStatus } from '../routing/health-status.js';
import type { RouterEvent } from '../routing/router-events.js';
import { LabelledCounter } from './labelled-counter.js';
import { LabelledHistogram } from './labelled-histogram.js';

const circuitStateValues = { closed: 0, half_open: 1, open: 2 } as const;

const latencyBucketsSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64];

export class GatewayMetrics {
  readonly registry = new Registry();
  // Counted on every request: LabelledCounter and LabelledHistogram, which make nothing per increment or
  // observation (prom-client's Counter and Histogram do).
  readonly #requests: LabelledCounter<'route' | 'status'>;
  readonly #attempts: LabelledCounter<'provider' | 'outcome' | 'reason'>;
  readonly #calls: LabelledCounter<'outcome' | 'streaming'>;
  readonly #cacheHits: Counter<string>;
  readonly #cooldowns: Counter<'provider' | 'reason'>;
  readonly #latency: LabelledHistogram<'provider' | 'outcome' | 'streaming'>;
  readonly #timeToFirstToken: LabelledHistogram<'provider'>;
  readonly #quotaRefusals: Counter<'key' | 'limit'>;
  readonly #keySpend: Counter<'key'>;
  readonly #keyAttemptRefusals: Counter<string>;
  readonly #sendTimeouts: Counter<'route'>;
  readonly #streamDurationCuts: Counter<'route'>;
  readonly #configurationReloads: Counter<'result'>;
  readonly #lastReloadSuccessful: Gauge;
  readonly #configurationLoadedAt: Gauge;
  readonly #exposition: (() => Promise<string>) | undefined;

  constructor(options: {
    readonly healthStatus: () => Record<string, HealthStatus>;
    /**
     * What `metrics()` gives instead of this registry's exposition: that of every worker of `serve --workers`,
     * which the primary sums (prom-client's cluster aggregation, by each metric's `aggregator`). Default this one's.
     */
    readonly exposition?: () => Promise<string>;
  }) {
    this.#exposition = options.exposition;
    const registers = [this.registry];
    this.#requests = new LabelledCounter({
      name: 'backup_models_gateway_requests_total',
      help: 'HTTP requests answered by the gateway, by route and status code.',
      labelNames: ['route', 'status'],
      registers,
    });
    this.#attempts = new LabelledCounter({
      name: 'backup_models_attempts_total',
      help: 'Provider attempts, by provider, outcome (success, failure, aborted, skipped) and failure reason.',
      labelNames: ['provider', 'outcome', 'reason'],
      registers,
    });
    this.#calls = new LabelledCounter({
      name: 'backup_models_calls_total',
      help: 'Router calls, by outcome and whether they streamed.',
      labelNames: ['outcome', 'streaming'],
      registers,
    });
    this.#cacheHits = new Counter({
      name: 'backup_models_cache_hits_total',
      help: 'Calls answered from the response cache.',
      registers,
    });
    this.#cooldowns = new Counter({
      name: 'backup_models_cooldowns_total',
      help: 'Providers put in cooldown, by reason.',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.#latency = new LabelledHistogram({
      name: 'backup_models_call_duration_seconds',
      help: 'Duration of router calls, fallbacks included.',
      labelNames: ['provider', 'outcome', 'streaming'],
      bucketsUpperBounds: latencyBucketsSeconds,
      registers,
    });
    this.#timeToFirstToken = new LabelledHistogram({
      name: 'backup_models_time_to_first_token_seconds',
      help: 'Time from the call to the first content token of a stream.',
      labelNames: ['provider'],
      bucketsUpperBounds: latencyBucketsSeconds,
      registers,
    });
    this.#quotaRefusals = new Counter({
      name: 'backup_models_gateway_quota_refusals_total',
      help: "Calls refused for a gateway key's limit, by key name and limit (requests_per_minute, cost_per_day).",
      labelNames: ['key', 'limit'],
      registers,
    });
    this.#keySpend = new Counter({
      name: 'backup_models_gateway_key_spend_usd_total',
      help: "USD of answers (the catalog's prices) per gateway key name.",
      labelNames: ['key'],
      registers,
    });
    this.#keyAttemptRefusals = new Counter({
      name: 'backup_models_gateway_key_attempts_refused_total',
      help: 'Requests refused with a 429, their key not compared, because their client address made too many failed key attempts.',
      registers,
    });
    this.#sendTimeouts = new Counter({
      name: 'backup_models_gateway_send_timeouts_total',
      help: 'Answers whose client did not take them within limits.sendTimeoutMs of their writing: the connection was closed. By route.',
      labelNames: ['route'],
      registers,
    });
    this.#streamDurationCuts = new Counter({
      name: 'backup_models_gateway_stream_duration_cuts_total',
      help: 'Streams cut at limits.maxStreamDurationMs: their client not reading them (the connection was closed), or still reading a stream still coming (it ended with an error event); the upstream request ended either way. By route.',
      labelNames: ['route'],
      registers,
    });
    // Named as Prometheus names its own (prometheus_config_last_reload_successful and
    // prometheus_config_last_reload_success_timestamp_seconds), which alerting rules already watch.
    this.#configurationReloads = new Counter({
      name: 'backup_models_config_reloads_total',
      help: 'Reloads of the configuration (SIGHUP), by result: ok (in use), refused (invalid: the one in use stays).',
      labelNames: ['result'],
      registers,
    });
    this.#lastReloadSuccessful = new Gauge({
      name: 'backup_models_config_last_reload_successful',
      help: 'Whether the last reload of the configuration was taken (1) or refused (0); 1 before any.',
      registers,
      // Across workers (serve --workers), 0 when any refused its last reload.
      aggregator: 'min',
    });
    this.#lastReloadSuccessful.set(1);
    this.#configurationLoadedAt = new Gauge({
      name: 'backup_models_config_last_reload_success_timestamp_seconds',
      help: 'When the configuration in use was read: at start, or at the last reload taken (Unix seconds).',
      registers,
      // Across workers, the oldest configuration still in use.
      aggregator: 'min',
    });
    this.#configurationLoadedAt.set(Date.now() / 1000);
    const { healthStatus } = options;
    new Gauge({
      name: 'backup_models_circuit_state',
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider'],
      registers,
      // Across workers (the same with shared state), the worst a worker sees.
      aggregator: 'max',
      collect(this: Gauge<'provider'>) {
        for (const [provider, status] of Object.entries(healthStatus())) {
          this.set({ provider }, circuitStateValues[status.circuitState]);
        }
      },
    });
  }

  /** Count one HTTP request: its status code, or `client_closed` when the client left before an answer. */
  recordRequest(route: string, status: string): void {
    this.#requests.inc(route, status);
  }

  readonly recordQuotaRefusal = (key: string, limit: string): void => {
    this.#quotaRefusals.inc({ key, limit });
  };

  readonly recordKeySpend = (key: string, usd: number): void => {
    this.#keySpend.inc({ key }, usd);
  };

  readonly recordKeyAttemptRefusal = (): void => {
    this.#keyAttemptRefusals.inc();
  };

  readonly recordSendTimeout = (route: string): void => {
    this.#sendTimeouts.inc({ route });
  };

  readonly recordStreamDurationCut = (route: string): void => {
    this.#streamDurationCuts.inc({ route });
  };

  /** A reload of the configuration: taken (`ok`, read at `nowMs`) or refused. */
  recordConfigurationReload(result: 'ok' | 'refused', nowMs: number): void {
    this.#configurationReloads.inc({ result });
    this.#lastReloadSuccessful.set(result === 'ok' ? 1 : 0);
    if (result === 'ok') this.#configurationLoadedAt.set(nowMs / 1000);
  }

  readonly onRouterEvent = (event: RouterEvent): void => {
    switch (event.type) {
      case 'attempt-end': {
        const { attempt } = event;
        this.#attempts.inc(attempt.provider, attempt.outcome, attempt.reason ?? 'none');
        return;
      }
      case 'call-end': {
        const streaming = event.streaming ? 'true' : 'false';
        this.#calls.inc(event.outcome, streaming);
        if (event.cached) this.#cacheHits.inc();
        this.#latency.observe(event.latencyMs / 1000, event.provider ?? 'none', event.outcome, streaming);
        if (event.timeToFirstTokenMs !== undefined && event.provider !== undefined) {
          this.#timeToFirstToken.observe(event.timeToFirstTokenMs / 1000, event.provider);
        }
        return;
      }
      case 'cooldown':
        this.#cooldowns.inc({ provider: event.provider, reason: event.reason });
        return;
      default:
        return;
    }
  };

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.#exposition !== undefined ? this.#exposition() : this.registry.metrics();
  }
}
