/**
 * Gateway configurations for property tests: YAML documents shaped around every setting of the README's "every
 * setting" block, each value valid, near-valid, one of the configuration's own keys pasted in the wrong place, or
 * any JSON value; and environments giving every variable the gateway reads the same kinds of value. The keys
 * (gateway and provider keys) are drawn per run, so a test can tell whether any of them was quoted.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { defaultCatalog } from '../catalog.js';
import { defaultGatewayLimits, gatewayEnvironmentVariables } from './gateway-config.js';
import { oddValue, pathsOf, removed, withValueAt } from './near-valid-bodies.test-support.js';

/** The keys one configuration holds: its gateway keys and its providers' keys. */
export interface ConfiguredKeys {
  readonly gateway: readonly string[];
  readonly provider: readonly string[];
}

export interface GeneratedConfiguration {
  readonly keys: ConfiguredKeys;
  readonly yamlText: string;
  readonly env: Record<string, string>;
}

/** A key as an operator makes one: long, random, sometimes in a provider's own form. */
const keyText = fc.tuple(fc.constantFrom('', 'sk-', 'gsk_', 'bm_'), fc.stringMatching(/^[A-Za-z0-9]{12,24}$/)).map(([prefix, body]) => prefix + body);

/** The variable a file's `keyEnv` or own provider's `apiKeyEnv` names. */
const keyVariables = ['BILLING_GATEWAY_KEY', 'OPS_GATEWAY_KEY', 'DEEPSEEK_API_KEY'] as const;

/** A configured key pasted in the wrong place, any JSON value, or anything at all. */
function wrongValue(keys: ConfiguredKeys): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constantFrom(...keys.gateway, ...keys.provider), oddValue, fc.jsonValue({ maxDepth: 2 }), fc.anything({ maxDepth: 2 }));
}

/** Valid most often (a document's mistakes are mostly made by `mistakes` below), else a wrong value. */
function field(keys: ConfiguredKeys, valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: wrongValue(keys) });
}

/**
 * The document with up to two mistakes at any of its places: a value replaced by a wrong one, removed, or a key
 * added beside it (named as a setting, as one of the configured keys, or anything).
 */
function withMistakes(keys: ConfiguredKeys, document: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = pathsOf(document);
  if (paths.length === 0) return fc.constant(document);
  const name = fc.oneof(fc.constantFrom('enabled', 'key', 'trustedProxy', 'timeout', ...keys.gateway, ...keys.provider), fc.string({ maxLength: 12 }));
  const mistake = fc.record({
    path: fc.constantFrom(...paths),
    kind: fc.constantFrom('replace', 'replace', 'remove', 'add'),
    name,
    value: wrongValue(keys),
  });
  return fc.array(mistake, { maxLength: 2 }).map((mistakes) =>
    mistakes.reduce<unknown>((current, { path, kind, name: added, value }) => {
      if (kind === 'replace') return safely(() => withValueAt(current, path, value), current);
      if (kind === 'remove') return safely(() => withValueAt(current, path, removed), current);
      const holder = path.slice(0, -1);
      return safely(() => withValueAt(current, [...holder, added], value), current);
    }, document),
  );
}

/** A mistake on a place an earlier one took away is left out. */
function safely(mutate: () => unknown, unchanged: unknown): unknown {
  try {
    return mutate();
  } catch {
    return unchanged;
  }
}

function someOf(keys: ConfiguredKeys, fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(Object.entries(fields).map(([name, valid]) => [name, field(keys, valid)])), { requiredKeys: [] });
}

