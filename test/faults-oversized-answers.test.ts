/**
 * A configured upstream that answers far more than any real answer (a broken proxy, a base URL pointing at a file
 * server, a provider's bug): what is held of it is bounded (`maxProviderResponseBytes`, a whole answer and one line or
 * event of a stream; `maxProviderEmbeddingResponseBytes`; 64 KiB of an error body). Past the bound the upstream request
 * is ended, which the provider test server sees as its client leaving, and the call fails over as from a server error.
 * Real HTTP to the provider test server, whose `oversized` fault pads a recorded answer with what a JSON reader skips:
 * a client without a bound takes it whole as the real answer. Memory is not measured: the closed socket is what shows
 * the rest was never read. A body whose `content-length` announces more than the bound fails at its headers, unread:
 * the tests of the bound found by reading send their padding chunked (`announcedBytes: 'none'`), announcing nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  type BackupModelRouterOptions,
  defaultCatalog,
  mergeCatalog,
  type ProviderDefinition,
  ProviderError,
  ResponseTooLargeError,
  type RouteTarget,
  type RouterEvent,
  type StreamChunk,
  StreamInterruptedError,
} from '../src/index.js';
import { openAIEmbeddingsReplay } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1, timeoutMs: 10_000 });

const limitBytes = 64 * 1024;
/**
 * Far past the limit, and past what the kernel's socket buffers take on loopback (tcp_rmem up to 32 MiB here, 4 MiB
 * of tcp_wmem): the server cannot hand it all over before the client, having read the limit, closes the socket.
 * The server holds 64 KiB of it at a time.
 */
const paddingBytes = 128 * 1024 * 1024;
/** The bound found by reading: a chunked body, whose size nothing announces. */
const oversized = { kind: 'oversized', paddingBytes, announcedBytes: 'none' } as const;
/**
 * The bound found at the headers: the recorded answer, unpadded, under a `content-length` of 5 GiB. The server then
 * holds the response open (the rest never comes), so a client that waits to read past the recorded answer waits
 * until its own timeout instead of failing over.
 */
const announcedBytes = 5 * 1024 ** 3;
const announcedHuge = { kind: 'oversized', paddingBytes: 0, announcedBytes } as const;
const openaiThenGroq: RouteTarget[] = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
];

function makeRouter(options: BackupModelRouterOptions = {}) {
  return harness.makeRouter({ maxProviderResponseBytes: limitBytes, ...options });
}

/** Openai's error when it is the call's only provider: what a call that fails over from it keeps in its attempt. */
async function openaiAloneError(call: (route: RouteTarget[]) => Promise<unknown>): Promise<ProviderError> {
  const error = await call(openaiThenGroq.slice(0, 1)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!AllProvidersFailedError.isInstance(error)) throw new Error(`expected every provider to fail, got ${String(error)}`);
  return error.errors[0] as ProviderError;
}

/** A stream read to its end: the text it showed, and who answered. */
async function readStream(stream: AsyncIterable<StreamChunk> & { readonly result: Promise<{ provider: string }> }): Promise<{ text: string; provider: string }> {
  let text = '';
  for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.text;
  return { text, provider: (await stream.result).provider };
}

/** Resolves once the server saw the client leave openai's request: its socket closed, the body unsent. */
const openaiSocketClosed = () => harness.server.waitForClientAbort({ provider: 'openai' });

describe('complete: an answer past maxProviderResponseBytes', () => {
  it('ends the upstream request and fails over to the next provider, as from a server error', async () => {
    harness.server.enqueue('openai', oversized);
    const result = await makeRouter().complete('Hi', { route: openaiThenGroq });
    expect(result.provider).toBe('groq');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['openai', 'failure', 'server_error'],
      ['groq', 'success', undefined],
    ]);
    expect(await openaiSocketClosed()).toMatchObject({ behavior: 'oversized', status: 200 });
  });

  it('fails with a typed error naming the limit and its setting, quoting nothing of the body', async () => {
    harness.server.enqueue('openai', { ...oversized, text: 'SECRET-LOOKING ANSWER TEXT' });
    const router = makeRouter();
    const error = await openaiAloneError((route) => router.complete('Hi', { route }));
    expect(error).toMatchObject({ provider: 'openai', reason: 'server_error', isRetryable: true });
    expect(error.message).toBe(`openai: the response body passed ${limitBytes} bytes (maxProviderResponseBytes); the request was ended`);
    expect(ResponseTooLargeError.isInstance(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ setting: 'maxProviderResponseBytes', limitBytes, part: 'body' });
    await openaiSocketClosed();
  });

  it("counts against the provider's health as a server error does: its circuit opens", async () => {
    harness.server.setBehavior('openai', oversized);
    const router = makeRouter({ breaker: { consecutiveFailures: 2, minimumCalls: 2 } });
    const circuit: string[] = [];
    router.onEvent((event: RouterEvent) => {
      if (event.type === 'circuit-change' && event.provider === 'openai') circuit.push(event.to);
    });
    for (const call of [1, 2]) expect((await router.complete(`Hi ${call}`, { route: openaiThenGroq })).provider).toBe('groq');
    expect(circuit).toEqual(['open']);
    const skipped = await router.complete('Hi again', { route: openaiThenGroq });
    expect(skipped.attempts[0]).toMatchObject({ provider: 'openai', outcome: 'skipped' });
  });
});

