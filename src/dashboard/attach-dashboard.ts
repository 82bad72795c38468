/**
 * The live dashboard, served by the gateway through `registerRoute`, to admin keys only when the gateway has keys
 * (it shows every key's calls):
 *   GET  /                    the page (or the login form when the gateway has keys and the browser has no session)
 *   GET  /dashboard/app.js    the script          GET /dashboard/app.css   the stylesheet  (no data: public)
 *   GET  /dashboard/events    server-sent events: a snapshot, then `health` every second, `call`, `change`
 *   GET  /dashboard/state     the snapshot as JSON
 *   POST /dashboard/login     the login form's target; POST /dashboard/logout ends the session, and its event
 *                             streams open anywhere the revocations reach (every tab, every instance on Redis)
 * The page is served with a strict Content-Security-Policy (scripts and styles from this origin only).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { GatewayRoute } from '../gateway/create-gateway.js';
import type { GatewayKeyPolicy } from '../gateway/gateway-keys-config.js';
import { toErrorResponse } from '../gateway/error-response.js';
import { tooManyFailedKeyAttempts } from '../gateway/auth.js';
import type { FailedKeyAttempts } from '../gateway/failed-key-attempts.js';
import type { Unsubscribe } from '../resilience/listener-set.js';
import { MemorySessionRevocations } from '../sessions/memory-session-revocations.js';
import type { SessionRevocations } from '../sessions/session-revocations.js';
import { type DashboardAccess, DashboardAuth } from './dashboard-auth.js';
import { DashboardEventStream, formatServerSentEvent } from './dashboard-event-stream.js';
import { dashboardLoginPage, dashboardPage } from './dashboard-page.js';
import { dashboardScript } from './dashboard-script.js';
import { DashboardState, type DashboardRouter, type DashboardUpdate } from './dashboard-state.js';
import { dashboardStyle } from './dashboard-style.js';
import { RevokedSessionStreams } from './revoked-session-streams.js';

/** The part of the gateway the dashboard needs. */
export interface DashboardHost {
  registerRoute(route: GatewayRoute): void;
  /** Read to notice a drain: once the server stops listening, the event streams are ended. */
  readonly server: { readonly listening: boolean };
  /** Where wrong keys count against their client address, with the API's own (`gateway.failedKeyAttempts`). */
  readonly failedKeyAttempts?: FailedKeyAttempts;
  /** A request's client address, as the API counts it (the client a trusted proxy names). Default the socket's peer. */
  clientAddress?(request: IncomingMessage): string | undefined;
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
  /** End every event stream and stop sampling. Call before the gateway drains, or it waits on the streams. */
  close(): void;
}

const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function send(response: ServerResponse, options: { status: number; type: string; body: string; headers?: Record<string, string> }): void {
  response.writeHead(options.status, {
    ...securityHeaders,
    'cache-control': 'no-store',
    ...options.headers,
    'content-type': options.type,
    'content-length': Buffer.byteLength(options.body),
  });
  response.end(options.body);
}