/** Mostly `valid`, sometimes a value at or past its edges. */
const mostly = <T>(valid: fc.Arbitrary<T>, edges: readonly unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
const timerMs = mostly(fc.integer({ min: 1, max: 120_000 }), [0, 2 ** 31 - 1, 2 ** 31, 0.5]);
const modelReference = fc.constantFrom('groq/llama-3.1-8b-instant', 'openai/gpt-4o-mini', 'deepseek/deepseek-chat', 'nope/model');
const hedge = fc.constantFrom<unknown>(false, { delayMs: 'auto' }, { delayMs: 250 });
const baseUrl = mostly(fc.constantFrom('http://127.0.0.1:9999/v1', 'https://api.deepseek.com/v1/'), ['ftp://x', 'not a url', '']);

function keyEntry(keys: ConfiguredKeys): fc.Arbitrary<unknown> {
  const limits = someOf(keys, { requestsPerMinute: mostly(fc.integer({ min: 1, max: 600 }), [0]), costUsdPerDay: mostly(fc.double({ min: 0.01, max: 50, noNaN: true }), [0, -1]) });
  return fc.oneof(
    fc.constantFrom(...keys.gateway),
    someOf(keys, {
      name: mostly(fc.constantFrom('billing', 'ops'), ['a b', '']),
      key: mostly(fc.constantFrom(...keys.gateway), ['short']),
      keyEnv: mostly(fc.constantFrom(...keyVariables), ['UNSET_VARIABLE', ...keys.gateway]),
      limits,
      models: mostly(fc.constantFrom<unknown>(['fast'], ['openai/*']), [[], ['']]),
      admin: fc.boolean(),
    }),
  );
}

function ownProvider(keys: ConfiguredKeys): fc.Arbitrary<unknown> {
  const price = someOf(keys, { inputPerMillion: mostly(fc.double({ min: 0, max: 5, noNaN: true }), [-1]), outputPerMillion: fc.double({ min: 0, max: 5, noNaN: true }), cachedInputPerMillion: fc.double({ min: 0, max: 1, noNaN: true }) });
  const model = fc.oneof(
    mostly(fc.constantFrom('deepseek-chat', 'deepseek-reasoner'), ['']),
    someOf(keys, { id: fc.constantFrom('deepseek-chat', 'deepseek-reasoner'), contextWindowTokens: mostly(fc.integer({ min: 1, max: 200_000 }), [0]), maxOutputTokens: mostly(fc.integer({ min: 1, max: 8_192 }), [0]), vision: fc.boolean(), reasoning: fc.boolean(), price }),
  );
  return someOf(keys, {
    protocol: mostly(fc.constantFrom('openai-compatible', 'anthropic', 'gemini'), ['custom']),
    baseUrl,
    apiKeyEnv: mostly(fc.constant('DEEPSEEK_API_KEY'), ['not a name', ...keys.provider]),
    models: fc.array(model, { minLength: 1, maxLength: 3 }),
    tiers: fc.dictionary(fc.constantFrom('1', '2', '3'), fc.constant('deepseek-chat'), { maxKeys: 2 }),
  });
}

/** A configuration document: some of the top-level settings, each valid or not. */
function configDocument(keys: ConfiguredKeys): fc.Arbitrary<Record<string, unknown>> {
  const limitFields = Object.fromEntries(Object.keys(defaultGatewayLimits).map((name) => [name, name.endsWith('Ms') ? timerMs : mostly(fc.integer({ min: 1, max: 2 ** 30 }), [0, -1, 1.5])]));
  return someOf(keys, {
    host: fc.constantFrom('127.0.0.1', '0.0.0.0', '::1', 'localhost'),
    port: mostly(fc.integer({ min: 0, max: 65_535 }), ['8080', 'eighty', 70_000]),
    keys: fc.oneof(fc.array(keyEntry(keys), { maxLength: 3 }), fc.constant(keys.gateway.join(','))),
    keyLimits: someOf(keys, { requestsPerMinute: mostly(fc.integer({ min: 1, max: 600 }), [0]), costUsdPerDay: mostly(fc.double({ min: 0.01, max: 50, noNaN: true }), [0, -1]) }),
    limits: someOf(keys, limitFields),
    trustedProxies: fc.array(mostly(fc.constantFrom('10.0.0.0/8', '127.0.0.1', '::1'), ['0.0.0.0/0', '300.1.1.1']), { maxLength: 2 }),
    trustedProxyHops: mostly(fc.constant(0), [1, -1, 1.5]),
    clientAddressHeader: mostly(fc.constantFrom('x-forwarded-for', 'forwarded', 'X-Forwarded-For'), ['x-real-ip']),
    routes: fc.dictionary(
      mostly(fc.constantFrom('fast', 'cheap', 'constructor'), ['tier-1', 'a/b', '__proto__']) as fc.Arbitrary<string>,
      fc.oneof(fc.array(modelReference, { minLength: 1, maxLength: 2 }), someOf(keys, { targets: fc.array(modelReference, { minLength: 1, maxLength: 2 }), parallelAttempts: mostly(fc.integer({ min: 1, max: 3 }), [0]), hedge })),
      { maxKeys: 2 },
    ),
    providers: fc.dictionary(
      mostly(fc.constantFrom('openai', 'groq', 'deepseek'), ['Bad Id', 'nope']) as fc.Arbitrary<string>,
      fc.oneof(fc.record({ baseUrl }), ownProvider(keys)),
      { maxKeys: 2 },
    ),
    cache: someOf(keys, { enabled: fc.boolean(), ttlSeconds: mostly(fc.integer({ min: 1, max: 600 }), [0]) }),
    storedResponses: someOf(keys, {
      enabled: fc.boolean(),
      ttlSeconds: mostly(fc.integer({ min: 1, max: 86_400 }), [0, '1h']),
      maxMemoryBytes: mostly(fc.integer({ min: 1, max: 2 ** 30 }), [-1]),
      maxEntryBytes: mostly(fc.integer({ min: 1, max: 2 ** 24 }), [1.5]),
      maxChainLength: mostly(fc.integer({ min: 1, max: 10_000 }), [0]),
    }),
    router: someOf(keys, {
      parallelAttempts: mostly(fc.integer({ min: 1, max: 4 }), [0]),
      hedge,
      timeoutMs: timerMs,
      firstTokenTimeoutMs: timerMs,
      responseTimeoutMs: timerMs,
      idleTimeoutMs: timerMs,
      maxRetries: mostly(fc.integer({ min: 0, max: 2 }), [-1]),
      retryBaseDelayMs: timerMs,
      stopAfterInvalidRequests: mostly(fc.integer({ min: 1, max: 3 }), [0]),
      missingModelPeriodMs: timerMs,
      credentialCooldownMs: timerMs,
      defaultRateLimitCooldownMs: timerMs,
    }),
    logPrompts: fc.boolean(),
    logLevel: mostly(fc.constantFrom('debug', 'info', 'warn', 'error', 'silent'), ['verbose']),
  });
}

/** Every variable the gateway's configuration reads, some set: valid values, a key in the wrong one, any text. */
function environment(keys: ConfiguredKeys): fc.Arbitrary<Record<string, string>> {
  const text = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.oneof({ weight: 20, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...keys.gateway, ...keys.provider) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });
  const variables = gatewayEnvironmentVariables;
  const gatewayKeyList = fc.subarray([...keys.gateway]).map((list) => list.join(','));
  const fields: Record<string, fc.Arbitrary<string>> = {
    [variables.keys]: text(mostly(gatewayKeyList, [' , ', 'short']) as fc.Arbitrary<string>),
    [variables.adminKeys]: text(gatewayKeyList),
    [variables.host]: text(fc.constantFrom('127.0.0.1', '0.0.0.0', '')),
    [variables.port]: text(mostly(fc.constantFrom('0', '8080'), ['70000', 'eighty', ' 80 ']) as fc.Arbitrary<string>),
    [variables.trustedProxies]: text(mostly(fc.constantFrom('10.0.0.0/8', '127.0.0.1, ::1'), ['0.0.0.0/0', ',', 'proxy.internal']) as fc.Arbitrary<string>),
    [variables.trustedProxyHops]: text(mostly(fc.constant('0'), ['1', '-1', 'two', '1.5']) as fc.Arbitrary<string>),
    [variables.clientAddressHeader]: text(mostly(fc.constantFrom('x-forwarded-for', 'forwarded', 'FORWARDED'), ['x-real-ip']) as fc.Arbitrary<string>),
  };
  defaultCatalog.forEach((definition, index) => {
    fields[definition.apiKeyEnv] = text(fc.constant(keys.provider[index % keys.provider.length]!));
    if (definition.baseUrlEnv !== undefined) fields[definition.baseUrlEnv] = text(baseUrl as fc.Arbitrary<string>);
  });
  keyVariables.forEach((name, index) => {
    fields[name] = text(fc.constant(name === 'DEEPSEEK_API_KEY' ? keys.provider[0]! : keys.gateway[index % keys.gateway.length]!));
  });
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>>;
}

