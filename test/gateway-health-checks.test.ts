/**
 * `router.healthCheckIntervalMs` in the gateway's configuration: the gateway's router checks every provider in the
 * background (its models list), as the library's does, so an open circuit finds a recovered provider at the next
 * check rather than at the end of its open period (test/router-health-check-recovery.test.ts). Real timers: the
 * shortest interval the router takes is a second.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const modelsListRequests = (gateway: GatewayHarness) => gateway.providers.requests.filter((request) => request.method === 'GET');

describe('the gateway with router.healthCheckIntervalMs', () => {
  it('checks each provider in the background, every interval', async () => {
    harness = await startGatewayHarness({ yamlText: 'router: { healthCheckIntervalMs: 1000 }', providerIds: ['openai', 'groq'] });
    await harness.providers.waitFor(() => modelsListRequests(harness!).length >= 4, { timeoutMs: 5_000 });
    const checked = modelsListRequests(harness).map((request) => request.provider);
    expect(checked.filter((provider) => provider === 'openai').length).toBeGreaterThanOrEqual(2);
    expect(checked.filter((provider) => provider === 'groq').length).toBeGreaterThanOrEqual(2);
  });

  it('checks nothing without it', async () => {
    harness = await startGatewayHarness({ providerIds: ['openai', 'groq'] });
    await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(modelsListRequests(harness)).toEqual([]);
  });
});
