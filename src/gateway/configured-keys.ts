/**
 * The keys a gateway configuration gives, so that none of its errors quotes one. A refusal names where the
 * mistake is, and some quote what they refuse (an unknown setting's name, a trusted proxy that is no address, a
 * route's name in its path): a key pasted in the wrong place (under `limits`, as a route's name, in
 * BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES) was then printed by the error that refused it. The keys are read from
 * the file as it stands, before any of it is checked, so a refusal made before the keys are read hides them too.
 */
import { defaultCatalog, type ProviderDefinition } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import { isRecord } from '../json-value.js';
import { isUpperCaseVariableName, keyEntryFields } from './gateway-keys-config.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** The variables that list gateway keys, comma-separated. */
const keyListVariables = ['BACKUP_MODELS_GATEWAY_KEYS', 'BACKUP_MODELS_GATEWAY_ADMIN_KEYS'] as const;

/** As `registerSecret`: shorter text is no key, and hiding it would garble the message. */
const shortestKeyLength = 6;

/**
 * Gateway keys (the file's `keys`, their `keyEnv` variables, the unknown fields of its key entries, the
 * environment's key lists) and providers' keys (the catalog's and the file's own providers' `apiKeyEnv`
 * variables), from a file not yet checked; and a `keyEnv` or `apiKeyEnv` that is no upper-case variable name.
 */
export function configuredKeysOf(file: unknown, env: Environment, catalog: readonly ProviderDefinition[] = defaultCatalog): string[] {
  const keys: (string | undefined)[] = keyListVariables.flatMap((name) => (env[name] ?? '').split(','));
  const variables = catalog.map((definition) => definition.apiKeyEnv);
  const document = isRecord(file) ? file : {};
  const listed: unknown = typeof document.keys === 'string' ? document.keys.split(',') : document.keys;
  for (const entry of Array.isArray(listed) ? listed : []) {
    if (typeof entry === 'string') keys.push(entry);
    if (!isRecord(entry)) continue;
    if (typeof entry.key === 'string') keys.push(entry.key);
    if (typeof entry.keyEnv === 'string') variables.push(entry.keyEnv);
    // A field no entry has, named or valued, may be the key mistyped (`- sk-...: `, `kye: sk-...`).
    // A known field given text where none belongs may hold the key pasted in the wrong field (`models: sk-...`).
    for (const [field, value] of Object.entries(entry)) {
      if (!keyEntryFields.includes(field)) keys.push(field, typeof value === 'string' ? value : undefined);
      else if (field !== 'name' && field !== 'keyEnv' && typeof value === 'string') keys.push(value);
    }
  }
  for (const provider of isRecord(document.providers) ? Object.values(document.providers) : []) {
    if (isRecord(provider) && typeof provider.apiKeyEnv === 'string') variables.push(provider.apiKeyEnv);
  }
  // A variable's name that is no upper-case name may be a key pasted in its place: hidden too.
  for (const name of variables) keys.push(env[name], isUpperCaseVariableName(name) ? undefined : name);
  const texts = keys.flatMap((key) => (typeof key === 'string' && key.trim().length >= shortestKeyLength ? [key.trim()] : []));
  // The longest first: a key that holds another is hidden whole.
  return [...new Set(texts)].sort((first, second) => second.length - first.length);
}

/** `read`'s result; an InvalidArgumentError it throws is rethrown with every one of `keys` hidden. */
export function withConfiguredKeysHidden<T>(keys: readonly string[], read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw error instanceof InvalidArgumentError ? hideConfiguredKeys(error, keys) : error;
  }
}

/** The error, or a copy of it with every one of `keys` in its message and argument replaced by `[redacted]`. */
export function hideConfiguredKeys(error: InvalidArgumentError, keys: readonly string[]): InvalidArgumentError {
  const hide = (text: string): string => keys.reduce((hidden, key) => hidden.split(key).join('[redacted]'), text);
  const message = hide(error.message);
  const argument = hide(error.argument);
  return message === error.message && argument === error.argument ? error : new InvalidArgumentError({ argument, message });
}
