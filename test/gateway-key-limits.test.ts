/**
 * Gateway keys with names and limits, through the official OpenAI and Anthropic clients: requests over a
 * sliding minute and spend over a UTC day, refused with a 429 in each API's shape before any upstream call;
 * each key's usage at GET /v1/key, its spend and refusals in the metrics, its name (never the key) in the
 * logs. Then two gateways on one Redis sharing a key's minute. The limits' clock is a manual one.
 */
import { request } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { createRedisClient } from '../src/shared-state/create-redis-client.js';
import { RedisQuotaStore } from '../src/shared-state/redis-quota-store.js';
import { redisTestGate, testRedisUrl, useTestRedis, waitFor, waitUntilReady } from '../src/shared-state/redis-test-gate.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const billingKey = 'billing-key-0123456789';
const searchKey = 'search-key-0123456789';
const freeKey = 'free-key-0123456789';
const streamerKey = 'streamer-key-0123456789';
const budgetedKey = 'budgeted-key-0123456789';
const restrictedKey = 'restricted-key-0123456789';
const explorerKey = 'explorer-key-0123456789';
const carefulKey = 'careful-key-0123456789';
/** The operator's: only an admin key reads the metrics, which name every key. */
const opsKey = 'ops-key-0123456789';
const sparingKey = 'sparing-key-0123456789';
const yamlText = `
keys:
  - name: billing
    key: ${billingKey}
    limits: { requestsPerMinute: 2 }
  - name: search
    keyEnv: SEARCH_GATEWAY_KEY
    limits: { costUsdPerDay: 0.000001 }
  - name: free
    key: ${freeKey}
  - name: streamer
    key: ${streamerKey}
    limits: { costUsdPerDay: 0.000001 }
  - name: budgeted
    key: ${budgetedKey}
    limits: { costUsdPerDay: 100 }
  - name: careful
    key: ${carefulKey}
    limits: { requestsPerMinute: 1 }
  - name: sparing
    key: ${sparingKey}
    limits: { requestsPerMinute: 1 }
  - name: explorer
    key: ${explorerKey}
    limits: { costUsdPerDay: 0.000001 }
  - name: restricted
    key: ${restrictedKey}
    models: [fast, openai/*]
  - name: ops
    key: ${opsKey}
    admin: true
routes:
  fast: [groq/llama-3.1-8b-instant]
cache:
  enabled: false
`;

const question = (text: string) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: text }] });

// Noon UTC, 30 s into a minute: the minute's windows and the day are where the test expects them.
const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 30));
let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText, env: { SEARCH_GATEWAY_KEY: searchKey }, gatewayOptions: { clock } });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

describe('a key with a request rate', () => {
  it('is answered up to its limit, with its remaining requests in the headers, then refused with a 429 and Retry-After', async () => {
    const client = harness.clientWithKey(billingKey);
    // A request the gateway refuses itself costs the key nothing.
    const invalid = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [] }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400 });
    const first = await client.chat.completions.create(question('One?')).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    const second = await client.chat.completions.create(question('Two?')).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');

    const refused = await client.chat.completions.create(question('Three?')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect((refused as InstanceType<typeof OpenAI.APIError>).requestID).toMatch(/^chatcmpl-/);
    expect(String((refused as Error).message)).toMatch(/Rate limit reached for the key "billing": 2 requests per minute/);
    // 30 s into the minute the current window holds both: one more fits once 1/2 of it has slid out of the next.
    expect(Number((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBe(60);
    expect(harness.providers.requests).toHaveLength(2);

    // Anthropic's client hears the same refusal in its own shape.
    const anthropic = new Anthropic({ baseURL: harness.url, apiKey: billingKey, maxRetries: 0 });
    const fromAnthropic = await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'Four?' }] })
      .catch((error: unknown) => error);
    expect(fromAnthropic).toBeInstanceOf(Anthropic.RateLimitError);
    expect((fromAnthropic as { error?: unknown }).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });

    expect(await usageOf(billingKey)).toEqual({ requestsLastMinute: 2, costUsdToday: null });
    // Past its rate, a key is refused before its body is held: the answer comes while the upload is unfinished.
    expect(await statusOfUnfinishedUpload(billingKey)).toBe(429);
    // Another key is not limited by this one's rate, and counts nothing without limits.
    await harness.clientWithKey(freeKey).chat.completions.create(question('Free?'));
    expect(await usageOf(freeKey)).toEqual({ requestsLastMinute: null, costUsdToday: null });
    // Once the minute has slid on, the key is answered again.
    clock.advance(90_000);
    await expect(client.chat.completions.create(question('Five?'))).resolves.toMatchObject({ object: 'chat.completion' });
  });
});

