/**
 * Through the gateway: a model the provider answers 404 model_not_found for is not sent again while remembered
 * missing, and /health and the dashboard's state list it with since and until, never a key. Real HTTP on both
 * sides; the provider test server replays Google's recorded 404 for the retired model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { requestsFor, retireModel } from '../src/testing/missing-model.test-support.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const startMs = Date.UTC(2026, 4, 1);
const clock = new ManualClock(startMs);
const retired = { provider: 'google', model: 'gemini-1.5-flash' } as const;
let harness: GatewayHarness;
let stopRetiring: () => void;
let dashboard: Dashboard;

beforeAll(async () => {
  harness = await startGatewayHarness({
    providerIds: ['google'],
    adminKeys: [gatewayKeys[1]],
    routerOptions: { clock, cacheEnabled: false, missingModelPeriodMs: 30 * 60_000 },
  });
  stopRetiring = retireModel(harness.providers, retired);
  dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, clock, sampleIntervalMs: 1_000 });
});
afterAll(async () => {
  stopRetiring();
  dashboard.close();
  await harness.close();
});

function ask(model: string): Promise<Response> {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gatewayKeys[0]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

const asAdmin = (path: string) => fetch(`${harness.url}${path}`, { headers: { authorization: `Bearer ${gatewayKeys[1]}` } });

describe('a retired model through the gateway', () => {
  it('answers 404 model_not_found, then again without sending the request, and /health lists the model', async () => {
    const first = await ask('google/gemini-1.5-flash');
    expect(first.status).toBe(404);
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    expect(requestsFor(harness.providers, retired)).toHaveLength(1);

    const second = await ask('google/gemini-1.5-flash');
    expect(second.status).toBe(404);
    const body = (await second.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('model_not_found');
    expect(body.error.message).toContain('google/gemini-1.5-flash');
    expect(requestsFor(harness.providers, retired)).toHaveLength(1);

    // Another model of the same provider still answers.
    expect((await ask('google/gemini-2.5-flash')).status).toBe(200);

    const health = await asAdmin('/health');
    expect(health.status).toBe(200);
    const text = await health.text();
    const google = (JSON.parse(text) as Record<string, { missingModels: unknown; circuitState: string }>).google;
    expect(google).toMatchObject({ circuitState: 'closed', missingModels: [{ model: retired.model, sinceMs: startMs, untilMs: startMs + 30 * 60_000 }] });
    expect(text).not.toContain(harness.providers.apiKeyFor('google'));

    clock.advance(1_000); // the dashboard's next health sample
    const state = await asAdmin('/dashboard/state');
    expect(state.status).toBe(200);
    const snapshot = (await state.json()) as { providers: { id: string; missingModels: unknown }[] };
    expect(snapshot.providers.find((provider) => provider.id === 'google')?.missingModels).toEqual([
      { model: retired.model, sinceMs: startMs, untilMs: startMs + 30 * 60_000 },
    ]);
  });

  it("lists the first 404 in the dashboard's recent changes, once", async () => {
    const state = await asAdmin('/dashboard/state');
    const { recentChanges } = (await state.json()) as { recentChanges: { kind: string }[] };
    expect(recentChanges.filter((change) => change.kind === 'model-missing')).toEqual([
      { kind: 'model-missing', atMs: startMs, provider: 'google', model: retired.model, untilMs: startMs + 30 * 60_000 },
    ]);
  });
});

describe('router.missingModelPeriodMs in the gateway configuration', () => {
  const periodStartMs = Date.UTC(2026, 10, 27);
  const periodClock = new ManualClock(periodStartMs);
  let configured: GatewayHarness;
  let stopRetiringConfigured: () => void;

  beforeAll(async () => {
    configured = await startGatewayHarness({
      yamlText: 'router: { missingModelPeriodMs: 600000 }',
      providerIds: ['google'],
      routerOptions: { clock: periodClock, cacheEnabled: false },
    });
    stopRetiringConfigured = retireModel(configured.providers, retired);
  });
  afterAll(async () => {
    stopRetiringConfigured();
    await configured.close();
  });

  const askConfigured = (model: string): Promise<Response> =>
    fetch(`${configured.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('leaves the model out for the configured 10 minutes instead of the default hour', async () => {
    expect((await askConfigured('google/gemini-1.5-flash')).status).toBe(404);
    expect(configured.router.getHealthStatus().google?.missingModels).toEqual([
      { model: retired.model, sinceMs: periodStartMs, untilMs: periodStartMs + 10 * 60_000 },
    ]);
    periodClock.advance(10 * 60_000 - 1);
    expect((await askConfigured('google/gemini-1.5-flash')).status).toBe(404);
    expect(requestsFor(configured.providers, retired)).toHaveLength(1);
    periodClock.advance(1);
    expect((await askConfigured('google/gemini-1.5-flash')).status).toBe(404);
    expect(requestsFor(configured.providers, retired)).toHaveLength(2);
  });
});
