/**
 * Gateway keys: compared in constant time (sha256 digests through timingSafeEqual, so neither content nor
 * length leaks through timing), required whenever the gateway listens beyond loopback, and each key its own
 * cache scope, named by a hash of the key, never the key. The caller's key is never sent upstream: the
 * router's providers use their own keys from the environment. Only admin keys read what covers every key
 * (metrics, health, the dashboard), so tenants sharing a gateway do not see each other.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Mutable } from '../types.js';
import { gatewayEnvironmentVariables } from './gateway-config.js';
import { GatewayHttpError } from './gateway-http-error.js';
import type { GatewayKeyPolicy, KeyLimits } from './gateway-keys-config.js';

interface StoredKey {
  readonly digest: Buffer;
  readonly caller: GatewayCaller;
}

export interface GatewayCaller {
  /** The cache scope of the caller's key; calls of different keys never share a cache entry. */
  readonly cacheScope: string;
  /** The key's name (from the configuration, or `key-<position>`); absent when the gateway has no keys. */
  readonly name?: string;
  /**
   * Who the key's quotas are counted for: a digest of the key, so renaming, adding or reordering keys moves
   * no count, and gateways sharing a Redis count a key the same whatever they call it. Never the key.
   */
  readonly quotaId?: string;
  /** What the key may do; absent when nothing limits it. */
  readonly limits?: KeyLimits;
  /** The model names the key may call (`provider/*` for a provider's); absent when it may call any. */
  readonly models?: readonly string[];
  /** May read the operator endpoints (metrics, health, the dashboard); absent when it may not. */
  readonly admin?: true;
}

/** Without keys the gateway listens on loopback only, and whoever reaches it is its operator. */
const anonymousCaller: GatewayCaller = { cacheScope: 'gateway:anonymous', admin: true };

/** 128 bits of a key's digest under a purpose of its own: the same key gives unrelated ids for each use. */
function keyDigest(purpose: string, key: string): string {
  return createHash('sha256').update(`${purpose}\0`).update(key, 'utf8').digest('hex').slice(0, 32);
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export class GatewayKeyVerifier {
  readonly #keys: readonly StoredKey[];
  /** Some key is an admin key: a refusal of the others says so, rather than how to make one. */
  readonly hasAdminKey: boolean;

  /** Keys as strings, or with their names and limits (`config.keyPolicies`). */
  constructor(keys: readonly (string | GatewayKeyPolicy)[]) {
    this.#keys = keys.map((entry, index) => {
      const policy: GatewayKeyPolicy = typeof entry === 'string' ? { key: entry, name: `key-${index + 1}`, limits: undefined } : entry;
      const cacheScope = `gateway-key:${keyDigest('backup-models cache scope', policy.key)}`;
      const quotaId = keyDigest('backup-models quota', policy.key);
      const caller: Mutable<GatewayCaller> = { cacheScope, name: policy.name, quotaId };
      if (policy.limits !== undefined) caller.limits = policy.limits;
      if (policy.models !== undefined) caller.models = policy.models;
      if (policy.admin) caller.admin = true;
      return { digest: digestOf(policy.key), caller };
    });
    this.hasAdminKey = this.#keys.some((stored) => stored.caller.admin);
  }

  /** True when callers must send a key. */
  get required(): boolean {
    return this.#keys.length > 0;
  }

  /** The caller behind an `Authorization` header, or undefined for a missing or wrong key. */
  verify(authorization: string | undefined): GatewayCaller | undefined {
    if (this.#keys.length === 0) return anonymousCaller;
    if (authorization === undefined) return undefined;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return match ? this.#find(match[1]!) : undefined;
  }

  /**
   * The caller behind a request's headers: `Authorization: Bearer <key>` (OpenAI's clients), else
   * `x-api-key: <key>` (Anthropic's). Either may carry the key: a client may send a token of its own for
   * another hop in `Authorization` beside the gateway key in `x-api-key`. Undefined when neither does.
   */
  verifyRequest(headers: { readonly authorization?: string | undefined; readonly 'x-api-key'?: string | string[] | undefined }): GatewayCaller | undefined {
    if (this.#keys.length === 0) return anonymousCaller;
    const viaAuthorization = headers.authorization !== undefined ? this.verify(headers.authorization) : undefined;
    if (viaAuthorization !== undefined) return viaAuthorization;
    const apiKey = headers['x-api-key'];
    return typeof apiKey === 'string' && apiKey.length > 0 ? this.#find(apiKey.trim()) : undefined;
  }

  #find(key: string): GatewayCaller | undefined {
    const presented = digestOf(key);
    let found: StoredKey | undefined;
    // Compare against every key, without stopping at the first match.
    for (const stored of this.#keys) {
      if (timingSafeEqual(presented, stored.digest)) found ??= stored;
    }
    return found?.caller;
  }
}

/** Whether `caller` may call `model` as the client named it: any model without an allowlist; else a listed name, or `provider/*`. */
export function callerMayCall(caller: GatewayCaller, model: string): boolean {
  const allowed = caller.models;
  if (allowed === undefined) return true;
  for (const entry of allowed) {
    if (entry === model) return true;
    if (entry.endsWith('/*') && model.startsWith(entry.slice(0, -1)) && model.length > entry.length - 1) return true;
  }
  return false;
}

/**
 * The 403 for a valid key that is not an admin key at an operator endpoint: which endpoint, that it needs an
 * admin key, and (when no key is one) the setting that makes one. Names the key by its name, never its value.
 */
export function adminKeyRequired(options: { readonly endpoint: string; readonly caller: GatewayCaller; readonly hasAdminKey: boolean }): GatewayHttpError {
  const needs = `${options.endpoint.slice(0, 200)} is for the gateway's operators and needs an admin gateway key`;
  return new GatewayHttpError({
    status: 403,
    code: 'admin_key_required',
    message: options.hasAdminKey
      ? `${needs}; the key "${options.caller.name ?? ''}" is not one.`
      : `${needs}, and no key is one: set \`admin: true\` on a key under \`keys\` in the configuration, or list it in ${gatewayEnvironmentVariables.adminKeys}.`,
  });
}

/**
 * The 429 for a client address past its failed key attempts (failed-key-attempts.ts): its key was not
 * compared, so the answer says nothing of it. Retry-After says when the address may try again.
 */
export function tooManyFailedKeyAttempts(retryAfterMs: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 429,
    type: 'rate_limit_error',
    code: 'too_many_failed_key_attempts',
    message: `Too many failed gateway key attempts from this address: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`,
    retryAfterMs,
  });
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  const version = isIP(bare);
  if (version === 4) return bare.startsWith('127.');
  if (version === 6) {
    const lower = bare.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    return mapped !== null && mapped[1]!.startsWith('127.');
  }
  return false;
}

export class InsecureBindingError extends Error {
  constructor(host: string) {
    super(
      `Refusing to listen on ${host} without a gateway key: beyond loopback, set BACKUP_MODELS_GATEWAY_KEYS ` +
        '(comma-separated) or `keys` in the configuration file, or listen on 127.0.0.1.',
    );
    this.name = 'InsecureBindingError';
  }
}

/** Throws InsecureBindingError when `host` reaches beyond loopback and no key is configured. */
export function assertSafeBinding(options: { readonly host: string; readonly keys: readonly string[] }): void {
  if (options.keys.length === 0 && !isLoopbackHost(options.host)) throw new InsecureBindingError(options.host);
}
