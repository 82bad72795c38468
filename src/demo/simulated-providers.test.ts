import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../testing/index.js';
import { defaultDemoProfiles } from './demo-profiles.js';
import { resolveDemoTimeline } from './demo-timeline.js';
import { driveSimulatedProviders } from './simulated-providers.js';

const timeline = resolveDemoTimeline({
  outageProvider: 'groq',
  outageStartMs: 10_000,
  outageDurationMs: 10_000,
  rateLimitProvider: 'anthropic',
  rateLimitStartMs: 15_000,
  rateLimitDurationMs: 10_000,
  retryAfterSeconds: 7,
  cycleMs: 0,
});

describe('simulated providers on the provider test server', () => {
  let server: ProviderTestServer;
  let clock: ManualClock;
  let stop: () => void;

  beforeEach(async () => {
    server = await startProviderTestServer();
    clock = new ManualClock(1_000_000);
    stop = driveSimulatedProviders({ server, timeline, startedAtMs: clock.now(), clock, latencyScale: 0.05, random: () => 0.5, logResetIntervalMs: 60_000 });
  });

  afterEach(async () => {
    stop();
    await server.close();
  });

  const chat = (providerId: 'groq' | 'anthropic' | 'openai'): Promise<Response> => {
    const key = server.apiKeyFor(providerId);
    if (providerId === 'anthropic') {
      return fetch(`${server.baseUrlFor('anthropic')}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-haiku-4-5-20251001', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
    }
    return fetch(`${server.baseUrlFor(providerId)}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
  };

  it('answers with the recorded success before the script starts', async () => {
    for (const providerId of ['groq', 'anthropic', 'openai'] as const) {
      const response = await chat(providerId);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(server.requests.map((request) => request.behavior)).toEqual(['success', 'success', 'success']);
  });

  it('takes the outage provider down during the outage, and only it', async () => {
    clock.advance(12_000);
    const outcomes: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      outcomes.push(await chat('groq').then((response) => String(response.status), () => 'reset'));
    }
    // random() is 0.5 here: below 0.7, so every outage answer is a bare 503.
    expect(outcomes).toEqual(['503', '503', '503', '503']);
    expect((await chat('openai')).status).toBe(200);
    clock.advance(10_000);
    expect((await chat('groq')).status).toBe(200);
  });

  it('rate-limits with the recorded 429 and the scripted Retry-After', async () => {
    clock.advance(16_000);
    const response = await chat('anthropic');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('fails at the profile error rate with the profile failure', async () => {
    stop();
    stop = driveSimulatedProviders({
      server,
      timeline,
      startedAtMs: clock.now(),
      clock,
      random: () => 0.5,
      profiles: { ...defaultDemoProfiles, openai: { ...defaultDemoProfiles.openai!, errorRate: 1 } },
    });
    const response = await chat('openai');
    expect(response.status).toBe(500);
    expect(server.requests.at(-1)?.behavior).toBe('error');
  });

  it('empties the request log now and then, and stops cleanly', async () => {
    await (await chat('openai')).arrayBuffer();
    expect(server.requests).toHaveLength(1);
    clock.advance(60_000);
    expect(server.requests).toHaveLength(0);
    expect(clock.pendingTimerCount).toBe(1);
    stop();
    expect(clock.pendingTimerCount).toBe(0);
  });
});
