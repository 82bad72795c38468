import { describe, expect, it } from 'vitest';
import type { Attempt } from '../errors.js';
import { callEndEvent } from '../routing/call-end-event.js';
import { GatewayMetrics } from './gateway-metrics.js';

function attemptEnd(provider: string, outcome: Attempt['outcome'], reason?: Attempt['reason']) {
  const attempt: Attempt = { provider, model: 'm', outcome, startedAtMs: 0, durationMs: 5, ...(reason ? { reason } : {}) };
  return { type: 'attempt-end', callId: 1, attempt } as const;
}

function valueOf(text: string, line: string): number | undefined {
  const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('GatewayMetrics', () => {
  it('counts requests, attempts, calls and cache hits, and keeps counting across scrapes', async () => {
    const metrics = new GatewayMetrics({ healthStatus: () => ({}) });
    metrics.recordRequest('chat_completions', '200');
    metrics.recordRequest('chat_completions', '200');
    metrics.recordRequest('chat_completions', '503');
    metrics.onRouterEvent(attemptEnd('groq', 'failure', 'rate_limit'));
    metrics.onRouterEvent(attemptEnd('openai', 'success'));
    metrics.onRouterEvent(callEndEvent({ callId: 1, outcome: 'success', streaming: false, startedAtMs: 0, nowMs: 10, request: {} }));

    const first = await metrics.metrics();
    expect(valueOf(first, 'backup_models_gateway_requests_total{route="chat_completions",status="200"}')).toBe(2);
    expect(valueOf(first, 'backup_models_gateway_requests_total{route="chat_completions",status="503"}')).toBe(1);
    expect(valueOf(first, 'backup_models_attempts_total{provider="groq",outcome="failure",reason="rate_limit"}')).toBe(1);
    expect(valueOf(first, 'backup_models_attempts_total{provider="openai",outcome="success",reason="none"}')).toBe(1);
    expect(valueOf(first, 'backup_models_calls_total{outcome="success",streaming="false"}')).toBe(1);
    expect(valueOf(first, 'backup_models_cache_hits_total')).toBe(0);

    metrics.recordRequest('chat_completions', '200');
    const ended = callEndEvent({ callId: 2, outcome: 'success', streaming: false, startedAtMs: 0, nowMs: 1, request: {} });
    if (ended.type !== 'call-end') throw new Error('callEndEvent gave another event type');
    metrics.onRouterEvent({ ...ended, cached: true });
    const second = await metrics.metrics();
    expect(valueOf(second, 'backup_models_gateway_requests_total{route="chat_completions",status="200"}')).toBe(3);
    expect(valueOf(second, 'backup_models_calls_total{outcome="success",streaming="false"}')).toBe(2);
    expect(valueOf(second, 'backup_models_cache_hits_total')).toBe(1);
    // A scrape with nothing new changes nothing.
    expect(await metrics.metrics()).toBe(second);
  });
});