describe("complete: an answer whose content-length announces more than maxProviderResponseBytes", () => {
  it('fails over at its headers, without reading the body, as from a server error', async () => {
    harness.server.enqueue('openai', announcedHuge);
    const result = await makeRouter().complete('Hi', { route: openaiThenGroq });
    expect(result.provider).toBe('groq');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.reason])).toEqual([
      ['openai', 'failure', 'server_error'],
      ['groq', 'success', undefined],
    ]);
    expect(await openaiSocketClosed()).toMatchObject({ behavior: 'oversized', status: 200 });
  });

  it('fails with the typed error of the bound, which names the announced length', async () => {
    harness.server.enqueue('openai', { ...announcedHuge, text: 'SECRET-LOOKING ANSWER TEXT' });
    const router = makeRouter();
    const error = await openaiAloneError((route) => router.complete('Hi', { route }));
    expect(error).toMatchObject({ provider: 'openai', reason: 'server_error', isRetryable: true });
    expect(error.message).toBe(
      `openai: the response body announced ${announcedBytes} bytes, past ${limitBytes} bytes (maxProviderResponseBytes); the request was ended unread`,
    );
    expect(ResponseTooLargeError.isInstance(error.cause)).toBe(true);
    expect(error.cause).toMatchObject({ setting: 'maxProviderResponseBytes', limitBytes, part: 'body', announcedBytes });
    await openaiSocketClosed();
  });

  it('is not refused when it announces no more than the bound', async () => {
    // The recorded answer and its padding, 1 KiB short of the bound, announced as what they are.
    harness.server.enqueue('openai', { kind: 'oversized', paddingBytes: limitBytes - 2048 });
    const result = await makeRouter().complete('Hi', { route: openaiThenGroq });
    expect(result.provider).toBe('openai');
  });
});

describe('an error body past 64 KiB', () => {
  const quotaError = { kind: 'oversized', paddingBytes, errorFixture: 'error-429-insufficient-quota' } as const;

  it("keeps its prefix, which still holds the recorded code (OpenAI's insufficient_quota), and ends the request", async () => {
    harness.server.enqueue('openai', quotaError);
    const router = makeRouter();
    expect(await openaiAloneError((route) => router.complete('Hi', { route }))).toMatchObject({
      provider: 'openai',
      reason: 'quota_exhausted',
      statusCode: 429,
      providerCode: 'insufficient_quota',
    });
    expect(await openaiSocketClosed()).toMatchObject({ status: 429 });
  });

  it('is read to its prefix, not refused, when its content-length announces 5 GiB', async () => {
    harness.server.enqueue('openai', { ...quotaError, announcedBytes });
    const router = makeRouter();
    const error = await openaiAloneError((route) => router.complete('Hi', { route }));
    expect(error).toMatchObject({ reason: 'quota_exhausted', statusCode: 429, providerCode: 'insufficient_quota' });
    expect(ResponseTooLargeError.isInstance(error.cause)).toBe(false);
    await openaiSocketClosed();
  });

  it('the same on a stream request, which fails over', async () => {
    harness.server.enqueue('openai', quotaError, quotaError);
    const router = makeRouter();
    const error = await openaiAloneError((route) => readStream(router.stream('Hi', { route })));
    expect(error).toMatchObject({ reason: 'quota_exhausted', providerCode: 'insufficient_quota' });
    await openaiSocketClosed();
    harness.server.reset();
    harness.server.enqueue('openai', quotaError);
    expect((await readStream(makeRouter().stream('Hi', { route: openaiThenGroq }))).provider).toBe('groq');
    await openaiSocketClosed();
  });
});

