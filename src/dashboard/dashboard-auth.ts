/**
 * Who may see the dashboard when the gateway has keys: an admin key's holder, as it shows every key's calls.
 * A browser cannot send `Authorization` on a page load or an EventSource, and a key in a URL ends up in
 * history, logs and Referer headers; so the page offers a small login form (POST, never GET), checks the key
 * with the gateway's own verifier (constant time), and sets, for an admin key only, a session cookie that is
 * not the key: `<expiry>.<session id>.<HMAC under a secret derived from the admin key>`
 * (dashboard-session-signer.ts), HttpOnly, SameSite=Strict. Every gateway with the same admin keys honours it,
 * behind a load balancer and across restarts; one without that key (removed, or no longer admin) does not. A
 * sign-out revokes the session in `SessionRevocations`: this process's memory, or Redis when the gateways
 * share one, so that every instance refuses it. The cookie opens the dashboard only, never the API. Programs
 * may instead send an admin key as the model endpoints take it: `Authorization: Bearer <key>` or
 * `x-api-key: <key>`. A wrong key, from the form or in a header, counts against its client address in the
 * gateway's failed key attempts, and an address past them is refused (429) before its key is compared.
 */
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { adminKeyRequired, GatewayKeyVerifier } from '../gateway/auth.js';
import type { GatewayHttpError } from '../gateway/gateway-http-error.js';
import type { GatewayKeyPolicy } from '../gateway/gateway-keys-config.js';
import type { FailedKeyAttempts } from '../gateway/failed-key-attempts.js';
import { MemorySessionRevocations } from '../sessions/memory-session-revocations.js';
import type { SessionRevocations } from '../sessions/session-revocations.js';
import { type DashboardSession, DashboardSessionSigner } from './dashboard-session-signer.js';

export const dashboardCookieName = 'backup_models_dashboard';

export interface DashboardAuthOptions {
  /**
   * The gateway's keys (`config.keyPolicies`); none means the dashboard is open (the gateway then only listens
   * on loopback). Only those with `admin: true` open it; a plain string is never an admin key.
   */
  readonly keys: readonly (string | GatewayKeyPolicy)[];
  readonly clock?: Clock;
  /** Whole milliseconds above 0 (else an InvalidArgumentError). Default 12 hours. */
  readonly sessionTtlMs?: number;
  /** The gateway's failed key attempts per client address (`gateway.failedKeyAttempts`); none: not counted. */
  readonly failedKeyAttempts?: FailedKeyAttempts;
  /**
   * The address a request's wrong keys count against (`gateway.clientAddress`: the client a trusted proxy
   * names). Default the socket's peer.
   */
  readonly clientAddress?: (request: IncomingMessage) => string | undefined;
  /**
   * Where sign-outs are kept until their sessions expire: `RedisSessionRevocations` (the shared state's
   * `sessionRevocations`) so every instance refuses a session signed out at another. Default this process's memory.
   */
  readonly sessionRevocations?: SessionRevocations;
}

