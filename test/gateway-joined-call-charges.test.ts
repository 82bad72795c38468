/**
 * A key is charged once for the attempts of a call it made twice at the same time: the second, identical
 * request joins the first one's call in flight (single-flight, through the cache) and shares its outcome, but
 * the attempts that call sent are the first request's to bear. Here the first provider has no answer within the
 * router's `responseTimeoutMs` (its input is billed all the same, so it is priced) and the second fails with a
 * 503: both requests get the AllProvidersFailedError, and only one may charge the timed-out attempt. The provider
 * test server's latencies, the router's timers and the gateway's day run on one ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../src/catalog.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const racerKey = 'joiner-key-0123456789';
const yamlText = `
keys:
  - name: joiner
    key: ${racerKey}
    limits: { costUsdPerDay: 100, requestsPerMinute: 600 }
routes:
  timed:
    targets: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]
    parallelAttempts: 1
cache:
  enabled: true
`;

// Noon UTC: the key's day does not turn during the test.
const clock = new ManualClock(Date.UTC(2026, 10, 26, 12, 0, 30));
let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText,
    gatewayOptions: { clock },
    providerClock: clock,
    providerIds: ['groq', 'openai'],
    routerOptions: { clock, responseTimeoutMs: 5_000, maxRetries: 0 },
  });
});
afterAll(async () => harness?.close());

/** 300 characters: 75 tokens at four characters a token. */
const question = 'What does a shared call cost? '.repeat(10);
const openaiPrice = defaultCatalog.find((definition) => definition.id === 'openai')!.models.find((model) => model.id === 'gpt-4o-mini')!.price!;
/** What openai bills for the 75 input tokens it received before our timer ended its attempt. */
const timedOutInputUsd = (75 * openaiPrice.inputPerMillion) / 1_000_000;

async function usage(): Promise<{ costUsdToday: number; requestsLastMinute: number }> {
  const response = await fetch(`${harness.url}/v1/key`, { headers: { authorization: `Bearer ${racerKey}` } });
  return ((await response.json()) as { usage: { costUsdToday: number; requestsLastMinute: number } }).usage;
}

async function spentToday(): Promise<number> {
  return (await usage()).costUsdToday;
}

function ask(): Promise<Response> {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${racerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'timed', messages: [{ role: 'user', content: question }] }),
  });
}

describe('a call joined while in flight', () => {
  it("charges the key its first caller's timed-out attempt once, not once per request that shared it", async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-before-headers' });
    harness.providers.setBehavior('groq', { kind: 'status', status: 503 });
    const dayBefore = await spentToday();
    const linesBefore = harness.logLines.length;
    const first = ask();
    await harness.providers.waitForRequests(1);
    const second = ask();
    // The second request was admitted (its key counted it), and so waits on the first's call, before openai's time is up.
    await expect.poll(async () => (await usage()).requestsLastMinute).toBe(2);
    clock.advance(5_000);
    const [firstResponse, secondResponse] = await Promise.all([first, second]);
    expect([firstResponse.status, secondResponse.status]).toEqual([503, 503]);
    // Only one request reached openai: the second shared the first's call.
    expect(harness.providers.requests.filter((request) => request.provider === 'openai')).toHaveLength(1);

    const lines = harness.logLines.slice(linesBefore).filter((entry) => entry.key === 'joiner');
    expect(lines).toHaveLength(2);
    const charged = lines.reduce((sum, line) => sum + ((line.costUsd as number | undefined) ?? 0), 0);
    expect(charged).toBeCloseTo(timedOutInputUsd, 12);
    expect((await spentToday()) - dayBefore).toBeCloseTo(timedOutInputUsd, 12);
  });
});