describe('stream: one line or event past maxProviderResponseBytes', () => {
  for (const padding of ['line', 'data-lines'] as const) {
    it(`before the first token (${padding === 'line' ? 'one line without end' : 'one event of data lines without end'}): fails over`, async () => {
      harness.server.enqueue('openai', { kind: 'oversized', paddingBytes, padding });
      const answer = await readStream(makeRouter().stream('Hi', { route: openaiThenGroq }));
      expect(answer.provider).toBe('groq');
      expect(answer.text.length).toBeGreaterThan(0);
      await openaiSocketClosed();
      harness.server.reset();
      harness.server.enqueue('openai', { kind: 'oversized', paddingBytes, padding });
      const router = makeRouter();
      const error = await openaiAloneError((route) => readStream(router.stream('Hi', { route })));
      expect(error).toMatchObject({
        reason: 'server_error',
        message: `openai: one line or event of the stream passed ${limitBytes} bytes (maxProviderResponseBytes); the request was ended`,
      });
      expect(error.cause).toMatchObject({ part: 'event', setting: 'maxProviderResponseBytes', limitBytes });
      await openaiSocketClosed();
    });
  }

  it('after the first token: the stream ends with the error, as other mid-stream faults do', async () => {
    harness.server.enqueue('openai', { kind: 'oversized', paddingBytes, events: 3 });
    const error = await readStream(makeRouter().stream('Hi', { route: openaiThenGroq })).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'openai', reason: 'server_error', partialText: 'Thought:' });
    await openaiSocketClosed();
  });
});

describe('embed: an answer past its share of maxProviderEmbeddingResponseBytes', () => {
  const openai = defaultCatalog.find((definition) => definition.id === 'openai') as ProviderDefinition;
  const openaiBackup: ProviderDefinition = { ...openai, id: 'openai-backup', apiKeyEnv: 'OPENAI_BACKUP_API_KEY', baseUrlEnv: 'OPENAI_BACKUP_BASE_URL' };

  it('ends the request and fails over to the next provider of the model', async () => {
    const recorded = openAIEmbeddingsReplay();
    // The recorded answer (906 bytes), kept in test/fixtures, padded.
    harness.server.enqueue('openai', { ...oversized, replay: recorded });
    harness.server.setBehavior('openai', recorded);
    const router = makeRouter({
      env: { ...harness.server.environment(), OPENAI_BACKUP_API_KEY: 'test-key-openai-backup', OPENAI_BACKUP_BASE_URL: harness.server.baseUrlFor('openai') },
      catalog: mergeCatalog(defaultCatalog, [openaiBackup]),
      // 1 KiB a text, above maxProviderResponseBytes: the share of the one text is the bound.
      maxProviderResponseBytes: 512,
      maxProviderEmbeddingResponseBytes: 2048 * 1024,
    });
    const failures: RouterEvent[] = [];
    router.onEvent((event) => {
      if (event.type === 'attempt-end' && event.attempt.outcome === 'failure') failures.push(event);
    });
    const result = await router.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 });
    expect(result.provider).toBe('openai-backup');
    expect(failures).toEqual([expect.objectContaining({ attempt: expect.objectContaining({ provider: 'openai', reason: 'server_error' }) })]);
    await openaiSocketClosed();
  });

  it('fails over at its headers when its content-length announces more than its share', async () => {
    const recorded = openAIEmbeddingsReplay();
    harness.server.enqueue('openai', { ...announcedHuge, replay: recorded });
    harness.server.setBehavior('openai', recorded);
    const router = makeRouter({
      env: { ...harness.server.environment(), OPENAI_BACKUP_API_KEY: 'test-key-openai-backup', OPENAI_BACKUP_BASE_URL: harness.server.baseUrlFor('openai') },
      catalog: mergeCatalog(defaultCatalog, [openaiBackup]),
      maxProviderResponseBytes: 512,
      maxProviderEmbeddingResponseBytes: 2048 * 1024,
    });
    const result = await router.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 });
    expect(result.provider).toBe('openai-backup');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.reason])).toEqual([
      ['openai', 'server_error'],
      ['openai-backup', undefined],
    ]);
    await openaiSocketClosed();
    harness.server.reset();
    harness.server.enqueue('openai', { ...announcedHuge, replay: recorded });
    const alone = makeRouter({ maxProviderResponseBytes: 512, maxProviderEmbeddingResponseBytes: 2048 * 1024 });
    const error = await alone.embed('Hello, world!', { model: 'text-embedding-3-small', dimensions: 128 }).catch((caught: unknown) => caught);
    if (!AllProvidersFailedError.isInstance(error)) throw new Error(`expected every provider to fail, got ${String(error)}`);
    expect(error.errors[0]?.cause).toMatchObject({ limitBytes: 1024, announcedBytes, setting: 'maxProviderEmbeddingResponseBytes, the share of 1 texts' });
    await openaiSocketClosed();
  });
});
