/**
 * Who may see the dashboard when the gateway has keys. A browser cannot send `Authorization` on a page load or
 * an EventSource, and a key in a URL ends up in history, logs and Referer headers; so the page offers a small
 * login form (POST, never GET), checks the key with the gateway's own verifier (constant time), and sets a
 * session cookie that is not the key: `<expiry>.<HMAC of the expiry under a per-process secret>`, HttpOnly,
 * SameSite=Strict. The cookie opens the dashboard only, never the API. A restart signs everyone out.
 * Programs may also send `Authorization: Bearer <gateway key>` to the dashboard's endpoints.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../clock.js';
import { GatewayKeyVerifier } from '../gateway/auth.js';

export const dashboardCookieName = 'backup_models_dashboard';

export interface DashboardAuthOptions {
  /** The gateway's keys; none means the dashboard is open (the gateway then only listens on loopback). */
  readonly keys: readonly string[];
  readonly clock?: Clock;
  /** Default 12 hours. */
  readonly sessionTtlMs?: number;
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

export class DashboardAuth {
  readonly #verifier: GatewayKeyVerifier;
  readonly #clock: Clock;
  readonly #sessionTtlMs: number;
  readonly #secret = randomBytes(32);

  constructor(options: DashboardAuthOptions) {
    this.#verifier = new GatewayKeyVerifier(options.keys);
    this.#clock = options.clock ?? systemClock;
    this.#sessionTtlMs = options.sessionTtlMs ?? 12 * 60 * 60_000;
  }

  /** True when a key is needed to see the dashboard. */
  get required(): boolean {
    return this.#verifier.required;
  }

  /** A request with a valid session cookie or gateway key (or any request when no key is set). */
  isAuthorized(request: IncomingMessage): boolean {
    if (!this.#verifier.required) return true;
    if (request.headers.authorization !== undefined && this.#verifier.verify(request.headers.authorization)) return true;
    const token = readCookie(request.headers.cookie, dashboardCookieName);
    return token !== undefined && this.#isValidSession(token);
  }

  /** The `Set-Cookie` value that opens a session, when `key` is a gateway key; undefined otherwise. */
  login(key: string): string | undefined {
    if (!this.#verifier.required) return undefined;
    if (key.length === 0 || key.length > 1024 || /\s/.test(key)) return undefined;
    if (!this.#verifier.verify(`Bearer ${key}`)) return undefined;
    const expiresAtMs = this.#clock.now() + this.#sessionTtlMs;
    const token = `${expiresAtMs}.${this.#sign(expiresAtMs)}`;
    return `${dashboardCookieName}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(this.#sessionTtlMs / 1000)}`;
  }

  /** The `Set-Cookie` value that ends a session. */
  logoutCookie(): string {
    return `${dashboardCookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }

  #sign(expiresAtMs: number): string {
    return createHmac('sha256', this.#secret).update(`backup-models dashboard session\0${expiresAtMs}`).digest('base64url');
  }

  #isValidSession(token: string): boolean {
    const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const expiresAtMs = Number(match[1]);
    if (!(expiresAtMs > this.#clock.now())) return false;
    const expected = Buffer.from(this.#sign(expiresAtMs), 'utf8');
    const presented = Buffer.from(match[2]!, 'utf8');
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  }
}
