import { describe, expect, it } from 'vitest';
import { registerSecret } from '../errors.js';
import { ManualClock } from '../resilience/manual-clock.js';
import type { HealthStatus } from '../routing/health-status.js';
import type { RouterEvent } from '../routing/router-events.js';
import type { DashboardUpdate } from './dashboard-snapshot.js';
import { DashboardState, type DashboardRouter } from './dashboard-state.js';

function health(overrides: Partial<HealthStatus> = {}): HealthStatus {
  return {
    displayName: 'Groq (simulated)',
    configured: true,
    simulated: true,
    circuitState: 'closed',
    successRate: 1,
    latencyP50Ms: 120.4,
    latencyP95Ms: 300.6,
    consecutiveFailures: 0,
    totalCalls: 3,
    totalFailures: 0,
    cooldownUntilMs: null,
    cooldownReason: null,
    lastFailureReason: null,
    totalCostUsd: 0,
    unansweredAttemptsCostUsd: 0,
    clusterSuccessRate: 1,
    clusterLatencyP50Ms: 120.4,
    clusterInstances: 1,
    missingModels: [],
    outboundProxy: null,
    ...overrides,
  };
}

/** A router double: only the two methods the dashboard reads, fed by the test. */
function fakeRouter(): DashboardRouter & { emit(event: RouterEvent): void; status: Record<string, HealthStatus>; listeners: number } {
  const listeners = new Set<(event: RouterEvent) => void>();
  return {
    status: { groq: health(), openai: health({ displayName: 'OpenAI (simulated)', latencyP50Ms: null, latencyP95Ms: null, totalCalls: 0 }) },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getHealthStatus() {
      return this.status;
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

function callEnd(overrides: Partial<Extract<RouterEvent, { type: 'call-end' }>> = {}): RouterEvent {
  return {
    type: 'call-end',
    callId: 1,
    outcome: 'success',
    startedAtMs: 800,
    finishReason: 'stop',
    requestId: 'req_1',
    responseId: 'chatcmpl-1',
    streaming: false,
    cached: false,
    provider: 'openai',
    model: 'gpt-4o-mini',
    requestModel: 'gpt-4o-mini',
    latencyMs: 210.7,
    timeToFirstTokenMs: undefined,
    attempts: [
      { provider: 'openai', model: 'gpt-4o-mini', outcome: 'success', startedAtMs: 1_040, durationMs: 170.2 },
      { provider: 'groq', model: 'llama-3.1-8b-instant', outcome: 'failure', reason: 'overloaded', statusCode: 503, startedAtMs: 1_000, durationMs: 38 },
      { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', outcome: 'skipped', detail: 'circuit open', startedAtMs: 1_000, durationMs: 0 },
    ],
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.0001,
    errorName: undefined,
    ...overrides,
  };
}

describe('DashboardState', () => {
  it('keeps each call with its attempts in start order, timed from the first, and counts cache hits', () => {
    const clock = new ManualClock(5_000);
    const router = fakeRouter();
    const state = new DashboardState({ router, clock });
    router.emit(callEnd());
    router.emit(callEnd({ callId: 2, cached: true, attempts: [], latencyMs: 1 }));
    const snapshot = state.snapshot();
    expect(snapshot.recentCalls.map((call) => call.callId)).toEqual([2, 1]);
    const call = snapshot.recentCalls[1]!;
    expect(call.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.offsetMs])).toEqual([
      ['groq', 'failure', 0],
      ['anthropic', 'skipped', 0],
      ['openai', 'success', 40],
    ]);
    expect(call.attempts[0]).toMatchObject({ reason: 'overloaded', statusCode: 503, durationMs: 38 });
    expect(call.attempts[1]).toMatchObject({ detail: 'circuit open', reason: null });
    expect(call.latencyMs).toBe(211);
    expect(snapshot.totals).toEqual({ calls: 2, failures: 0, cacheHits: 1, cacheHitRate: 0.5 });
    state.close();
  });

  it('pushes each call to a live subscriber as it ends, the same call a later snapshot holds', () => {
    const router = fakeRouter();
    const state = new DashboardState({ router, clock: new ManualClock(99_000) });
    const updates: DashboardUpdate[] = [];
    state.subscribe((update) => updates.push(update));
    router.emit(callEnd({ callId: 7, startedAtMs: 1_000, latencyMs: 250 }));
    expect(updates).toHaveLength(1);
    const update = updates[0]!;
    if (update.type !== 'call') throw new Error(`expected a call update, got ${update.type}`);
    expect(update.call).toMatchObject({ callId: 7, endedAtMs: 1_250, latencyMs: 250, provider: 'openai' });
    expect(update.totals).toEqual({ calls: 1, failures: 0, cacheHits: 0, cacheHitRate: 0 });
    expect(state.snapshot().recentCalls).toEqual([update.call]);
    state.close();
  });

  it('holds no prompt, no answer and no token count: only routing facts', () => {
    const router = fakeRouter();
    const state = new DashboardState({ router, clock: new ManualClock() });
    router.emit(callEnd());
    expect(Object.keys(state.snapshot().recentCalls[0]!).sort()).toEqual(
      ['attempts', 'cached', 'callId', 'endedAtMs', 'errorName', 'latencyMs', 'model', 'outcome', 'provider', 'streaming'].sort(),
    );
    state.close();
  });

  it('redacts a registered secret that an attempt detail might carry', () => {
    registerSecret('sk-dashboard-secret-123456');
    const router = fakeRouter();
    const state = new DashboardState({ router, clock: new ManualClock() });
    router.emit(callEnd({ attempts: [{ provider: 'groq', model: 'm', outcome: 'aborted', detail: 'key sk-dashboard-secret-123456 refused', startedAtMs: 0, durationMs: 1 }] }));
    expect(JSON.stringify(state.snapshot())).not.toContain('sk-dashboard-secret-123456');
    state.close();
  });

  it('counts failures, ignores calls the caller abandoned, and keeps only the last calls', () => {
    const router = fakeRouter();
    const state = new DashboardState({ router, clock: new ManualClock(), recentCallsLimit: 3 });
    router.emit(callEnd({ callId: 1, outcome: 'failure', provider: undefined, model: undefined, errorName: 'AllProvidersFailedError' }));
    router.emit(callEnd({ callId: 2, outcome: 'aborted' }));
    for (let callId = 3; callId <= 6; callId += 1) router.emit(callEnd({ callId }));
    const snapshot = state.snapshot();
    expect(snapshot.recentCalls.map((call) => call.callId)).toEqual([6, 5, 4]);
    expect(snapshot.totals).toMatchObject({ calls: 5, failures: 1 });
    state.close();
  });

  it('samples health every interval into a bounded history, and pushes each sample', () => {
    const clock = new ManualClock(0);
    const router = fakeRouter();
    const state = new DashboardState({ router, clock, sampleIntervalMs: 1_000, historyLength: 3 });
    const updates: DashboardUpdate[] = [];
    state.subscribe((update) => updates.push(update));
    clock.advance(999);
    expect(updates).toHaveLength(0);
    clock.advance(1);
    expect(updates).toHaveLength(1);
    const first = updates[0]!;
    expect(first.type).toBe('health');
    if (first.type !== 'health') return;
    expect(first.samples.groq).toEqual({ atMs: 1_000, p50Ms: 120, p95Ms: 301 });
    expect(first.providers.map((provider) => provider.displayName)).toEqual(['Groq (simulated)', 'OpenAI (simulated)']);
    router.status = { ...router.status, groq: health({ circuitState: 'open', cooldownUntilMs: 9_000 }) };
    clock.advance(4_000);
    const snapshot = state.snapshot();
    expect(snapshot.history.groq!.map((sample) => sample.atMs)).toEqual([3_000, 4_000, 5_000]);
    expect(snapshot.providers[0]).toMatchObject({ id: 'groq', circuitState: 'open', cooldownUntilMs: 9_000, simulated: true });
    expect(snapshot.historyLength).toBe(3);
    state.close();
  });

  it('logs circuit changes, cooldowns and models reported missing as they happen', () => {
    const clock = new ManualClock(10_000);
    const router = fakeRouter();
    const state = new DashboardState({ router, clock });
    const updates: DashboardUpdate[] = [];
    state.subscribe((update) => updates.push(update));
    router.emit({ type: 'circuit-change', provider: 'groq', from: 'closed', to: 'open' });
    router.emit({ type: 'cooldown', provider: 'anthropic', untilMs: 15_000, reason: 'rate_limit' });
    router.emit({ type: 'attempt-start', callId: 1, provider: 'groq', model: 'm' });
    router.emit({ type: 'model-missing', provider: 'google', model: 'gemini-1.5-flash', untilMs: 3_610_000 });
    expect(updates.map((update) => update.type)).toEqual(['change', 'change', 'change']);
    expect(state.snapshot().recentChanges).toEqual([
      { kind: 'model-missing', atMs: 10_000, provider: 'google', model: 'gemini-1.5-flash', untilMs: 3_610_000 },
      { kind: 'cooldown', atMs: 10_000, provider: 'anthropic', untilMs: 15_000, reason: 'rate_limit' },
      { kind: 'circuit', atMs: 10_000, provider: 'groq', from: 'closed', to: 'open' },
    ]);
    state.close();
  });

  it('close() clears its timer and stops listening to the router', () => {
    const clock = new ManualClock();
    const router = fakeRouter();
    const state = new DashboardState({ router, clock });
    expect(clock.pendingTimerCount).toBe(1);
    expect(router.listeners).toBe(1);
    state.close();
    expect(clock.pendingTimerCount).toBe(0);
    expect(router.listeners).toBe(0);
  });
});