const html = 'text/html; charset=utf-8';
const unauthorizedBody = JSON.stringify({
  error: {
    message: 'Sign in to the dashboard at / or send an admin gateway key: Authorization: Bearer <key> (or x-api-key: <key>).',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
});

/** Retry-After in whole seconds, at least 1. */
function retryAfterHeader(retryAfterMs: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}

/**
 * The answer to a request `access` did not let in: a 401 (the login form for the page), the 403 for a key that
 * is not an admin key, or the 429 for an address past its failed key attempts.
 */
function refuse(response: ServerResponse, access: Exclude<DashboardAccess, { outcome: 'allowed' }>, options: { readonly page: boolean }): void {
  if (access.outcome === 'too-many-attempts') {
    const headers = retryAfterHeader(access.retryAfterMs);
    if (options.page) send(response, { status: 429, type: html, body: dashboardLoginPage({ refusal: 'too-many-attempts' }), headers });
    else send(response, { status: 429, type: 'application/json', body: JSON.stringify(toErrorResponse(tooManyFailedKeyAttempts(access.retryAfterMs)).body), headers });
  } else if (access.outcome === 'forbidden') {
    const { status, body } = toErrorResponse(access.error);
    send(response, { status, type: 'application/json', body: JSON.stringify(body) });
  } else if (options.page) {
    send(response, { status: 401, type: html, body: dashboardLoginPage() });
  } else {
    send(response, { status: 401, type: 'application/json', body: unauthorizedBody });
  }
}

/** A small urlencoded body, or undefined when it is larger than `maxBytes` or the client left. */
async function readSmallBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return undefined;
      chunks.push(chunk as Buffer);
    }
  } catch {
    return undefined;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A form posted from another site is refused: only same-origin (or origin-less) posts sign in or out. */
function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * The page was reached over HTTPS: a TLS socket, or a TLS-terminating proxy's `X-Forwarded-Proto: https`.
 * Trusting that header is safe here: it can only add `Secure` to the caller's own cookie.
 */
function overHttps(request: IncomingMessage): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
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
  const revokedSessionStreams = new RevokedSessionStreams({ revocations: sessionRevocations, stream });
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

  const register = (route: Omit<GatewayRoute, 'public' | 'metricsName'>): void =>
    gateway.registerRoute({ ...route, public: true, metricsName: 'dashboard' });

  register({
    method: 'GET',
    path: '/',
    handle: async (request, response) => {
      const access = await auth.access(request);
      if (access.outcome !== 'allowed') refuse(response, access, { page: true });
      else send(response, { status: 200, type: html, body: dashboardPage({ signedIn: auth.required }) });
    },
  });
  register({
    method: 'GET',
    path: '/dashboard/app.js',
    handle: (_request, response) => send(response, { status: 200, type: 'text/javascript; charset=utf-8', body: dashboardScript, headers: { 'cache-control': 'no-cache' } }),
  });
  register({
    method: 'GET',
    path: '/dashboard/app.css',
    handle: (_request, response) => send(response, { status: 200, type: 'text/css; charset=utf-8', body: dashboardStyle, headers: { 'cache-control': 'no-cache' } }),
  });
  register({
    method: 'GET',
    path: '/dashboard/state',
    handle: async (request, response) => {
      const access = await auth.access(request);
      if (access.outcome !== 'allowed') refuse(response, access, { page: false });
      else send(response, { status: 200, type: 'application/json', body: JSON.stringify(state.snapshot()) });
    },
  });
  register({
    method: 'GET',
    path: '/dashboard/events',
    handle: async (request, response) => {
      const heardBefore = revokedSessionStreams.heard;
      const access = await auth.access(request);
      if (access.outcome !== 'allowed') {
        refuse(response, access, { page: false });
      } else if (closed || stream.isFull) {
        send(response, { status: 503, type: 'application/json', body: '{"error":{"message":"Too many dashboard streams are open.","type":"server_error"}}', headers: { 'retry-after': '5' } });
      } else {
        const { session } = access;
        stream.open(response, { first: formatServerSentEvent('snapshot', state.snapshot()), session });
        if (session !== undefined) revokedSessionStreams.opened(session.sessionId, heardBefore);
        unsubscribe ??= state.subscribe(onUpdate);
      }
    },
  });
  register({
    method: 'POST',
    path: '/dashboard/login',
    handle: async (request, response) => {
      const body = await readSmallBody(request, 4096);
      if (body === undefined) {
        send(response, { status: 413, type: html, body: dashboardLoginPage({ refusal: 'wrong-key' }), headers: { connection: 'close' } });
        return;
      }
      // A post from another site is refused without a key compared, nor counted against the address: a page
      // could otherwise lock its visitors out of their own gateway.
      const login = isSameOrigin(request)
        ? await auth.login(new URLSearchParams(body).get('key') ?? '', { secure: overHttps(request), request })
        : { outcome: 'wrong-key' as const };
      if (login.outcome === 'too-many-attempts') {
        send(response, { status: 429, type: html, body: dashboardLoginPage({ refusal: 'too-many-attempts' }), headers: retryAfterHeader(login.retryAfterMs) });
        return;
      }
      if (login.outcome === 'wrong-key') {
        send(response, { status: 401, type: html, body: dashboardLoginPage({ refusal: 'wrong-key' }) });
        return;
      }
      if (login.outcome === 'not-admin') {
        send(response, { status: 403, type: html, body: dashboardLoginPage({ refusal: auth.hasAdminKey ? 'not-admin' : 'no-admin-key' }) });
        return;
      }
      // Without keys there is nothing to sign in to: back to the page.
      const cookie = login.outcome === 'signed-in' ? { 'set-cookie': login.setCookie } : {};
      response.writeHead(303, { ...securityHeaders, location: '/', ...cookie, 'cache-control': 'no-store', 'content-length': 0 });
      response.end();
    },
  });
  register({
    method: 'POST',
    path: '/dashboard/logout',
    handle: async (request, response) => {
      // A post from another site neither ends the session nor clears the cookie.
      if (!isSameOrigin(request)) {
        send(response, { status: 403, type: 'application/json', body: '{"error":{"message":"A sign-out must come from the dashboard\'s own page.","type":"permission_error"}}' });
        return;
      }
      const setCookie = await auth.logout(request, { secure: overHttps(request) });
      response.writeHead(303, { ...securityHeaders, location: '/', 'set-cookie': setCookie, 'cache-control': 'no-store', 'content-length': 0 });
      response.end();
    },
  });

  return {
    state,
    get clientCount() {
      return stream.size;
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
