/**
 * The live dashboard, served by the gateway through `registerRoute`, to admin keys only when the gateway has keys
 * (it shows every key's calls):
 *   GET  /                    the page (or the login form when the gateway has keys and the browser has no session)
 *   GET  /dashboard/app.js    the script          GET /dashboard/app.css   the stylesheet  (no data: public)
 *   GET  /dashboard/events    server-sent events: a snapshot, then `health` every second, `call`, `change`
 *   GET  /dashboard/state     the snapshot as JSON
 *   POST /dashboard/login     the login form's target; POST /dashboard/logout ends the session, and its event
 *                             streams open anywhere the revocations reach (every tab, every instance on Redis)
 * Each group of routes has its own file: the page and its assets (dashboard-page-routes.ts), the snapshot and the
 * event streams (dashboard-feed.ts), signing in and out (dashboard-sign-in-routes.ts), and what they all answer
 * with (dashboard-responses.ts). attachDashboard builds the groups and registers their routes.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../clock.js';
import type { GatewayRoute } from '../gateway/create-gateway.js';
import type { GatewayKeyPolicy } from '../gateway/gateway-keys-config.js';
import type { FailedKeyAttempts } from '../gateway/failed-key-attempts.js';
import { defaultSchemeTrust, requestOverHttps } from '../gateway/request-over-https.js';
import { MemorySessionRevocations } from '../sessions/memory-session-revocations.js';
import type { SessionRevocations } from '../sessions/session-revocations.js';
import { DashboardAuth } from './dashboard-auth.js';
import { createDashboardFeed } from './dashboard-feed.js';
import { dashboardPageRoutes } from './dashboard-page-routes.js';
import { dashboardSignInRoutes } from './dashboard-sign-in-routes.js';
import type { DashboardRouter, DashboardState } from './dashboard-state.js';

/** The part of the gateway the dashboard needs. */
export interface DashboardHost {
  registerRoute(route: GatewayRoute): void;
  /** Read to notice a drain: once the server stops listening, the event streams are ended. */
  readonly server: { readonly listening: boolean };
  /** Where wrong keys count against their client address, with the API's own (`gateway.failedKeyAttempts`). */
  readonly failedKeyAttempts?: FailedKeyAttempts;
  /** A request's client address, as the API counts it (the client a trusted proxy names). Default the socket's peer. */
  clientAddress?(request: IncomingMessage): string | undefined;
  /**
   * The request came over HTTPS (`gateway.overHttps`: by the header `clientAddressHeader` chooses), for the session
   * cookie's Secure. Default a TLS socket or `X-Forwarded-Proto: https`.
   */
  overHttps?(request: IncomingMessage): boolean;
}

export interface AttachDashboardOptions {
  readonly gateway: DashboardHost;
  readonly router: DashboardRouter;
  /**
   * The gateway's keys (`config.keyPolicies`): only admin keys open the dashboard. With none, the dashboard is
   * open like the rest of a loopback gateway.
   */
  readonly keys: readonly (string | GatewayKeyPolicy)[];
  readonly clock?: Clock;
  /** Health sample and push interval. Default 1000. */
  readonly sampleIntervalMs?: number;
  /** Default 64. */
  readonly maxClients?: number;
  /** How long a sign-in lasts, in whole milliseconds above 0 (else an InvalidArgumentError). Default 12 hours. */
  readonly sessionTtlMs?: number;
  /**
   * Where sign-outs are kept: the shared state's `sessionRevocations` when gateways share a Redis, so a session
   * signed out at one is refused by all, and its open event streams end at all. Default this process's memory.
   */
  readonly sessionRevocations?: SessionRevocations;
}

export interface Dashboard {
  readonly state: DashboardState;
  /** Open event streams. */
  readonly clientCount: number;
  /**
   * Let in the admin keys of `keys` from now on (a reloaded configuration): sessions signed in with a key still an admin
   * key go on, and the event streams of any other (a key removed, or no longer admin) end, their pages asked to sign in.
   * Resolves once those streams are ended.
   */
  useKeys(keys: readonly (string | GatewayKeyPolicy)[]): Promise<void>;
  /** End every event stream and stop sampling. Call before the gateway drains, or it waits on the streams. */
  close(): void;
}

export function attachDashboard(options: AttachDashboardOptions): Dashboard {
  const { gateway } = options;
  const sessionRevocations = options.sessionRevocations ?? new MemorySessionRevocations(options.clock ? { clock: options.clock } : {});
  const auth = new DashboardAuth({
    keys: options.keys,
    sessionRevocations,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sessionTtlMs !== undefined ? { sessionTtlMs: options.sessionTtlMs } : {}),
    ...(gateway.failedKeyAttempts ? { failedKeyAttempts: gateway.failedKeyAttempts } : {}),
    ...(gateway.clientAddress ? { clientAddress: (request: IncomingMessage) => gateway.clientAddress?.(request) } : {}),
  });
  const overHttps = (request: IncomingMessage): boolean => gateway.overHttps?.(request) ?? requestOverHttps(request, defaultSchemeTrust);
  const feed = createDashboardFeed({
    gateway,
    router: options.router,
    auth,
    sessionRevocations,
    clock: options.clock,
    sampleIntervalMs: options.sampleIntervalMs,
    maxClients: options.maxClients,
  });

  for (const route of [...dashboardPageRoutes({ auth }), ...feed.routes, ...dashboardSignInRoutes({ auth, overHttps })]) {
    gateway.registerRoute({ ...route, public: true, metricsName: 'dashboard' });
  }

  return {
    state: feed.state,
    get clientCount() {
      return feed.clientCount;
    },
    useKeys: (keys) => {
      auth.useKeys(keys);
      return feed.reauthorize();
    },
    close: () => feed.close(),
  };
}