function adminKeysOf(keys: readonly (string | GatewayKeyPolicy)[]): string[] {
  return keys.flatMap((entry) => (typeof entry !== 'string' && entry.admin ? [entry.key] : []));
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

/** Its client address made too many failed key attempts: refused (429) until `retryAfterMs` has passed. */
export interface TooManyKeyAttempts {
  readonly outcome: 'too-many-attempts';
  readonly retryAfterMs: number;
}

/**
 * A request to the dashboard: let in (on `session`, when its cookie let it in), asked to sign in (401), a valid
 * key that is not an admin key (403), or an address past its failed key attempts (429).
 */
export type DashboardAccess =
  | { readonly outcome: 'allowed'; readonly session?: DashboardSession }
  | { readonly outcome: 'sign-in' }
  | { readonly outcome: 'forbidden'; readonly error: GatewayHttpError }
  | TooManyKeyAttempts;

/** A sign-in: the cookie to set, or why not (`open`: the gateway has no keys, there is nothing to sign in to). */
export type DashboardLogin =
  | { readonly outcome: 'signed-in'; readonly setCookie: string }
  | { readonly outcome: 'open' | 'wrong-key' | 'not-admin' }
  | TooManyKeyAttempts;

const allowed: DashboardAccess = { outcome: 'allowed' };
const signIn: DashboardAccess = { outcome: 'sign-in' };

export class DashboardAuth {
  #verifier: GatewayKeyVerifier;
  readonly #clock: Clock;
  readonly #sessionTtlMs: number;
  #signer: DashboardSessionSigner;
  readonly #revocations: SessionRevocations;
  readonly #failedKeyAttempts: FailedKeyAttempts | undefined;
  readonly #clientAddress: (request: IncomingMessage) => string | undefined;

  constructor(options: DashboardAuthOptions) {
    this.#verifier = new GatewayKeyVerifier(options.keys);
    this.#clock = options.clock ?? systemClock;
    const sessionTtlMs = options.sessionTtlMs ?? 12 * 60 * 60_000;
    if (!Number.isSafeInteger(sessionTtlMs) || sessionTtlMs <= 0) {
      throw new InvalidArgumentError({ argument: 'sessionTtlMs', message: 'sessionTtlMs must be a whole number of milliseconds above 0.' });
    }
    this.#sessionTtlMs = sessionTtlMs;
    this.#signer = new DashboardSessionSigner(adminKeysOf(options.keys));
    this.#revocations = options.sessionRevocations ?? new MemorySessionRevocations({ clock: this.#clock });
    this.#failedKeyAttempts = options.failedKeyAttempts;
    this.#clientAddress = options.clientAddress ?? ((request) => request.socket?.remoteAddress);
  }

  /**
   * Check keys and sessions against `keys` from now on (a reloaded configuration): a session signed under a key that is
   * still an admin key stays valid, and its secret is not derived again; one of a key removed, or no longer admin, is
   * refused from the next request on. The revocations, the time to live and the failed key attempts stay.
   */
  useKeys(keys: readonly (string | GatewayKeyPolicy)[]): void {
    this.#verifier = new GatewayKeyVerifier(keys);
    this.#signer = new DashboardSessionSigner(adminKeysOf(keys), { previous: this.#signer });
  }

  /**
   * Whether a request let in earlier (an event stream's) would be let in now: its session valid, or its key an admin
   * key, or the gateway without keys. Counts no failed key attempt: the request made none since.
   */
  async stillAllowed(request: IncomingMessage): Promise<boolean> {
    if (!this.#verifier.required) return true;
    if ((await this.#session(request)) !== undefined) return true;
    return this.#verifier.verifyRequest(request.headers)?.admin === true;
  }

  /** True when a key is needed to see the dashboard. */
  get required(): boolean {
    return this.#verifier.required;
  }

  /** True when some key is an admin key: with keys but none, the dashboard opens to no one. */
  get hasAdminKey(): boolean {
    return this.#verifier.hasAdminKey;
  }

  /**
   * Allowed with a valid session cookie or an admin key (in `Authorization` or `x-api-key`), or any request
   * when the gateway has no key; a valid key that is not an admin key is refused with the 403 to answer. A
   * session is no key: it is let in even from an address past its failed key attempts.
   */
  async access(request: IncomingMessage): Promise<DashboardAccess> {
    if (!this.#verifier.required) return allowed;
    const session = await this.#session(request);
    if (session !== undefined) return { outcome: 'allowed', session };
    const { headers } = request;
    // A browser without a session sends no key: asked to sign in, that is no failed attempt.
    if (headers.authorization === undefined && headers['x-api-key'] === undefined) return signIn;
    const clientAddress = this.#clientAddress(request);
    const retryAfterMs = this.#failedKeyAttempts?.retryAfterMs(clientAddress);
    if (retryAfterMs !== undefined) return { outcome: 'too-many-attempts', retryAfterMs };
    const caller = this.#verifier.verifyRequest(headers);
    if (caller === undefined) {
      await this.#failedKeyAttempts?.recordFailure(clientAddress);
      return signIn;
    }
    if (caller.admin) return allowed;
    const endpoint = `${request.method ?? 'GET'} ${(request.url ?? '/').split('?')[0]!}`;
    return { outcome: 'forbidden', error: adminKeyRequired({ endpoint, caller, hasAdminKey: this.#verifier.hasAdminKey }) };
  }

  /**
   * Sign in with `key` from the form: a session cookie for an admin key only. `secure` (the page was reached
   * over HTTPS) marks the cookie Secure, so the browser never sends it over plain HTTP. `request` is whose
   * failed attempts a wrong key counts against (its client address).
   */
  async login(key: string, options: { readonly secure?: boolean; readonly request?: IncomingMessage } = {}): Promise<DashboardLogin> {
    if (!this.#verifier.required) return { outcome: 'open' };
    const clientAddress = options.request === undefined ? undefined : this.#clientAddress(options.request);
    const retryAfterMs = this.#failedKeyAttempts?.retryAfterMs(clientAddress);
    if (retryAfterMs !== undefined) return { outcome: 'too-many-attempts', retryAfterMs };
    const caller = key.length === 0 || key.length > 1024 || /\s/.test(key) ? undefined : this.#verifier.verify(`Bearer ${key}`);
    if (caller === undefined) {
      await this.#failedKeyAttempts?.recordFailure(clientAddress);
      return { outcome: 'wrong-key' };
    }
    if (!caller.admin) return { outcome: 'not-admin' };
    // Whole milliseconds: the expiry is written in the cookie as digits (a clock may read fractions).
    const signed = await this.#signer.sign(key, Math.floor(this.#clock.now()) + this.#sessionTtlMs);
    if (signed === undefined) return { outcome: 'not-admin' };
    return {
      outcome: 'signed-in',
      setCookie: `${dashboardCookieName}=${signed.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(this.#sessionTtlMs / 1000)}${options.secure ? '; Secure' : ''}`,
    };
  }

  /**
   * Sign out: the request's session, if it has a valid one, is revoked (at every instance, with shared
   * revocations), and the `Set-Cookie` value that drops the cookie is returned.
   */
  async logout(request: IncomingMessage, options: { readonly secure?: boolean } = {}): Promise<string> {
    const session = this.#verifier.required ? await this.#session(request) : undefined;
    if (session !== undefined) await this.#revocations.revoke(session.sessionId, session.expiresAtMs);
    return `${dashboardCookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${options.secure ? '; Secure' : ''}`;
  }

  /** The request's session: its cookie signed under one of our admin keys, not expired, not revoked. */
  async #session(request: IncomingMessage): Promise<DashboardSession | undefined> {
    const token = readCookie(request.headers.cookie, dashboardCookieName);
    if (token === undefined) return undefined;
    const session = await this.#signer.verify(token, this.#clock.now());
    if (session === undefined || (await this.#revocations.isRevoked(session.sessionId))) return undefined;
    return session;
  }
}