/** A configuration and its environment, with the keys they hold. */
export const gatewayConfiguration: fc.Arbitrary<GeneratedConfiguration> = fc
  .record({ gateway: fc.uniqueArray(keyText, { minLength: 1, maxLength: 3 }), provider: fc.uniqueArray(keyText, { minLength: 1, maxLength: 2 }) })
  .filter(({ gateway, provider }) => gateway.every((key) => !provider.includes(key)))
  .chain((keys) =>
    fc.record({
      keys: fc.constant(keys),
      yamlText: configDocument(keys).chain((document) => withMistakes(keys, document)).map((document) => stringify(document)),
      env: environment(keys),
    }),
  );

/** The same, its YAML text broken at one place (a character dropped, or one YAML gives meaning to put in). */
export const brokenGatewayConfiguration: fc.Arbitrary<GeneratedConfiguration> = gatewayConfiguration.chain((generated) =>
  fc
    .record({ at: fc.nat(), insert: fc.constantFrom('', ':', ': ', '\t', '{', '[', '"', "'", '- ', '\n  ', '&a ', '*a', '!!binary ', '%', '? ') })
    .map(({ at, insert }) => {
      const position = at % (generated.yamlText.length + 1);
      const dropped = insert === '' ? 1 : 0;
      return { ...generated, yamlText: generated.yamlText.slice(0, position) + insert + generated.yamlText.slice(position + dropped) };
    }),
);
