import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ListenerSet } from '../resilience/listener-set.js';
import type { RouterEvent } from '../routing/router-events.js';
import { AsyncLocalStorageContextManager } from './async-local-storage-context-manager.test-support.js';
import { instrumentRouter, type RouterEventSource } from './instrument-router.js';

/** Router events as the router emits them, from a ListenerSet like the router's own. */
function eventSource(): RouterEventSource & { emit(event: RouterEvent): void; readonly listenerCount: number } {
  const events = new ListenerSet<RouterEvent>();
  return {
    onEvent: (listener) => events.subscribe(listener),
    emit: (event) => events.emit(event),
    get listenerCount() {
      return events.size;
    },
  };
}

/** `alwaysOn`: a sampler that records every span, whatever its parent (the default follows the parent). */
function setUp(options: { readonly alwaysOn?: boolean } = {}): { exporter: InMemorySpanExporter; provider: BasicTracerProvider } {
  const exporter = new InMemorySpanExporter();
  const sampler = options.alwaysOn ? { sampler: new AlwaysOnSampler() } : {};
  const provider = new BasicTracerProvider({ ...sampler, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

const t0 = Date.parse('2026-01-05T10:00:00Z');

/** A raced call: groq won, openai lost the race, anthropic was skipped with its circuit open. */
function racedCall(callId: number): RouterEvent[] {
  return [
    { type: 'attempt-start', callId, provider: 'groq', model: 'llama-3.3-70b-versatile' },
    { type: 'attempt-start', callId, provider: 'openai', model: 'gpt-4.1-mini' },
    {
      type: 'call-end',
      callId,
      outcome: 'success',
      startedAtMs: t0,
      finishReason: 'stop',
      requestId: 'req-groq-1',
      responseId: 'chatcmpl-groq-1',
      streaming: false,
      cached: false,
      provider: 'groq',
      model: 'llama-3.3-70b-versatile',
      requestModel: undefined,
      latencyMs: 300,
      timeToFirstTokenMs: undefined,
      attempts: [
        { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', outcome: 'skipped', detail: 'circuit open', startedAtMs: t0, durationMs: 0 },
        { provider: 'groq', model: 'llama-3.3-70b-versatile', outcome: 'success', startedAtMs: t0 + 10, durationMs: 250 },
        { provider: 'openai', model: 'gpt-4.1-mini', outcome: 'aborted', detail: 'lost the race', startedAtMs: t0 + 12, durationMs: 250, estimatedCostUsd: 0.000016 },
      ],
      inputTokens: 40,
      outputTokens: 12,
      costUsd: 0.0000331,
      errorName: undefined,
    },
  ];
}

const byName = (spans: readonly ReadableSpan[], name: string): ReadableSpan[] => spans.filter((span) => span.name === name);
const millis = (time: readonly [number, number]): number => time[0] * 1000 + time[1] / 1e6;

describe('instrumentRouter', () => {
  afterEach(() => {
    context.disable();
  });

  it('writes a call span with GenAI attributes and a child span per attempt, at the measured times', () => {
    const { exporter, provider } = setUp();
    const source = eventSource();
    instrumentRouter(source, { tracer: provider.getTracer('test') });
    for (const event of racedCall(1)) source.emit(event);

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    const call = spans.find((span) => span.kind === SpanKind.INTERNAL);
    expect(call?.name).toBe('chat llama-3.3-70b-versatile');
    expect(call?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'groq',
      'backup_models.provider': 'groq',
      'gen_ai.request.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.id': 'chatcmpl-groq-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 12,
      'backup_models.outcome': 'success',
      'backup_models.cached': false,
      'backup_models.streaming': false,
      'backup_models.attempt_count': 2,
      'backup_models.cost_usd': 0.0000331,
    });
    expect(millis(call!.startTime)).toBe(t0);
    expect(millis(call!.endTime)).toBe(t0 + 300);
    expect(call?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'backup_models.candidate_skipped',
        { 'backup_models.provider': 'anthropic', 'gen_ai.request.model': 'claude-haiku-4-5-20251001', 'backup_models.detail': 'circuit open' },
      ],
    ]);

    const [winner] = byName(spans, 'chat llama-3.3-70b-versatile').filter((span) => span.kind === SpanKind.CLIENT);
    const [loser] = byName(spans, 'chat gpt-4.1-mini');
    for (const attempt of [winner, loser]) {
      expect(attempt?.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
      expect(attempt?.spanContext().traceId).toBe(call?.spanContext().traceId);
    }
    expect(winner?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'groq',
      'backup_models.provider': 'groq',
      'gen_ai.request.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.model': 'llama-3.3-70b-versatile',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 12,
      'backup_models.outcome': 'success',
    });
    expect(millis(winner!.startTime)).toBe(t0 + 10);
    expect(millis(winner!.endTime)).toBe(t0 + 260);
    // What its provider bills for it though it lost, estimated; not the call's cost, which is the answer's.
    expect(loser?.attributes).toMatchObject({ 'backup_models.outcome': 'aborted', 'backup_models.detail': 'lost the race', 'backup_models.estimated_cost_usd': 0.000016 });
    expect(winner?.attributes['backup_models.estimated_cost_usd']).toBeUndefined();
    expect(loser?.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(loser?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a failed call and its failed attempts with error.type', () => {
    const { exporter, provider } = setUp();
    const source = eventSource();
    instrumentRouter(source, { tracer: provider.getTracer('test') });
    source.emit({ type: 'attempt-start', callId: 7, provider: 'google', model: 'gemini-2.0-flash' });
    source.emit({
      type: 'call-end',
      callId: 7,
      outcome: 'failure',
      startedAtMs: t0,
      finishReason: undefined,
      requestId: undefined,
      responseId: undefined,
      streaming: true,
      cached: false,
      provider: undefined,
      model: undefined,
      requestModel: undefined,
      latencyMs: 50,
      timeToFirstTokenMs: undefined,
      attempts: [
        { provider: 'google', model: 'gemini-2.0-flash', outcome: 'failure', reason: 'rate_limit', statusCode: 429, startedAtMs: t0, durationMs: 40 },
      ],
      inputTokens: undefined,
      outputTokens: undefined,
      costUsd: undefined,
      errorName: 'AllProvidersFailedError',
    });
    const spans = exporter.getFinishedSpans();
    const call = spans.find((span) => span.kind === SpanKind.INTERNAL);
    const attempt = spans.find((span) => span.kind === SpanKind.CLIENT);
    expect(call?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'AllProvidersFailedError' });
    expect(call?.attributes).toMatchObject({
      'error.type': 'AllProvidersFailedError',
      'gen_ai.provider.name': 'gcp.gemini',
      'backup_models.provider': 'google',
      'backup_models.streaming': true,
    });
    expect(attempt?.attributes).toMatchObject({
      'error.type': 'rate_limit',
      'backup_models.failure_reason': 'rate_limit',
      'http.response.status_code': 429,
    });
    expect(attempt?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('parents the call span on the context active when the call started', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager());
    const { exporter, provider } = setUp();
    const tracer = provider.getTracer('test');
    const source = eventSource();
    instrumentRouter(source, { tracer });
    const [start, ...rest] = racedCall(3);
    const request = tracer.startSpan('POST /v1/chat/completions');
    context.with(trace.setSpan(context.active(), request), () => source.emit(start!));
    // The call ends later, outside that context: the parent is still the request.
    for (const event of rest) source.emit(event);
    request.end();
    const call = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.INTERNAL);
    expect(call?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });

  it('traces no call whose parent the sampler dropped, and every call whose parent it kept, recorded here or not', () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager());
    // The provider's sampler records every span it is asked for: what is left out, instrumentRouter left out.
    const { exporter, provider } = setUp({ alwaysOn: true });
    const source = eventSource();
    instrumentRouter(source, { tracer: provider.getTracer('test') });
    const parentOf = (traceFlags: TraceFlags, spanId: string) =>
      trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId, traceFlags, isRemote: true });
    const dropped = parentOf(TraceFlags.NONE, '00f067aa0ba902b7');
    const kept = parentOf(TraceFlags.SAMPLED, '00f067aa0ba902b8');
    for (const [callId, parent] of [[11, dropped], [12, kept]] as const) {
      const [start, ...rest] = racedCall(callId);
      context.with(trace.setSpan(context.active(), parent), () => source.emit(start!));
      for (const event of rest) source.emit(event);
    }
    const calls = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.INTERNAL && span.parentSpanContext?.isRemote);
    expect(calls.map((span) => span.parentSpanContext?.spanId)).toEqual(['00f067aa0ba902b8']);
    // The kept call has its attempts, as any traced call.
    expect(exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT)).toHaveLength(2);
  });

  it('subscribes once, only when called, and stops writing spans once disposed', () => {
    const { exporter, provider } = setUp();
    const source = eventSource();
    expect(source.listenerCount).toBe(0);
    const dispose = instrumentRouter(source, { tracer: provider.getTracer('test') });
    expect(source.listenerCount).toBe(1);
    dispose();
    expect(source.listenerCount).toBe(0);
    for (const event of racedCall(4)) source.emit(event);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('does nothing costly without an SDK: the api tracer gives non-recording spans', () => {
    const source = eventSource();
    const dispose = instrumentRouter(source);
    expect(() => {
      for (const event of racedCall(5)) source.emit(event);
    }).not.toThrow();
    expect(trace.getTracer('backup-models').startSpan('probe').isRecording()).toBe(false);
    dispose();
  });
});
