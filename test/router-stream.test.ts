/**
 * Streaming through the router: silent failover until the first token, typed errors after it, the caller's
 * abort closing the upstream request. Real HTTP to the provider test server.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelRouter,
  DeadlineExceededError,
  type BackupModelRouterOptions,
  Provider,
  StreamInterruptedError,
  type StreamChunk,
} from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
let routers: BackupModelRouter[] = [];
beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());
afterEach(async () => {
  await Promise.all(routers.map((router) => router.close()));
  routers = [];
});

function makeRouter(options: BackupModelRouterOptions = {}): BackupModelRouter {
  const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 1, ...options });
  routers.push(router);
  return router;
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<{ text: string; chunks: StreamChunk[] }> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { text: chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.text : '')).join(''), chunks };
}

const groqThenOpenAI = [
  { provider: 'groq', model: 'llama-3.1-8b-instant' },
  { provider: 'openai', model: 'gpt-4o-mini' },
];

describe('streams from every provider', () => {
  for (const provider of Object.values(Provider)) {
    it(`${provider} streams text, usage and a finish reason`, async () => {
      server.setBehavior(provider, { kind: 'success', text: `Streaming from ${provider}, word by word.` });
      const router = makeRouter();
      const stream = router.stream('Say hello', { preferredProvider: provider });
      const { text, chunks } = await collect(stream);
      expect(text).toBe(`Streaming from ${provider}, word by word.`);
      expect(chunks.at(-1)?.type === 'finish' || chunks.some((chunk) => chunk.type === 'finish')).toBe(true);
      const result = await stream.result;
      expect(result.provider).toBe(provider);
      expect(result.content).toBe(text);
      expect(result.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeGreaterThanOrEqual(result.timeToFirstTokenMs);
    });
  }

  it('replays a recorded stream exactly (Anthropic tool use)', async () => {
    server.setBehavior('anthropic', { kind: 'success', fixture: 'messages-stream-tool-use' });
    const router = makeRouter();
    const stream = router.stream('Weather?', { preferredProvider: Provider.ANTHROPIC });
    await collect(stream);
    const result = await stream.result;
    expect(result.toolCalls).toHaveLength(1);
    expect(JSON.parse(result.toolCalls[0]!.arguments)).toBeTypeOf('object');
    expect(result.finishReason).toBe('tool_calls');
  });
});

describe('the commit rule', () => {
  it('fails over silently on an error status before the first token', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm' });
    server.setBehavior('openai', { kind: 'success', text: 'openai streamed' });
    const stream = makeRouter().stream('Hi', { route: groqThenOpenAI });
    const { text } = await collect(stream);
    expect(text).toBe('openai streamed');
    expect((await stream.result).attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['groq', 'failure'],
      ['openai', 'success'],
    ]);
  });

  it('fails over on an error event inside a 200 before any content', async () => {
    server.setBehavior('anthropic', { kind: 'error-event-after-events', events: 1 });
    server.setBehavior('openai', { kind: 'success', text: 'rescued' });
    const stream = makeRouter().stream('Hi', {
      route: [
        { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
        { provider: 'openai', model: 'gpt-4o-mini' },
      ],
    });
    const { text } = await collect(stream);
    expect(text).toBe('rescued');
    const anthropicAttempt = (await stream.result).attempts[0]!;
    expect(anthropicAttempt).toMatchObject({ provider: 'anthropic', outcome: 'failure', reason: 'overloaded' });
  });

  it("fails over when Groq's model fails its tool call (tool_use_failed, a 400 event), without opening its circuit", async () => {
    // The recorded stream: gpt-oss reasons, then Groq ends it with a tool_use_failed error event.
    server.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed' });
    server.setBehavior('openai', { kind: 'success', text: 'called it right' });
    const router = makeRouter();
    const stream = router.stream('Call the tool.', { route: groqThenOpenAI });
    const { text } = await collect(stream);
    expect(text).toBe('called it right');
    expect((await stream.result).attempts[0]).toMatchObject({ provider: 'groq', outcome: 'failure', reason: 'generation_failed' });
    // A model's bad tool call says nothing of Groq's health: more of them than open a circuit leave it closed.
    for (let call = 0; call < 6; call += 1) await collect(router.stream(`Call the tool, again ${call}.`, { route: groqThenOpenAI }));
    expect(router.getHealthStatus().groq).toMatchObject({ circuitState: 'closed', lastFailureReason: 'generation_failed' });
  });

  it('fails over when no token arrives within the first-token limit', async () => {
    server.setBehavior('groq', { kind: 'stall-before-headers' });
    server.setBehavior('openai', { kind: 'success', text: 'after the stall' });
    const stream = makeRouter().stream('Hi', { route: groqThenOpenAI, firstTokenTimeoutMs: 200 });
    const { text } = await collect(stream);
    expect(text).toBe('after the stall');
    expect((await stream.result).attempts[0]).toMatchObject({ provider: 'groq', outcome: 'failure', reason: 'timeout' });
    await server.waitForClientAbort({ provider: 'groq' });
  });

  it('fails over when a 200 stream sends only pings', async () => {
    server.setBehavior('anthropic', { kind: 'pings-only', intervalMs: 20 });
    server.setBehavior('openai', { kind: 'success', text: 'not just pings' });
    const stream = makeRouter().stream('Hi', {
      route: [
        { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
        { provider: 'openai', model: 'gpt-4o-mini' },
      ],
      firstTokenTimeoutMs: 300,
    });
    expect((await collect(stream)).text).toBe('not just pings');
  });

  it('ends with a typed error keeping the partial text when the connection is cut after the first token', async () => {
    server.setBehavior('groq', { kind: 'reset-after-events', events: 3, text: 'one two three four five six seven', textPieces: 6 });
    server.setBehavior('openai', { kind: 'success', text: 'must never be spliced in' });
    const stream = makeRouter().stream('Hi', { route: groqThenOpenAI });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) if (chunk.type === 'text-delta') received.push(chunk.text);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.provider).toBe('groq');
    expect(received.join('')).not.toContain('spliced');
    expect(interrupted.partialText).toBe(received.join(''));
    expect(interrupted.partialText.length).toBeGreaterThan(0);
    await expect(stream.result).rejects.toBe(error);
    expect(server.requests.filter((request) => request.provider === 'openai')).toHaveLength(0);
  });

  it('treats a stream that ends without its end marker as truncated, never a success', async () => {
    // Six events: OpenAI's Responses stream opens with four that carry no text, then its first two text deltas.
    server.setBehavior('openai', { kind: 'truncate-after-events', events: 6, text: 'a b c d e f g h', textPieces: 6 });
    const stream = makeRouter().stream('Hi', { preferredProvider: Provider.OPENAI });
    await expect(collect(stream)).rejects.toBeInstanceOf(StreamInterruptedError);
  });

  it('ends a stream that stalls halfway at the idle limit', async () => {
    server.setBehavior('openai', { kind: 'stall-after-events', events: 6, text: 'a b c d e f g h', textPieces: 6 });
    const stream = makeRouter().stream('Hi', { preferredProvider: Provider.OPENAI, idleTimeoutMs: 300 });
    const error = await collect(stream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).reason).toBe('timeout');
    // The provider fell silent: not the call's own deadline, which a caller tells apart by the cause.
    expect(DeadlineExceededError.isInstance((error as StreamInterruptedError).cause)).toBe(false);
    await server.waitForClientAbort({ provider: 'openai' });
  });

  it("says by its cause that the call's deadline ended a stream still coming after its first token", async () => {
    // The gateway reads it so: its streams' deadline is `maxStreamDurationMs`, and reaching it is a cut at that
    // limit (its log line and metric say so), not a broken stream. The provider streams on, 50 ms a piece in real
    // time; the router's deadline runs on a manual clock, moved past it once the first token has come.
    server.setBehavior('openai', { kind: 'success', text: 'slow words '.repeat(2_000), textPieces: 2_000, chunkDelayMs: 50 });
    const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
    const stream = makeRouter({ clock }).stream('Hi, slowly', { preferredProvider: Provider.OPENAI, timeoutMs: 5_000 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    clock.advance(5_000);
    let error: unknown;
    try {
      while (!(await iterator.next()).done);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as StreamInterruptedError).reason).toBe('timeout');
    expect((error as StreamInterruptedError).cause).toMatchObject({ name: 'DeadlineExceededError', timeoutMs: 5_000 });
    await server.waitForClientAbort({ provider: 'openai' });
  });

  it('does not blame the provider for a reader that pauses longer than the idle limit', async () => {
    // Found by a review: the idle timer ran while the stream waited on its reader, and a consumer that
    // took its time per chunk had a healthy provider's stream cut as a timeout.
    // The provider keeps sending (a piece every 30 ms) while the reader pauses 700 ms after its second chunk. (OpenAI's
    // Responses stream ends with four events that carry no chunk, as it opens: 30 ms apart they stay within the limit.)
    const words = Array.from({ length: 20 }, (_, index) => `w${index}`).join(' ');
    server.setBehavior('openai', { kind: 'success', text: words, textPieces: 20, chunkDelayMs: 30 });
    const stream = makeRouter().stream('Hi, slowly', { preferredProvider: Provider.OPENAI, idleTimeoutMs: 200 });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta') text += chunk.text;
      chunks += 1;
      if (chunks === 2) await new Promise((resolve) => setTimeout(resolve, 700));
    }
    expect(text).toBe(words);
    expect((await stream.result).provider).toBe('openai');
  });

  it('reports every attempt when no candidate produced a token', async () => {
    server.setBehavior('groq', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    server.setBehavior('openai', { kind: 'error', fixture: 'error-500-server-error' });
    const stream = makeRouter().stream('Hi', { route: groqThenOpenAI });
    await expect(collect(stream)).rejects.toBeInstanceOf(AllProvidersFailedError);
  });
});

describe('racing streams and aborting them', () => {
  it('commits to the first candidate to produce a token and aborts the others', async () => {
    server.setBehavior('groq', { kind: 'success', text: 'slow', latencyMs: 3_000 });
    server.setBehavior('openai', { kind: 'success', text: 'first token wins' });
    const stream = makeRouter({ parallelAttempts: 2 }).stream('Hi', { route: groqThenOpenAI });
    expect((await collect(stream)).text).toBe('first token wins');
    await server.waitForClientAbort({ provider: 'groq' });
  });

  it("closes the upstream request at once when the caller aborts", async () => {
    server.setBehavior('openai', { kind: 'success', text: 'a b c d e f g h i j', textPieces: 10, chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = makeRouter().stream('Hi', { preferredProvider: Provider.OPENAI, signal: controller.signal });
    const reason = new Error('caller left');
    const consumed = (async () => {
      for await (const chunk of stream) {
        if (chunk.type === 'text-delta') controller.abort(reason);
      }
    })();
    await expect(consumed).rejects.toBe(reason);
    const aborted = await server.waitForClientAbort({ provider: 'openai' });
    expect(aborted.outcome).toBe('client-aborted');
  });

  it('closes the router even while a stream nobody reads is open', async () => {
    server.setBehavior('openai', { kind: 'stall-after-events', events: 2, text: 'a b c d', textPieces: 4 });
    const router = new BackupModelRouter({ env: server.environment(), cacheEnabled: false, parallelAttempts: 1 });
    const stream = router.stream('Hi', { preferredProvider: Provider.OPENAI });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await router.close();
    await server.waitForClientAbort({ provider: 'openai' });
  });

  it('closes the upstream request when the caller stops iterating', async () => {
    server.setBehavior('openai', { kind: 'success', text: 'a b c d e f g h i j', textPieces: 10, chunkDelayMs: 200 });
    const stream = makeRouter().stream('Hi', { preferredProvider: Provider.OPENAI });
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta') break;
    }
    await server.waitForClientAbort({ provider: 'openai' });
  });
});
