/**
 * Signing in to the dashboard and out of it: `POST /dashboard/login`, the login form's target, and
 * `POST /dashboard/logout`, which ends the session and with it its event streams. Both take posts from the
 * dashboard's own origin only.
 */
import type { IncomingMessage } from 'node:http';
import type { DashboardAuth } from './dashboard-auth.js';
import { dashboardLoginPage } from './dashboard-page.js';
import { type DashboardRoute, htmlContentType, retryAfterHeader, securityHeaders, sendDashboardResponse } from './dashboard-responses.js';

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

export interface DashboardSignInOptions {
  readonly auth: DashboardAuth;
  /** The page was reached over HTTPS (`gateway.overHttps`), so the cookie is set, and cleared, Secure. */
  readonly overHttps: (request: IncomingMessage) => boolean;
}

export function dashboardSignInRoutes(options: DashboardSignInOptions): DashboardRoute[] {
  const { auth, overHttps } = options;
  return [
    {
      method: 'POST',
      path: '/dashboard/login',
      handle: async (request, response) => {
        const body = await readSmallBody(request, 4096);
        if (body === undefined) {
          sendDashboardResponse(response, { status: 413, type: htmlContentType, body: dashboardLoginPage({ refusal: 'wrong-key' }), headers: { connection: 'close' } });
          return;
        }
        // A post from another site is refused without a key compared, nor counted against the address: a page
        // could otherwise lock its visitors out of their own gateway.
        const login = isSameOrigin(request)
          ? await auth.login(new URLSearchParams(body).get('key') ?? '', { secure: overHttps(request), request })
          : { outcome: 'wrong-key' as const };
        if (login.outcome === 'too-many-attempts') {
          sendDashboardResponse(response, { status: 429, type: htmlContentType, body: dashboardLoginPage({ refusal: 'too-many-attempts' }), headers: retryAfterHeader(login.retryAfterMs) });
          return;
        }
        if (login.outcome === 'wrong-key') {
          sendDashboardResponse(response, { status: 401, type: htmlContentType, body: dashboardLoginPage({ refusal: 'wrong-key' }) });
          return;
        }
        if (login.outcome === 'not-admin') {
          sendDashboardResponse(response, { status: 403, type: htmlContentType, body: dashboardLoginPage({ refusal: auth.hasAdminKey ? 'not-admin' : 'no-admin-key' }) });
          return;
        }
        // Without keys there is nothing to sign in to: back to the page.
        const cookie = login.outcome === 'signed-in' ? { 'set-cookie': login.setCookie } : {};
        response.writeHead(303, { ...securityHeaders, location: '/', ...cookie, 'cache-control': 'no-store', 'content-length': 0 });
        response.end();
      },
    },
    {
      method: 'POST',
      path: '/dashboard/logout',
      handle: async (request, response) => {
        // A post from another site neither ends the session nor clears the cookie.
        if (!isSameOrigin(request)) {
          sendDashboardResponse(response, { status: 403, type: 'application/json', body: '{"error":{"message":"A sign-out must come from the dashboard\'s own page.","type":"permission_error"}}' });
          return;
        }
        const setCookie = await auth.logout(request, { secure: overHttps(request) });
        response.writeHead(303, { ...securityHeaders, location: '/', 'set-cookie': setCookie, 'cache-control': 'no-store', 'content-length': 0 });
        response.end();
      },
    },
  ];
}