describe('a request the gateway refuses itself', () => {
  it("costs a key's request rate nothing: an option out of range is refused before the minute counts it", async () => {
    // Found by a review: the router's checks came after the minute had counted the request.
    const client = harness.clientWithKey(carefulKey);
    for (const bad of [{ temperature: 5 }, { top_p: 7 }, { presence_penalty: 3 }]) {
      const refused = await client.chat.completions.create({ ...question('Bad?'), ...bad }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 400 });
    }
    await expect(client.chat.completions.create(question('Good?'))).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(client.chat.completions.create(question('Too many?'))).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it("costs a key's request rate nothing when no configured provider can serve it: the 404 comes before the minute counts it", async () => {
    // Found by a review: that no provider could serve was known only once candidates were chosen, after the count.
    const client = harness.clientWithKey(sparingKey);
    const moonshotKey = harness.env['MOONSHOT_API_KEY'];
    delete harness.env['MOONSHOT_API_KEY'];
    try {
      for (const text of ['Unkeyed?', 'Still unkeyed?']) {
        const refused = await client.chat.completions
          .create({ model: 'moonshot/moonshot-v1-8k', messages: [{ role: 'user', content: text }] })
          .catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
        expect(refused).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
        expect(String((refused as Error).message)).toContain('MOONSHOT_API_KEY');
      }
    } finally {
      if (moonshotKey !== undefined) harness.env['MOONSHOT_API_KEY'] = moonshotKey;
    }
    expect(await usageOf(sparingKey)).toEqual({ requestsLastMinute: 0, costUsdToday: null });
    await expect(client.chat.completions.create(question('Served?'))).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(client.chat.completions.create(question('Too many?'))).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });
});

describe('a key with a daily budget', () => {
  it('is answered until its spend reaches the budget, then refused with insufficient_quota until midnight UTC', async () => {
    const client = harness.clientWithKey(searchKey);
    await client.chat.completions.create(question('Cost?'));
    const spent = harness.logLines.findLast((line) => line.key === 'search');
    expect(spent?.costUsd).toBeGreaterThan(0.000001);

    const refused = await client.chat.completions.create(question('More?')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
    const midnight = Date.UTC(2026, 10, 27);
    expect(Number((refused as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBe(Math.ceil((midnight - clock.now()) / 1000));
    expect(harness.providers.requests).toHaveLength(1);

    const response = await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${searchKey}` } });
    const key = (await response.json()) as { name: string; limits: unknown; usage: KeyUsage };
    expect(key).toMatchObject({ name: 'search', limits: { costUsdPerDay: 0.000001 } });
    expect(key.usage.costUsdToday).toBeCloseTo(spent?.costUsd as number, 12);
  });

  it('charges a model the catalog has no price for at its provider\'s dearest price, so it is not free', async () => {
    // Found by a review: any provider/model outside the price table was never charged, so a budget did nothing.
    const client = harness.clientWithKey(explorerKey);
    const unpriced = { model: 'moonshot/moonshot-v1-8k', messages: [{ role: 'user' as const, content: 'Unpriced?' }] };
    await client.chat.completions.create(unpriced);
    const charged = harness.logLines.findLast((line) => line.key === 'explorer');
    expect(charged).toMatchObject({ costEstimated: true });
    expect(charged?.costUsd).toBeGreaterThan(0.000001);
    const refused = await client.chat.completions.create({ ...unpriced, messages: [{ role: 'user', content: 'Again?' }] }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
  });

  it('counts a streamed answer too', async () => {
    const client = harness.clientWithKey(budgetedKey);
    const before = await usageOf(budgetedKey);
    const stream = await client.chat.completions.create({ ...question('Stream?'), stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) void chunk;
    const after = await usageOf(budgetedKey);
    expect(after.costUsdToday).toBeGreaterThan(before.costUsdToday ?? Number.POSITIVE_INFINITY);
  });
});

describe('a stream that ends before its usage', () => {
  it('charges the key an estimate when the client leaves mid-stream, so leaving early does not dodge the budget', async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-after-events', events: 3 });
    const controller = new AbortController();
    const stream = await harness
      .clientWithKey(streamerKey)
      .chat.completions.create({ ...question('Long answer?'), stream: true }, { signal: controller.signal });
    const received: unknown[] = [];
    // The SDK ends the iteration (or throws) once aborted; either way the client has left.
    await (async () => {
      for await (const chunk of stream) {
        received.push(chunk);
        controller.abort();
      }
    })().catch(() => undefined);
    expect(received.length).toBeGreaterThan(0);
    await waitForLogLine((line) => line.key === 'streamer' && line.outcome === 'client_aborted');
    const line = harness.logLines.findLast((entry) => entry.key === 'streamer');
    expect(line).toMatchObject({ costEstimated: true });
    expect(line?.costUsd).toBeGreaterThan(0);
    expect((await usageOf(streamerKey)).costUsdToday).toBeCloseTo(line?.costUsd as number, 12);
    harness.providers.reset();
    const refused = await harness.clientWithKey(streamerKey).chat.completions.create(question('Again?')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
  });
});

async function waitForLogLine(match: (line: Record<string, unknown>) => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !harness.logLines.some(match); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(harness.logLines.some(match)).toBe(true);
}

describe('a key limited to some models', () => {
  it('calls those, is refused the rest with a 403 in its API shape before any upstream call, and is listed only those', async () => {
    const client = harness.clientWithKey(restrictedKey);
    await expect(client.chat.completions.create(question('Allowed?'))).resolves.toMatchObject({ object: 'chat.completion' });
    await expect(client.chat.completions.create({ ...question('Route?'), model: 'fast' })).resolves.toMatchObject({ object: 'chat.completion' });
    harness.providers.reset();
    const refused = await client.chat.completions
      .create({ ...question('Expensive?'), model: 'anthropic/claude-haiku-4-5-20251001' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(refused).toMatchObject({ status: 403, code: 'model_not_allowed', param: 'model' });
    expect((refused as InstanceType<typeof OpenAI.APIError>).requestID).toMatch(/^chatcmpl-/);
    expect(String((refused as Error).message)).toMatch(/may call: fast, openai\/\*/);
    const anthropic = new Anthropic({ baseURL: harness.url, apiKey: restrictedKey, maxRetries: 0 });
    const fromAnthropic = await anthropic.messages
      .create({ model: 'tier-1', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] })
      .catch((error: unknown) => error);
    expect(fromAnthropic).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(harness.providers.requests).toHaveLength(0);

    const listed = (await client.models.list()).data.map((model) => model.id);
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every((id) => id === 'fast' || id.startsWith('openai/'))).toBe(true);
    await expect(client.models.retrieve('anthropic/claude-haiku-4-5-20251001')).rejects.toMatchObject({ status: 404 });
    // Another key still sees every model.
    expect((await harness.clientWithKey(freeKey).models.list()).data.some((model) => model.id.startsWith('anthropic/'))).toBe(true);
  });
});

describe('what the keys leave behind', () => {
  it('names keys, never their text, in the logs and the metrics', async () => {
    const metrics = await (await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${opsKey}` } })).text();
    expect(metrics).toMatch(/backup_models_gateway_quota_refusals_total\{key="billing",limit="requests_per_minute"\} 3/);
    expect(metrics).toMatch(/backup_models_gateway_quota_refusals_total\{key="search",limit="cost_per_day"\} 1/);
    expect(metrics).toMatch(/backup_models_gateway_key_spend_usd_total\{key="search"\} \d/);
    expect(harness.logLines.some((line) => line.key === 'billing' && line.status === 429)).toBe(true);
    for (const text of [metrics, harness.logText()]) {
      for (const secret of [billingKey, searchKey, freeKey, streamerKey, budgetedKey, restrictedKey, opsKey, sparingKey]) expect(text).not.toContain(secret);
    }
  });
});

/** The status a request gets while its body is still coming (a slow upload), or 'no answer' after a while. */
function statusOfUnfinishedUpload(key: string): Promise<number | string> {
  return new Promise((resolve) => {
    const upload = request(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': '100000' },
    });
    const timer = setTimeout(() => {
      upload.destroy();
      resolve('no answer');
    }, 5_000);
    upload.on('response', (response) => {
      clearTimeout(timer);
      response.resume();
      upload.destroy();
      resolve(response.statusCode ?? 0);
    });
    upload.on('error', () => undefined);
    upload.write(`{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"${'x'.repeat(1_000)}`);
  });
}

