/**
 * OpenTelemetry spans for real router calls against the provider test server, exported in memory.
 */
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Provider } from '../src/catalog.js';
import { StreamInterruptedError } from '../src/errors.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../src/routing/router-options.js';
import { AsyncLocalStorageContextManager } from '../src/telemetry/async-local-storage-context-manager.test-support.js';
import { instrumentRouter } from '../src/telemetry/instrument-router.js';
import { type ProviderTestServer, startProviderTestServer } from '../src/testing/index.js';
import { openAIEmbeddingsReplay } from '../src/testing/openai-embeddings-recordings.test-support.js';

let server: ProviderTestServer;
let exporter: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = await startProviderTestServer();
  exporter = new InMemorySpanExporter();
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  context.disable();
  await server.close();
});

function instrumentedRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, ...options });
  const stop = instrumentRouter(router, { tracer: tracerProvider.getTracer('test') });
  cleanups.push(() => router.close(), stop);
  return router;
}

const callSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.INTERNAL);
const millis = (time: readonly [number, number]): number => time[0] * 1000 + time[1] / 1e6;
const attemptSpansOf = (call: ReadableSpan | undefined): ReadableSpan[] =>
  exporter
    .getFinishedSpans()
    .filter((span) => span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === call?.spanContext().spanId);

const fallbackRoute = [
  { provider: Provider.OPENAI, model: 'gpt-4o-mini' },
  { provider: Provider.GROQ, model: 'llama-3.1-8b-instant' },
];

