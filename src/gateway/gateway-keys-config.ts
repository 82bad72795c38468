/**
 * The gateway's keys from the configuration file and the environment. A key is a string, or a mapping that
 * names it (for logs and metrics, never the key itself) and limits it:
 *
 *   keys:
 *     - name: billing
 *       keyEnv: BILLING_GATEWAY_KEY     # or `key:`, the key itself (prefer the environment)
 *       limits: { requestsPerMinute: 600, costUsdPerDay: 25 }
 *       models: [fast, tier-1, openai/*]   # the model names it may call; any when absent
 *     - name: ops
 *       keyEnv: OPS_GATEWAY_KEY
 *       admin: true                          # may read the operator endpoints (metrics, health, dashboard)
 *   keyLimits: { requestsPerMinute: 120 }  # for every key without limits of its own
 *
 * Keys of BACKUP_MODELS_GATEWAY_KEYS are plain strings, those of BACKUP_MODELS_GATEWAY_ADMIN_KEYS plain strings
 * that are admin keys. A key without a name is `key-<its position>`.
 */
import { registerSecret } from '../errors.js';
import { fail, objectAt, positiveInteger } from './config-fields.js';

/** What one key may do. Absent fields do not limit. */
export interface KeyLimits {
  /** Requests over a sliding minute (those the gateway answers itself with an error not counted); past it a 429 with Retry-After. */
  readonly requestsPerMinute?: number;
  /** USD of answers (the catalog's prices) per UTC day; past it a 429 until midnight UTC. */
  readonly costUsdPerDay?: number;
}

export interface GatewayKeyPolicy {
  readonly key: string;
  /** How logs, metrics and the key's own usage endpoint name it; its quotas are counted by a digest of the key. */
  readonly name: string;
  readonly limits: KeyLimits | undefined;
  /**
   * The model names the key may call, as a client sends them (a route, a tier alias, `provider/model`, a bare
   * id), `provider/*` for any model of a provider; absent when it may call any.
   */
  readonly models?: readonly string[];
  /** An operator's key: it may read what covers every key (metrics, health, the dashboard). Present only when true. */
  readonly admin?: true;
}

type Environment = Readonly<Record<string, string | undefined>>;

const namePattern = /^[A-Za-z0-9_.-]{1,64}$/;
/** The fields of a key entry given as a mapping; any other field may be the key itself, mistyped. */
export const keyEntryFields: readonly string[] = ['name', 'key', 'keyEnv', 'limits', 'models', 'admin'];

function keyText(value: string, path: string): string {
  const key = value.trim();
  // The key itself is never quoted: only its position.
  if (key.length < 8) fail(path, 'is shorter than 8 characters; use a long random key.');
  return key;
}

export function keyLimitsOf(value: unknown, path: string): KeyLimits {
  const object = objectAt(value, path, ['requestsPerMinute', 'costUsdPerDay']);
  const limits: { requestsPerMinute?: number; costUsdPerDay?: number } = {};
  if (object.requestsPerMinute !== undefined) limits.requestsPerMinute = positiveInteger(object.requestsPerMinute, `${path}.requestsPerMinute`);
  if (object.costUsdPerDay !== undefined) {
    const cost = object.costUsdPerDay;
    if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) fail(`${path}.costUsdPerDay`, 'must be a number of USD above 0.');
    limits.costUsdPerDay = cost;
  }
  return limits;
}

interface ListedKey {
  readonly key: string;
  readonly name?: string;
  readonly limits?: KeyLimits;
  readonly models?: readonly string[];
  readonly admin?: true;
}

function modelsOf(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((model) => typeof model !== 'string' || model.trim() === '')) {
    fail(path, 'must be a non-empty list of model names (a route, tier-1, provider/model, provider/*).');
  }
  return (value as string[]).map((model) => model.trim());
}

