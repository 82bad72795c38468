/**
 * The shapes of the router's options that are not numbers (the catalog, extra providers, the environment, the
 * clock, the cache backend, the state sync, cacheEnabled), checked when it is made. A JavaScript caller's value
 * of the wrong shape otherwise threw a TypeError from the constructor, or later from the first call (a clock
 * without `now`, an environment value that is no string), or was taken for the default (`env: null` read
 * `process.env`).
 */
import { defaultCatalog } from '../catalog.js';
import { InvalidArgumentError } from '../errors.js';
import { isRecord } from '../json-value.js';
import { wireProtocols } from '../providers/protocols.js';
import type { WireProtocolId } from '../types.js';
import type { BackupModelRouterOptions } from './router-options.js';
import { checkProviderDefinition } from './validate-provider-definition.js';

/** The methods each object option must have, as its interface declares them. */
const methodsOf = {
  clock: ['now', 'setTimeout', 'clearTimeout'],
  cacheBackend: ['get', 'set', 'delete', 'clear', 'close'],
  stateSync: ['publish', 'subscribe', 'acquireProbe', 'acquireHealthCheckTurn'],
} as const;

const providerMethods = ['isConfigured', 'complete', 'stream', 'checkHealth'] as const;
const httpProtocols: readonly string[] = Object.keys(wireProtocols);
const everyProtocol: readonly WireProtocolId[] = ['openai-compatible', 'anthropic', 'gemini', 'custom'];

export function checkRouterOptionShapes(options: BackupModelRouterOptions): void {
  if (!isRecord(options)) throw invalid('options', 'options must be an object of router options.');
  if (options.cacheEnabled !== undefined && typeof options.cacheEnabled !== 'boolean') {
    throw invalid('cacheEnabled', 'cacheEnabled must be true or false.');
  }
  checkEnv(options.env);
  for (const name of ['clock', 'cacheBackend', 'stateSync'] as const) checkMethods(name, options[name], methodsOf[name]);
  const ids = new Set<string>();
  checkCatalog(options.catalog, ids);
  checkExtraProviders(options.extraProviders, ids);
}

/** An object of variables, each a string (or absent): a value is named by its variable, never quoted. */
function checkEnv(env: unknown): void {
  if (env === undefined) return;
  if (!isRecord(env)) throw invalid('env', 'env must be an object of environment variables (as process.env is).');
  for (const name of Object.keys(env)) {
    const value = env[name];
    if (value !== undefined && typeof value !== 'string') throw invalid(`env.${name}`, `env.${name} must be a string.`);
  }
}

function checkMethods(argument: string, value: unknown, methods: readonly string[]): void {
  if (value === undefined) return;
  const fields = value as Record<string, unknown> | null;
  if (typeof fields !== 'object' || fields === null || methods.some((method) => typeof fields[method] !== 'function')) {
    throw invalid(argument, `${argument} must be an object with the methods ${methods.join(', ')}.`);
  }
}

function checkCatalog(catalog: unknown, ids: Set<string>): void {
  if (catalog === undefined) {
    for (const definition of defaultCatalog) ids.add(definition.id);
    return;
  }
  if (!Array.isArray(catalog)) throw invalid('catalog', 'catalog must be an array of provider definitions.');
  for (let index = 0; index < catalog.length; index += 1) {
    const path = `catalog[${index}]`;
    checkProviderDefinition(catalog[index], path, { protocols: httpProtocols, httpBaseUrl: true });
    checkUniqueId((catalog[index] as { id: string }).id, `${path}.id`, ids);
  }
}

function checkExtraProviders(providers: unknown, ids: Set<string>): void {
  if (providers === undefined) return;
  if (!Array.isArray(providers)) throw invalid('extraProviders', 'extraProviders must be an array of model providers.');
  for (let index = 0; index < providers.length; index += 1) {
    const path = `extraProviders[${index}]`;
    const provider: unknown = providers[index];
    checkMethods(path, provider ?? null, providerMethods);
    const { id, definition, settlesOnAbort } = provider as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw invalid(`${path}.id`, `${path}.id must be a non-empty string.`);
    checkProviderDefinition(definition, `${path}.definition`, { protocols: everyProtocol, httpBaseUrl: false });
    if (settlesOnAbort !== undefined && typeof settlesOnAbort !== 'boolean') {
      throw invalid(`${path}.settlesOnAbort`, `${path}.settlesOnAbort must be true or false.`);
    }
    checkUniqueId(id, `${path}.id`, ids);
  }
}

/** Providers are told apart by id (health, routes, preferredProvider): two with one id would be one. */
function checkUniqueId(id: string, path: string, ids: Set<string>): void {
  if (ids.has(id)) throw invalid(path, `${path} '${id}' is the id of another of the router's providers: each needs its own.`);
  ids.add(id);
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message });
}