interface KeyUsage {
  readonly requestsLastMinute: number | null;
  readonly costUsdToday: number | null;
}

async function usageOf(key: string, at: GatewayHarness = harness): Promise<KeyUsage> {
  const response = await fetch(`${at.url}/v1/key`, { headers: { authorization: `Bearer ${key}` } });
  return ((await response.json()) as { usage: KeyUsage }).usage;
}

const redis = await redisTestGate();

redis.describe('two gateways on one Redis', () => {
  const testRedis = useTestRedis(redis);
  const gateways: GatewayHarness[] = [];
  beforeAll(async () => {
    const prefix = testRedis.prefix();
    const shared = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 30));
    for (let index = 0; index < 2; index += 1) {
      const quotaStore = new RedisQuotaStore({ client: testRedis.client, prefix, operationTimeoutMs: 2_000 });
      gateways.push(await startGatewayHarness({ yamlText, env: { SEARCH_GATEWAY_KEY: searchKey }, gatewayOptions: { quotaStore, clock: shared } }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
  });

  it("count one minute for a key: its third request is refused by whichever gateway gets it", async () => {
    const [first, second] = gateways as [GatewayHarness, GatewayHarness];
    await first.clientWithKey(billingKey).chat.completions.create(question('A?'));
    await second.clientWithKey(billingKey).chat.completions.create(question('B?'));
    const refused = await first.clientWithKey(billingKey).chat.completions.create(question('C?')).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });
});

redis.describe('two gateways on one Redis, one of them cut off from it for a while', () => {
  const testRedis = useTestRedis(redis);

  it("hold a key's daily budget: what one spent while cut off counts at the other once it is back", async () => {
    const prefix = testRedis.prefix();
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 30));
    // The first gateway's own connection to Redis, which the test cuts and opens again.
    const connection = createRedisClient({ url: testRedisUrl, role: 'commands', commandTimeoutMs: 2_000 });
    const gateways: GatewayHarness[] = [];
    try {
      await waitUntilReady(connection);
      for (const client of [connection, testRedis.client]) {
        const quotaStore = new RedisQuotaStore({ client, prefix, operationTimeoutMs: 2_000 });
        gateways.push(await startGatewayHarness({ yamlText, env: { SEARCH_GATEWAY_KEY: searchKey }, gatewayOptions: { quotaStore, clock } }));
      }
      const [cutOff, other] = gateways as [GatewayHarness, GatewayHarness];
      connection.disconnect(false);
      await waitFor(() => connection.status === 'end', { timeoutMs: 2_000, what: 'the connection to close' });

      await cutOff.clientWithKey(searchKey).chat.completions.create(question('Spent while cut off'));
      await waitFor(async () => ((await usageOf(searchKey, cutOff)).costUsdToday ?? 0) > 0, { timeoutMs: 2_000, what: 'the spend to be recorded' });
      expect((await usageOf(searchKey, other)).costUsdToday).toBe(0);

      await connection.connect();
      await waitFor(async () => ((await usageOf(searchKey, other)).costUsdToday ?? 0) > 0, { timeoutMs: 2_000, what: 'the spend to reach the other gateway' });
      const refused = await other.clientWithKey(searchKey).chat.completions.create(question('Over the budget?')).catch((error: unknown) => error);
      expect(refused).toMatchObject({ status: 429, code: 'insufficient_quota' });
      expect((await usageOf(searchKey, other)).costUsdToday).toBe((await usageOf(searchKey, cutOff)).costUsdToday);
    } finally {
      for (const gateway of gateways) await gateway.close();
      connection.disconnect(false);
    }
  });
});