function listedKeysOf(value: unknown, path: string, options: { readonly env: Environment; readonly admin?: true }): ListedKey[] {
  const { env } = options;
  if (!Array.isArray(value)) fail(path, 'must be a list of keys (strings, or mappings with name, key or keyEnv, and limits).');
  const listed: ListedKey[] = [];
  value.forEach((entry: unknown, index) => {
    const entryPath = `${path}[${index}]`;
    if (typeof entry === 'string') {
      if (entry.trim() !== '') listed.push({ key: keyText(entry, entryPath), ...(options.admin ? { admin: options.admin } : {}) });
      return;
    }
    // Unknown fields are not named: a mistyped entry's field may be the key itself (`- sk-...: `).
    if (typeof entry === 'object' && entry !== null && Object.keys(entry).some((field) => !keyEntryFields.includes(field))) {
      fail(entryPath, `has fields it does not know (known: ${keyEntryFields.join(', ')}).`);
    }
    const object = objectAt(entry, entryPath);
    if ((object.key === undefined) === (object.keyEnv === undefined)) fail(entryPath, 'must have either key or keyEnv.');
    let key: string;
    if (object.keyEnv !== undefined) {
      if (typeof object.keyEnv !== 'string' || object.keyEnv === '') fail(`${entryPath}.keyEnv`, 'must name an environment variable.');
      // Only text is a variable's value: `__proto__` or `constructor` reads a member of Object.prototype otherwise.
      const fromEnv: unknown = Object.hasOwn(env, object.keyEnv) ? env[object.keyEnv] : undefined;
      if (typeof fromEnv !== 'string' || fromEnv.trim() === '') fail(`${entryPath}.keyEnv`, `names ${variableNameOrNot(object.keyEnv)}, which is not set.`);
      key = keyText(fromEnv, `${entryPath} (${object.keyEnv})`);
    } else {
      if (typeof object.key !== 'string') fail(`${entryPath}.key`, 'must be a string.');
      key = keyText(object.key, `${entryPath}.key`);
    }
    if (object.name !== undefined && (typeof object.name !== 'string' || !namePattern.test(object.name))) {
      fail(`${entryPath}.name`, 'must be 1 to 64 letters, digits, "_", "-" or ".".');
    }
    // Named by its position and name, never its value: a key pasted under the wrong field stays unquoted.
    if (object.admin !== undefined && typeof object.admin !== 'boolean') {
      fail(`${entryPath}.admin`, `${object.name !== undefined ? `(the key "${object.name as string}") ` : ''}must be true or false.`);
    }
    listed.push({
      key,
      ...(object.name !== undefined ? { name: object.name as string } : {}),
      ...(object.limits !== undefined ? { limits: keyLimitsOf(object.limits, `${entryPath}.limits`) } : {}),
      ...(object.models !== undefined ? { models: modelsOf(object.models, `${entryPath}.models`) } : {}),
      ...(object.admin === true ? { admin: true as const } : {}),
    });
  });
  return listed;
}

/**
 * Every key, the file's first, then the environment's, then the environment's admin keys; a key listed twice
 * keeps its first entry, and is an admin key when the admin variable lists it (the environment over the file).
 * Each key is registered as a secret, so no log or error can print it.
 */
export function gatewayKeysOf(options: {
  readonly file: unknown;
  readonly fileLimits: unknown;
  readonly envKeys: string | undefined;
  readonly envName: string;
  readonly envAdminKeys: string | undefined;
  readonly envAdminName: string;
  readonly env: Environment;
}): GatewayKeyPolicy[] {
  const { env } = options;
  const listed = [
    ...(options.file !== undefined ? listedKeysOf(typeof options.file === 'string' ? options.file.split(',') : options.file, 'keys', { env }) : []),
    ...(options.envKeys ? listedKeysOf(options.envKeys.split(','), options.envName, { env }) : []),
  ];
  const adminListed = options.envAdminKeys ? listedKeysOf(options.envAdminKeys.split(','), options.envAdminName, { env, admin: true }) : [];
  for (const entry of adminListed) {
    const index = listed.findIndex((kept) => kept.key === entry.key);
    if (index === -1) listed.push(entry);
    else listed[index] = { ...listed[index]!, admin: true };
  }
  const defaultLimits = options.fileLimits !== undefined ? keyLimitsOf(options.fileLimits, 'keyLimits') : undefined;
  const unique: ListedKey[] = [];
  for (const entry of listed) {
    registerSecret(entry.key);
    if (!unique.some((kept) => kept.key === entry.key)) unique.push(entry);
  }
  const names = new Set<string>();
  for (const entry of unique) {
    if (entry.name === undefined) continue;
    if (names.has(entry.name)) fail('keys', `names two keys "${entry.name}".`);
    names.add(entry.name);
  }
  // A key without a name is `key-<position>`, or the next number no other key is named.
  return unique.map((entry, index): GatewayKeyPolicy => {
    let name = entry.name;
    for (let number = index + 1; name === undefined; number += 1) {
      if (!names.has(`key-${number}`)) name = `key-${number}`;
    }
    names.add(name);
    return {
      key: entry.key,
      name,
      limits: entry.limits ?? defaultLimits,
      ...(entry.models !== undefined ? { models: entry.models } : {}),
      ...(entry.admin ? { admin: true as const } : {}),
    };
  });
}

/**
 * A `keyEnv` as an error quotes it: an upper-case variable name as it is; anything else may be the key itself,
 * pasted where its variable's name belongs and set nowhere (so no redaction knows it), and is not quoted.
 */
function variableNameOrNot(name: string): string {
  return isUpperCaseVariableName(name) ? name : 'a variable (not quoted: not an upper-case name, it may be a key pasted in its place)';
}

/** Whether a `keyEnv` or `apiKeyEnv` reads as a variable's name; anything else may be a key pasted in its place. */
export function isUpperCaseVariableName(name: string): boolean {
  return /^[A-Z_][A-Z0-9_]*$/.test(name);
}
