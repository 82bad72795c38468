/**
 * A router's options that are not numbers (the catalog, extra providers, the environment, the clock, the cache
 * backend, the state sync, cacheEnabled), checked against their types when the router is made, as a JavaScript
 * caller may pass anything: each wrong shape below threw a TypeError from the constructor or from the first call,
 * or was taken for the default, before it was checked. Real HTTP to the provider test server.
 */
import { describe, expect, it } from 'vitest';
import {
  BackupModelRouter,
  type BackupModelRouterOptions,
  defaultCatalog,
  InvalidArgumentError,
  MemoryCacheBackend,
  Provider,
} from '../src/index.js';
import { systemClock } from '../src/clock.js';
import { echoProvider, sharingNothingSync } from './in-memory-router-parts.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });
const { makeRouter } = harness;

/** The error making a router with these options throws, or undefined when it was made. */
function constructorRefusalOf(options: unknown): unknown {
  try {
    if (typeof options !== 'object' || options === null) new BackupModelRouter(options as BackupModelRouterOptions);
    else makeRouter(options as BackupModelRouterOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

const groq = defaultCatalog.find((definition) => definition.id === Provider.GROQ)!;
const [firstModel] = groq.models;

const sync = sharingNothingSync;

describe('options of the wrong shape, refused when the router is made', () => {
  const wrongShapes: [string, Record<string, unknown>][] = [
    ['options', null as unknown as Record<string, unknown>],
    ['options', 'fast' as unknown as Record<string, unknown>],
    ['cacheEnabled', { cacheEnabled: 'yes' }],
    ['cacheEnabled', { cacheEnabled: 0 }],
    ['env', { env: 5 }],
    ['env', { env: null }],
    ['env', { env: 'GROQ_API_KEY=x' }],
    ['env.GROQ_API_KEY', { env: { GROQ_API_KEY: 5 } }],
    ['clock', { clock: {} }],
    ['clock', { clock: null }],
    ['clock', { clock: { now: () => 0, setTimeout: systemClock.setTimeout } }],
    ['cacheBackend', { cacheBackend: {} }],
    ['cacheBackend', { cacheBackend: { get: async () => undefined, set: async () => undefined } }],
    ['cacheBackend', { cacheBackend: null }],
    ['stateSync', { stateSync: {} }],
    ['stateSync', { stateSync: { ...sync, acquireProbe: true } }],
    ['catalog', { catalog: 5 }],
    ['catalog', { catalog: groq }],
    ['catalog[0]', { catalog: [null] }],
    ['catalog[0].displayName', { catalog: [{ id: 'x' }] }],
    ['catalog[0].id', { catalog: [{ ...groq, id: '' }] }],
    ['catalog[0].protocol', { catalog: [{ ...groq, protocol: 'custom' }] }],
    ['catalog[0].baseUrl', { catalog: [{ ...groq, baseUrl: 'api.groq.com' }] }],
    ['catalog[0].baseUrl', { catalog: [{ ...groq, baseUrl: 'ftp://api.groq.com/' }] }],
    ['catalog[0].toolNameMaxLength', { catalog: [{ ...groq, toolNameMaxLength: 0 }] }],
    ['catalog[0].stopSequencesMaxCount', { catalog: [{ ...groq, stopSequencesMaxCount: 0 }] }],
    ['catalog[0].stopSequencesMaxCount', { catalog: [{ ...groq, stopSequencesMaxCount: 4.5 }] }],
    ['catalog[0].stopSequencesMaxCount', { catalog: [{ ...groq, stopSequencesMaxCount: '4' }] }],
    ['catalog[0].baseUrlEnv', { catalog: [{ ...groq, baseUrlEnv: 5 }] }],
    ['catalog[0].modelsByTier', { catalog: [{ ...groq, modelsByTier: null }] }],
    ['catalog[0].modelsByTier.1', { catalog: [{ ...groq, modelsByTier: { 1: 5 } }] }],
    ['catalog[0].models', { catalog: [{ ...groq, models: null }] }],
    ['catalog[0].models[0]', { catalog: [{ ...groq, models: ['llama-3.1-8b-instant'] }] }],
    ['catalog[0].models[0].maxOutputTokens', { catalog: [{ ...groq, models: [{ ...firstModel, maxOutputTokens: 0 }] }] }],
    ['catalog[0].models[0].vision', { catalog: [{ ...groq, models: [{ ...firstModel, vision: 'yes' }] }] }],
    ['catalog[0].models[0].fixedSampling', { catalog: [{ ...groq, models: [{ ...firstModel, fixedSampling: 1 }] }] }],
    ['catalog[0].models[0].thinkingLevels', { catalog: [{ ...groq, models: [{ ...firstModel, thinkingLevels: ['max'] }] }] }],
    ['catalog[0].models[0].thinkingLevels', { catalog: [{ ...groq, models: [{ ...firstModel, thinkingLevels: 'high' }] }] }],
    ['catalog[0].models[0].chatCompletionsTools', { catalog: [{ ...groq, models: [{ ...firstModel, chatCompletionsTools: 'none' }] }] }],
    ['catalog[0].models[0].openAIWire', { catalog: [{ ...groq, models: [{ ...firstModel, openAIWire: 'realtime' }] }] }],
    ['catalog[0].models[0].anthropicThinking', { catalog: [{ ...groq, models: [{ ...firstModel, anthropicThinking: 'enabled' }] }] }],
    ['catalog[0].models[0].forcedToolChoice', { catalog: [{ ...groq, models: [{ ...firstModel, forcedToolChoice: true }] }] }],
    ['catalog[0].models[0].structuredOutput', { catalog: [{ ...groq, models: [{ ...firstModel, structuredOutput: false }] }] }],
    ['catalog[0].models[0].disabledThinking', { catalog: [{ ...groq, models: [{ ...firstModel, disabledThinking: true }] }] }],
    ['catalog[0].models[0].leastReasoningEffort', { catalog: [{ ...groq, models: [{ ...firstModel, leastReasoningEffort: 'medium' }] }] }],
    ['catalog[0].models[0].price', { catalog: [{ ...groq, models: [{ ...firstModel, price: 0.05 }] }] }],
    ['catalog[0].models[0].price.outputPerMillion', { catalog: [{ ...groq, models: [{ ...firstModel, price: { inputPerMillion: 1 } }] }] }],
    ['catalog[0].models[0].price.cachedInputPerMillion', { catalog: [{ ...groq, models: [{ ...firstModel, price: { ...firstModel!.price, cachedInputPerMillion: Number.NaN } }] }] }],
    ['catalog[0].speedRank', { catalog: [{ ...groq, speedRank: '1' }] }],
    ['catalog[0].fetchesImageUrls', { catalog: [{ ...groq, fetchesImageUrls: 'no' }] }],
    ['catalog[1].id', { catalog: [groq, groq] }],
    ['extraProviders', { extraProviders: 'echo' }],
    ['extraProviders[0]', { extraProviders: [null] }],
    ['extraProviders[0]', { extraProviders: [{ ...echoProvider('echo'), complete: undefined }] }],
    ['extraProviders[0].id', { extraProviders: [{ ...echoProvider('echo'), id: 5 }] }],
    ['extraProviders[0].definition', { extraProviders: [{ ...echoProvider('echo'), definition: undefined }] }],
    ['extraProviders[0].definition.models', { extraProviders: [{ ...echoProvider('echo'), definition: { ...groq, models: {} } }] }],
    ['extraProviders[0].settlesOnAbort', { extraProviders: [{ ...echoProvider('echo'), settlesOnAbort: 'yes' }] }],
    ['extraProviders[0].id', { extraProviders: [echoProvider(Provider.GROQ)] }],
  ];

  for (const [argument, options] of wrongShapes) {
    it(`refuses ${argument === 'options' ? String(options) : JSON.stringify(options).slice(0, 100)}, naming ${argument}`, () => {
      const error = constructorRefusalOf(options);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument, message: expect.stringContaining(argument) });
    });
  }

  it("names an environment variable of the wrong type, never quoting the environment's values", () => {
    const error = constructorRefusalOf({ env: { GROQ_API_KEY: 'gsk_secretsecretsecret', OPENAI_API_KEY: ['sk-secretsecretsecret'] } });
    expect(error).toMatchObject({ argument: 'env.OPENAI_API_KEY' });
    expect((error as Error).message).not.toMatch(/secret/);
  });

  it('still takes every option of its shape, and answers', async () => {
    const router = makeRouter({
      cacheEnabled: true,
      cacheBackend: new MemoryCacheBackend(),
      catalog: [groq],
      extraProviders: [echoProvider('echo')],
      env: harness.server.environment(['groq']),
      clock: systemClock,
      stateSync: sync,
      parallelAttempts: 1,
    });
    expect((await router.complete('Hi')).provider).toBe(Provider.GROQ);
    expect((await router.complete('Hi', { preferredProvider: 'echo' })).content).toBe('echo from echo');
    expect(makeRouter({ env: { ...process.env, UNSET: undefined }, catalog: [], extraProviders: [] })).toBeInstanceOf(BackupModelRouter);
  });
});
