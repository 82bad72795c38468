/**
 * What the dashboard's routes share: their shape, the headers every answer carries (a strict
 * Content-Security-Policy: scripts and styles from this origin only), and the answers to a request that
 * `DashboardAuth.access` does not let in.
 */
import type { ServerResponse } from 'node:http';
import type { GatewayRoute } from '../gateway/create-gateway.js';
import { toErrorResponse } from '../gateway/error-response.js';
import { tooManyFailedKeyAttempts } from '../gateway/auth.js';
import type { DashboardAccess } from './dashboard-auth.js';
import { dashboardLoginPage } from './dashboard-page.js';

/**
 * A dashboard route as its module writes it. attachDashboard registers each one public, since the route
 * checks access itself, and named `dashboard` in the request metrics.
 */
export type DashboardRoute = Omit<GatewayRoute, 'public' | 'metricsName'>;

export const securityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Writes a whole answer: the security headers, no-store unless `headers` says otherwise, type and length. */
export function sendDashboardResponse(response: ServerResponse, options: { status: number; type: string; body: string; headers?: Record<string, string> }): void {
  response.writeHead(options.status, {
    ...securityHeaders,
    'cache-control': 'no-store',
    ...options.headers,
    'content-type': options.type,
    'content-length': Buffer.byteLength(options.body),
  });
  response.end(options.body);
}

/** The content type of the dashboard's pages. */
export const htmlContentType = 'text/html; charset=utf-8';

const unauthorizedBody = JSON.stringify({
  error: {
    message: 'Sign in to the dashboard at / or send an admin gateway key: Authorization: Bearer <key> (or x-api-key: <key>).',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
});

/** Retry-After in whole seconds, at least 1. */
export function retryAfterHeader(retryAfterMs: number): Record<string, string> {
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}

/**
 * The answer to a request `access` did not let in: a 401 (the login form for the page), the 403 for a key that
 * is not an admin key, or the 429 for an address past its failed key attempts.
 */
export function refuseDashboardRequest(response: ServerResponse, access: Exclude<DashboardAccess, { outcome: 'allowed' }>, options: { readonly page: boolean }): void {
  if (access.outcome === 'too-many-attempts') {
    const headers = retryAfterHeader(access.retryAfterMs);
    if (options.page) sendDashboardResponse(response, { status: 429, type: htmlContentType, body: dashboardLoginPage({ refusal: 'too-many-attempts' }), headers });
    else sendDashboardResponse(response, { status: 429, type: 'application/json', body: JSON.stringify(toErrorResponse(tooManyFailedKeyAttempts(access.retryAfterMs)).body), headers });
  } else if (access.outcome === 'forbidden') {
    const { status, body } = toErrorResponse(access.error);
    sendDashboardResponse(response, { status, type: 'application/json', body: JSON.stringify(body) });
  } else if (options.page) {
    sendDashboardResponse(response, { status: 401, type: htmlContentType, body: dashboardLoginPage() });
  } else {
    sendDashboardResponse(response, { status: 401, type: 'application/json', body: unauthorizedBody });
  }
}