describe('instrumentRouter on a real router', () => {
  it('names an embed call and its attempt by the embeddings operation, with its input tokens', async () => {
    server.setBehavior(Provider.OPENAI, openAIEmbeddingsReplay());
    const router = instrumentedRouter();
    await router.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 });
    const [call] = callSpans();
    expect(call?.name).toBe('embeddings text-embedding-3-small');
    expect(call?.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 4, 'gen_ai.provider.name': 'openai' });
    expect(attemptSpansOf(call).map((span) => [span.name, span.attributes['gen_ai.operation.name']])).toEqual([
      ['embeddings text-embedding-3-small', 'embeddings'],
    ]);
  });

  it('writes a call span under the caller span, with a failed and a successful attempt', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-500-server-error' });
    const router = instrumentedRouter();
    const tracer = tracerProvider.getTracer('app');

    const result = await tracer.startActiveSpan('POST /answer', async (requestSpan) => {
      try {
        return await router.complete('Hello', { route: fallbackRoute, parallelAttempts: 1 });
      } finally {
        requestSpan.end();
      }
    });

    expect(result.provider).toBe(Provider.GROQ);
    const [call] = callSpans();
    const requestSpan = exporter.getFinishedSpans().find((span) => span.name === 'POST /answer');
    expect(call?.name).toBe('chat gpt-4o-mini');
    expect(call?.parentSpanContext?.spanId).toBe(requestSpan?.spanContext().spanId);
    expect(call?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'groq',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': result.model,
      'gen_ai.usage.input_tokens': result.usage?.inputTokens,
      'gen_ai.usage.output_tokens': result.usage?.outputTokens,
      'backup_models.outcome': 'success',
      'backup_models.attempt_count': 2,
      'backup_models.streaming': false,
    });
    expect(call?.status.code).toBe(SpanStatusCode.UNSET);

    const attempts = attemptSpansOf(call);
    expect(attempts.map((span) => span.name).sort()).toEqual(['chat gpt-4o-mini', 'chat llama-3.1-8b-instant']);
    const failed = attempts.find((span) => span.attributes['backup_models.provider'] === 'openai');
    expect(failed?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'backup_models.outcome': 'failure',
      'backup_models.failure_reason': 'server_error',
      'error.type': 'server_error',
      'http.response.status_code': 500,
    });
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    const succeeded = attempts.find((span) => span.attributes['backup_models.provider'] === 'groq');
    expect(succeeded?.attributes).toMatchObject({ 'backup_models.outcome': 'success', 'gen_ai.response.model': result.model });
    // Sequential fallback: the second attempt starts after the first ended, both within the call.
    const [failedStart, succeededStart, callStart] = [failed, succeeded, call].map((span) => span!.startTime[0] * 1e9 + span!.startTime[1]);
    const failedEnd = failed!.endTime[0] * 1e9 + failed!.endTime[1];
    expect(callStart).toBeLessThanOrEqual(failedStart!);
    expect(failedEnd).toBeLessThanOrEqual(succeededStart!);
  });

  it('writes a streamed call with its time to first token', async () => {
    const router = instrumentedRouter();
    const stream = router.stream('Hello', { route: [fallbackRoute[1]!] });
    for await (const chunk of stream) void chunk;
    const result = await stream.result;

    const [call] = callSpans();
    expect(call?.attributes).toMatchObject({
      'backup_models.streaming': true,
      'backup_models.outcome': 'success',
      'backup_models.time_to_first_token_ms': result.timeToFirstTokenMs,
      'gen_ai.provider.name': 'groq',
    });
    expect(attemptSpansOf(call)).toHaveLength(1);
  });

  // The recordings' answer ids, and the HTTP request ids their headers carry (which are not the answer's).
  const answers = [
    { provider: Provider.OPENAI, model: 'gpt-4o-mini', streaming: false, responseId: 'chatcmpl-CYK4xLF7VAEVtvFmJ3ad8kFZdBfWl' },
    { provider: Provider.OPENAI, model: 'gpt-4o-mini', streaming: true, responseId: 'chatcmpl-B87cPAYlQPYYJ6Ok4tP0dPmPyKu1u' },
    { provider: Provider.ANTHROPIC, model: 'claude-haiku-4-5-20251001', streaming: false, responseId: 'msg_0168T3wxGsbhK1QU7ukEG76F' },
    { provider: Provider.ANTHROPIC, model: 'claude-haiku-4-5-20251001', streaming: true, responseId: 'msg_017A4s3HAsrqf5d2WvBmrpLr' },
  ] as const;
  for (const answer of answers) {
    it(`gives the answer's own id as gen_ai.response.id, not the HTTP request id (${answer.provider}, ${answer.streaming ? 'streamed' : 'whole'})`, async () => {
      const router = instrumentedRouter();
      const route = [{ provider: answer.provider, model: answer.model }];
      let result;
      if (answer.streaming) {
        const stream = router.stream('Hello', { route });
        for await (const chunk of stream) void chunk;
        result = await stream.result;
      } else {
        result = await router.complete('Hello', { route });
      }
      const [call] = callSpans();
      expect(call?.attributes['gen_ai.response.id']).toBe(answer.responseId);
      expect(result.responseId).toBe(answer.responseId);
      // The request id stays what it is, for a support ticket.
      expect(result.requestId).not.toBe(answer.responseId);
    });
  }

  it("times a streamed call's answering attempt until its stream ended, not until its first token", async () => {
    // Slow after its first token: the recorded answer a few bytes at a time.
    server.setBehavior(Provider.OPENAI, { kind: 'trickle', bytesPerWrite: 400, intervalMs: 10 });
    const router = instrumentedRouter();
    const stream = router.stream('Hello', { route: [fallbackRoute[0]!] });
    for await (const chunk of stream) void chunk;
    const result = await stream.result;

    const [call] = callSpans();
    const [attempt] = attemptSpansOf(call);
    expect(attempt?.attributes).toMatchObject({ 'backup_models.outcome': 'success', 'gen_ai.usage.output_tokens': result.usage?.outputTokens });
    const attemptEndMs = millis(attempt!.endTime);
    expect(attemptEndMs - millis(attempt!.startTime)).toBeGreaterThan(result.timeToFirstTokenMs + 40);
    // It ends with its call, which ended when the stream did.
    expect(Math.abs(millis(call!.endTime) - attemptEndMs)).toBeLessThanOrEqual(2);
  });

  it('marks the answering attempt of a stream that broke after its first token as failed', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'reset-after-events', events: 3 });
    const router = instrumentedRouter();
    const stream = router.stream('Hello', { route: fallbackRoute, parallelAttempts: 1 });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow(StreamInterruptedError);

    const [call] = callSpans();
    expect(call?.attributes).toMatchObject({ 'error.type': 'StreamInterruptedError', 'backup_models.attempt_count': 1 });
    const [attempt] = attemptSpansOf(call);
    expect(attempt?.attributes).toMatchObject({
      'backup_models.provider': 'openai',
      'backup_models.outcome': 'failure',
      'backup_models.failure_reason': 'network',
      'error.type': 'network',
    });
    expect(attempt?.status.code).toBe(SpanStatusCode.ERROR);
    expect(Math.abs(millis(call!.endTime) - millis(attempt!.endTime))).toBeLessThanOrEqual(2);
  });

  it.each([false, true])('keeps the attempt in flight when the caller aborts a complete() (cache enabled: %s)', async (cacheEnabled) => {
    server.setBehavior(Provider.OPENAI, { kind: 'stall-before-headers' });
    const router = instrumentedRouter({ cacheEnabled });
    const controller = new AbortController();
    const call = router.complete('Hello', { route: fallbackRoute, parallelAttempts: 1, signal: controller.signal });
    await server.waitForRequests(1);
    controller.abort();
    await expect(call).rejects.toThrow();

    const [callSpan] = callSpans();
    expect(callSpan?.name).toBe('chat gpt-4o-mini');
    expect(callSpan?.attributes).toMatchObject({
      'backup_models.outcome': 'aborted',
      'backup_models.attempt_count': 1,
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.provider.name': 'openai',
    });
    const [attempt] = attemptSpansOf(callSpan);
    expect(attempt?.attributes).toMatchObject({ 'backup_models.provider': 'openai', 'backup_models.outcome': 'aborted' });
  });

  it("names a cache hit's requested model as the call asked for it, never the answer's model", async () => {
    const router = instrumentedRouter({ cacheEnabled: true });
    const asked = await router.complete('Cache me', { route: [fallbackRoute[0]!] });
    const hit = await router.complete('Cache me', { route: [fallbackRoute[0]!] });
    expect(hit.cached).toBe(true);
    // The recording answers as a dated snapshot of the model asked for.
    expect(asked.model).not.toBe('gpt-4o-mini');

    const hitSpan = callSpans().find((span) => span.attributes['backup_models.cached'] === true);
    expect(hitSpan?.name).toBe('chat gpt-4o-mini');
    expect(hitSpan?.attributes).toMatchObject({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': asked.model });
    exporter.reset();

    // A call that named no model (the tier's choice) has no requested model to report.
    await router.complete('Cache me by tier', { tier: 1 });
    await router.complete('Cache me by tier', { tier: 1 });
    const tierHit = callSpans().find((span) => span.attributes['backup_models.cached'] === true);
    expect(tierHit?.name).toBe('chat');
    expect(tierHit?.attributes['gen_ai.request.model']).toBeUndefined();
    expect(tierHit?.attributes['gen_ai.response.model']).toBeDefined();
  });

  it('marks a call every provider failed with error.type, and a cache hit with no attempt', async () => {
    server.setBehavior(Provider.OPENAI, { kind: 'error', fixture: 'error-500-server-error' });
    const failing = instrumentedRouter();
    await expect(failing.complete('Hello', { route: [fallbackRoute[0]!] })).rejects.toThrow();
    const [failedCall] = callSpans();
    expect(failedCall?.attributes).toMatchObject({ 'error.type': 'AllProvidersFailedError', 'backup_models.outcome': 'failure' });
    expect(failedCall?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'AllProvidersFailedError' });
    exporter.reset();

    server.reset();
    const caching = instrumentedRouter({ cacheEnabled: true });
    await caching.complete('Cache me', { route: [fallbackRoute[1]!] });
    await caching.complete('Cache me', { route: [fallbackRoute[1]!] });
    const [, hit] = callSpans();
    expect(hit?.attributes).toMatchObject({ 'backup_models.cached': true, 'backup_models.attempt_count': 0 });
    expect(attemptSpansOf(hit)).toEqual([]);
  });
});
