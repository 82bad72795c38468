/**
 * The dashboard's live data: its state, sampled from the router, served as a snapshot (`GET /dashboard/state`)
 * and as server-sent events (`GET /dashboard/events`: the snapshot, then `health` every sample, `call` and
 * `change`). A session's streams end as soon as it is signed out, here or at any instance the revocations reach.
 */
import type { Clock } from '../clock.js';
import type { Unsubscribe } from '../resilience/listener-set.js';
import type { SessionRevocations } from '../sessions/session-revocations.js';
import type { DashboardAuth } from './dashboard-auth.js';
import { DashboardEventStream, formatServerSentEvent } from './dashboard-event-stream.js';
import { type DashboardRoute, refuseDashboardRequest, sendDashboardResponse } from './dashboard-responses.js';
import type { DashboardUpdate } from './dashboard-snapshot.js';
import { DashboardState, type DashboardRouter } from './dashboard-state.js';
import { RevokedSessionStreams } from './revoked-session-streams.js';

export interface DashboardFeedOptions {
  /** Its server is read to notice a drain: once it stops listening, the event streams are ended. */
  readonly gateway: { readonly server: { readonly listening: boolean } };
  readonly router: DashboardRouter;
  readonly auth: DashboardAuth;
  readonly sessionRevocations: SessionRevocations;
  readonly clock?: Clock;
  readonly sampleIntervalMs?: number;
  readonly maxClients?: number;
}

export interface DashboardFeed {
  readonly state: DashboardState;
  readonly routes: readonly DashboardRoute[];
  /** Open event streams. */
  readonly clientCount: number;
  /** End the event streams whose request would now be refused (its session's key, or its key, no longer an admin key). */
  reauthorize(): Promise<void>;
  /** End every event stream, stop sampling, and refuse new streams. */
  close(): void;
}

export function createDashboardFeed(options: DashboardFeedOptions): DashboardFeed {
  const { gateway, auth } = options;
  const state = new DashboardState({
    router: options.router,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sampleIntervalMs !== undefined ? { sampleIntervalMs: options.sampleIntervalMs } : {}),
  });
  const stream = new DashboardEventStream({
    ...(options.maxClients !== undefined ? { maxClients: options.maxClients } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // A sign-out, here or at another instance sharing the revocations, ends that session's open streams at once.
  const revokedSessionStreams = new RevokedSessionStreams({ revocations: options.sessionRevocations, stream });
  // Listening only while a page is open: with a subscriber, the state builds every call's dashboard view as
  // it ends, which a gateway under load pays on every request for nobody.
  let unsubscribe: Unsubscribe | undefined;
  const stopListening = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
  };
  const onUpdate = (update: DashboardUpdate): void => {
    if (!gateway.server.listening) {
      stream.closeAll();
    } else if (stream.size > 0) {
      stream.broadcast(formatServerSentEvent(update.type, update));
    }
    if (stream.size === 0) stopListening();
  };
  let closed = false;

  const routes: DashboardRoute[] = [
    {
      method: 'GET',
      path: '/dashboard/state',
      handle: async (request, response) => {
        const access = await auth.access(request);
        if (access.outcome !== 'allowed') refuseDashboardRequest(response, access, { page: false });
        else sendDashboardResponse(response, { status: 200, type: 'application/json', body: JSON.stringify(state.snapshot()) });
      },
    },
    {
      method: 'GET',
      path: '/dashboard/events',
      handle: async (request, response) => {
        const heardBefore = revokedSessionStreams.heard;
        const access = await auth.access(request);
        if (access.outcome !== 'allowed') {
          refuseDashboardRequest(response, access, { page: false });
        } else if (closed || stream.isFull) {
          sendDashboardResponse(response, { status: 503, type: 'application/json', body: '{"error":{"message":"Too many dashboard streams are open.","type":"server_error"}}', headers: { 'retry-after': '5' } });
        } else {
          const { session } = access;
          stream.open(response, { first: formatServerSentEvent('snapshot', state.snapshot()), session });
          if (session !== undefined) revokedSessionStreams.opened(session.sessionId, heardBefore);
          unsubscribe ??= state.subscribe(onUpdate);
        }
      },
    },
  ];

  return {
    state,
    routes,
    get clientCount() {
      return stream.size;
    },
    reauthorize: async () => {
      await Promise.all(
        stream.responses().map(async (response) => {
          if (!(await auth.stillAllowed(response.req))) stream.closeResponse(response);
        }),
      );
    },
    close: () => {
      if (closed) return;
      closed = true;
      revokedSessionStreams.close();
      stopListening();
      state.close();
      stream.closeAll();
    },
  };
}
