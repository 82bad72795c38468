/**
 * Each fault of the provider test server, seen from a real HTTP client (undici), and the server's own
 * bookkeeping: what it logs, and that closing it leaves nothing open.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock, type TimerHandle } from '../src/clock.js';
import {
  findSharedFixturesDirectory,
  resolveFixturesDirectory,
  splitSseEvents,
  startProviderTestServer,
  type ProviderTestServer,
} from '../src/testing/index.js';

const agent = new Agent();
let server: ProviderTestServer;
const fixtures = findSharedFixturesDirectory() ?? resolveFixturesDirectory();

beforeAll(async () => {
  server = await startProviderTestServer();
});
afterAll(async () => {
  await server.close();
  await agent.close();
});
beforeEach(() => server.reset());

const recordedText = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const openAiStream = splitSseEvents(recordedText('openai/chat-stream-include-usage.sse'));
const anthropicStream = splitSseEvents(recordedText('anthropic/messages-stream.sse'));

type Target = 'openai' | 'anthropic' | 'groq';
const targets = {
  openai: { path: '/chat/completions', headers: { authorization: 'Bearer test-key-openai' }, model: 'gpt-4o-mini' },
  groq: { path: '/chat/completions', headers: { authorization: 'Bearer test-key-groq' }, model: 'llama-3.1-8b-instant' },
  anthropic: { path: '/v1/messages', headers: { 'x-api-key': 'test-key-anthropic' }, model: 'claude-haiku-4-5-20251001' },
} as const;

function send(target: Target, options: { readonly stream: boolean; readonly headersTimeout?: number; readonly bodyTimeout?: number; readonly signal?: AbortSignal }) {
  const { path, headers, model } = targets[target];
  return request(`${server.baseUrlFor(target)}${path}`, {
    dispatcher: agent,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ model, max_tokens: 16, stream: options.stream, messages: [{ role: 'user', content: 'Hi' }] }),
    ...(options.headersTimeout === undefined ? {} : { headersTimeout: options.headersTimeout }),
    ...(options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

/** Reads the body until it ends or fails; returns what arrived and the failure. */
async function drain(body: AsyncIterable<unknown>): Promise<{ text: string; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { text: Buffer.concat(chunks).toString('utf8'), error };
  }
}

const socketErrorCodes = ['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'];
const errorCode = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

describe('connection faults', () => {
  it('reset-before-headers: the client sees a socket error and no response', async () => {
    server.enqueue('openai', { kind: 'reset-before-headers' });
    const error = await send('openai', { stream: false }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(socketErrorCodes).toContain(errorCode(error));
    expect(server.requests[0]).toMatchObject({ behavior: 'reset-before-headers', outcome: 'fault' });
    expect(server.requests[0]?.status).toBeUndefined();
  });

  it('reset-after-events: the recorded events arrive, then the body fails with a socket error', async () => {
    server.enqueue('openai', { kind: 'reset-after-events', events: 3 });
    const response = await send('openai', { stream: true });
    expect(response.statusCode).toBe(200);
    const { text, error } = await drain(response.body);
    expect(text).toBe(openAiStream.slice(0, 3).join(''));
    expect(socketErrorCodes).toContain(errorCode(error));
    await server.waitFor((requests) => requests[0]?.outcome === 'fault');
  });

  it('reset-after-events on a plain request: half the body, then the socket closes short of content-length', async () => {
    server.enqueue('openai', { kind: 'reset-after-events', events: 1 });
    const response = await send('openai', { stream: false });
    const { text, error } = await drain(response.body);
    const recorded = recordedText('openai/chat-completion.json');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(recorded));
    expect(recorded.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThan(recorded.length);
    expect(socketErrorCodes).toContain(errorCode(error));
  });

  it('truncate-after-events: the stream ends cleanly without its end marker', async () => {
    server.enqueue('openai', { kind: 'truncate-after-events', events: 5 });
    const response = await send('openai', { stream: true });
    const { text, error } = await drain(response.body);
    expect(error).toBeUndefined();
    expect(text).toBe(openAiStream.slice(0, 5).join(''));
    expect(text).not.toContain('[DONE]');
    await server.waitFor((requests) => requests[0]?.outcome === 'fault');
  });

  it('truncate-after-events never reaches the end marker, however many events are asked for', async () => {
    server.enqueue('anthropic', { kind: 'truncate-after-events', events: 1000 });
    const { text } = await drain((await send('anthropic', { stream: true })).body);
    expect(text).toBe(anthropicStream.slice(0, -1).join(''));
    expect(text).not.toContain('message_stop');
  });

  it("stall-before-headers: no status line before the client's own headers timeout, and the log says the client left", async () => {
    server.enqueue('groq', { kind: 'stall-before-headers' });
    const error = await send('groq', { stream: false, headersTimeout: 300 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(errorCode(error)).toBe('UND_ERR_HEADERS_TIMEOUT');
    const aborted = await server.waitForClientAbort({ provider: 'groq' });
    expect(aborted).toMatchObject({ behavior: 'stall-before-headers', outcome: 'client-aborted' });
    expect(aborted.status).toBeUndefined();
    expect(server.inFlight).toBe(0);
  });

  it("stall-after-events: the events arrive, then silence until the client's body timeout", async () => {
    server.enqueue('anthropic', { kind: 'stall-after-events', events: 2 });
    const response = await send('anthropic', { stream: true, bodyTimeout: 300 });
    expect(response.statusCode).toBe(200);
    const { text, error } = await drain(response.body);
    expect(text).toBe(anthropicStream.slice(0, 2).join(''));
    expect(errorCode(error)).toBe('UND_ERR_BODY_TIMEOUT');
    await server.waitForClientAbort({ provider: 'anthropic' });
  });
});

describe('stream content faults', () => {
  it("pings-only: Anthropic's recorded ping event, again and again, never a message", async () => {
    server.enqueue('anthropic', { kind: 'pings-only', intervalMs: 20 });
    const controller = new AbortController();
    const response = await send('anthropic', { stream: true, signal: controller.signal });
    expect(response.statusCode).toBe(200);
    let text = '';
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.split('event: ping').length > 3) break;
    }
    controller.abort();
    const ping = anthropicStream.find((event) => event.startsWith('event: ping')) ?? '';
    expect(ping).toBe('event: ping\ndata: {"type": "ping"}\n\n');
    expect(text.startsWith(ping.repeat(3))).toBe(true);
    expect(text).not.toContain('message_start');
    await server.waitForClientAbort({ provider: 'anthropic' });
  });

  it('pings-only elsewhere: SSE comments', async () => {
    server.enqueue('openai', { kind: 'pings-only', intervalMs: 10 });
    const controller = new AbortController();
    const response = await send('openai', { stream: true, signal: controller.signal });
    let text = '';
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= ': ping\n\n'.length * 2) break;
    }
    controller.abort();
    expect(text.startsWith(': ping\n\n: ping\n\n')).toBe(true);
  });

  it('trickle: the recorded bytes, a few at a time', async () => {
    server.enqueue('anthropic', { kind: 'trickle', bytesPerWrite: 200, intervalMs: 5 });
    const response = await send('anthropic', { stream: true });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(anthropicStream.join(''));
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(400);
  });

  it('malformed-json on a plain request: a 200 whose body does not parse', async () => {
    server.enqueue('anthropic', { kind: 'malformed-json' });
    const response = await send('anthropic', { stream: false });
    expect(response.statusCode).toBe(200);
    const text = await response.body.text();
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(text));
    expect(recordedText('anthropic/message.json').startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('malformed-json in a stream: the first data event is cut, the rest is the recording', async () => {
    server.enqueue('openai', { kind: 'malformed-json' });
    const { text } = await drain((await send('openai', { stream: true })).body);
    const events = splitSseEvents(text);
    expect(events).toHaveLength(openAiStream.length);
    expect(() => JSON.parse(events[0]?.slice('data: '.length) ?? '')).toThrow(SyntaxError);
    expect(events.slice(1)).toEqual(openAiStream.slice(1));
  });

  it("error-event-after-events, Anthropic: the recorded error payload in an 'event: error'", async () => {
    server.enqueue('anthropic', { kind: 'error-event-after-events', events: 3 });
    const { text } = await drain((await send('anthropic', { stream: true })).body);
    const payload = recordedText('anthropic/stream-error-event-data.json').trim();
    expect(text).toBe(anthropicStream.slice(0, 3).join('') + `event: error\ndata: ${payload}\n\n`);
  });

  it('error-event-after-events, OpenAI: a data event carrying the recorded error body', async () => {
    server.enqueue('openai', { kind: 'error-event-after-events', events: 2 });
    const { text } = await drain((await send('openai', { stream: true })).body);
    const events = splitSseEvents(text);
    expect(events.slice(0, 2)).toEqual(openAiStream.slice(0, 2));
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[2]?.slice('data: '.length) ?? '')).toEqual(JSON.parse(recordedText('openai/error-500-server-error.json')));
  });

  it("error-event-after-events, Groq: Groq's recorded mid-stream error event", async () => {
    server.enqueue('groq', { kind: 'error-event-after-events', events: 1 });
    const { text } = await drain((await send('groq', { stream: true })).body);
    const recordedError = splitSseEvents(recordedText('groq/chat-stream-error-tool-use-failed.sse')).at(-1);
    expect(splitSseEvents(text)).toEqual([splitSseEvents(recordedText('groq/chat-stream.sse'))[0], recordedError]);
  });
});

describe('oversized answers', () => {
  const megabyte = 1024 * 1024;

  it('oversized on a plain request: the recorded body, then spaces a JSON reader skips, all announced in content-length', async () => {
    server.enqueue('openai', { kind: 'oversized', paddingBytes: megabyte });
    const response = await send('openai', { stream: false });
    const text = await response.body.text();
    const recorded = recordedText('openai/chat-completion.json');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(recorded) + megabyte);
    expect(text).toBe(recorded + ' '.repeat(megabyte));
    expect(JSON.parse(text)).toEqual(JSON.parse(recorded));
  });

  it("oversized with announcedBytes 'none': the same body, chunked, its length announced nowhere", async () => {
    server.enqueue('openai', { kind: 'oversized', paddingBytes: megabyte, announcedBytes: 'none' });
    const response = await send('openai', { stream: false });
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(await response.body.text()).toBe(recordedText('openai/chat-completion.json') + ' '.repeat(megabyte));
  });

  it('oversized announcing more than it sends: the recorded body under that content-length, then held open until the client leaves', async () => {
    const announcedBytes = 5 * 1024 ** 3;
    server.enqueue('openai', { kind: 'oversized', paddingBytes: 0, announcedBytes });
    const controller = new AbortController();
    const response = await send('openai', { stream: false, signal: controller.signal });
    expect(Number(response.headers['content-length'])).toBe(announcedBytes);
    const recorded = Buffer.from(recordedText('openai/chat-completion.json'));
    let received = Buffer.alloc(0);
    for await (const chunk of response.body) {
      received = Buffer.concat([received, chunk as Buffer]);
      if (received.length >= recorded.length) break;
    }
    expect(received.equals(recorded)).toBe(true);
    expect(server.inFlight).toBe(1);
    controller.abort();
    expect(await server.waitForClientAbort({ provider: 'openai' })).toMatchObject({ behavior: 'oversized', outcome: 'client-aborted' });
  });

  it("oversized with padding 'line': one data line grows, its JSON still the recorded one", async () => {
    server.enqueue('openai', { kind: 'oversized', paddingBytes: megabyte, events: 2 });
    const { text } = await drain((await send('openai', { stream: true })).body);
    const events = splitSseEvents(text);
    expect(events).toHaveLength(openAiStream.length);
    expect(events[2]).toBe(openAiStream[2]?.replace(/\n\n$/, `${' '.repeat(megabyte)}\n\n`));
    expect(events.filter((_event, index) => index !== 2)).toEqual(openAiStream.filter((_event, index) => index !== 2));
  });

  it("oversized with padding 'data-lines': one event grows by empty data lines, which join as newlines", async () => {
    server.enqueue('anthropic', { kind: 'oversized', paddingBytes: 60_000, padding: 'data-lines' });
    const { text } = await drain((await send('anthropic', { stream: true })).body);
    const events = splitSseEvents(text);
    const padded = events.findIndex((event, index) => event !== anthropicStream[index]);
    const recorded = anthropicStream[padded] ?? '';
    expect(recorded.startsWith('event: message_start\n')).toBe(true);
    expect(events[padded]).toBe(recorded.replace(/\n\n$/, `${'\ndata:'.repeat(10_000)}\n\n`));
    expect(events).toHaveLength(anthropicStream.length);
  });

  it('oversized with an error recording: its status and headers, its body padded', async () => {
    server.enqueue('openai', { kind: 'oversized', paddingBytes: megabyte, errorFixture: 'error-429-insufficient-quota' });
    const response = await send('openai', { stream: true });
    expect(response.statusCode).toBe(429);
    const text = await response.body.text();
    expect(text).toBe(recordedText('openai/error-429-insufficient-quota.json') + ' '.repeat(megabyte));
  });

  it("oversized with a replay: a status behaviour's answer padded (a recording kept outside the fixtures)", async () => {
    const body = recordedText('openai/error-429-rate-limit-rpm.json');
    server.enqueue('openai', { kind: 'oversized', paddingBytes: 1000, replay: { status: 429, body, contentType: 'application/json' } });
    const response = await send('openai', { stream: false });
    expect(response.statusCode).toBe(429);
    expect(response.headers['content-type']).toBe('application/json');
    expect(await response.body.text()).toBe(body + ' '.repeat(1000));
  });

  it('oversized stops writing when the client goes away, and the log says the client left', async () => {
    server.enqueue('groq', { kind: 'oversized', paddingBytes: 1024 * megabyte });
    const controller = new AbortController();
    const response = await send('groq', { stream: false, signal: controller.signal });
    for await (const _chunk of response.body) break;
    controller.abort();
    const aborted = await server.waitForClientAbort({ provider: 'groq' });
    expect(aborted).toMatchObject({ behavior: 'oversized', outcome: 'client-aborted', status: 200 });
    expect(server.inFlight).toBe(0);
  });
});

describe('error answers', () => {
  it('error: the recorded body and status, the recorded headers, and extra headers', async () => {
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-429-rate-limit', headers: { 'retry-after': '2' } });
    const response = await send('anthropic', { stream: false });
    expect(response.statusCode).toBe(429);
    expect(await response.body.text()).toBe(recordedText('anthropic/error-429-rate-limit.json'));
    expect(response.headers['retry-after']).toBe('2');
    expect(response.headers['anthropic-ratelimit-input-tokens-remaining']).toBe('0');
    expect(response.headers['x-should-retry']).toBe('true');
  });

  it('error: a status taken from the recorded status line without a reason phrase (529)', async () => {
    server.enqueue('anthropic', { kind: 'error', fixture: 'error-529-overloaded' });
    const response = await send('anthropic', { stream: true });
    expect(response.statusCode).toBe(529);
    expect(await response.body.text()).toBe(recordedText('anthropic/error-529-overloaded.json'));
  });

  it("error: another recording's headers (Groq's documented rate-limit headers) with a body that has none", async () => {
    server.enqueue('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headersFixture: 'ratelimit.docs' });
    const response = await send('groq', { stream: false });
    expect(response.statusCode).toBe(429);
    expect(await response.body.text()).toBe(recordedText('groq/error-429-rate-limit-tpm.json'));
    expect(response.headers['retry-after']).toBe('2');
    expect(response.headers['x-ratelimit-reset-tokens']).toBe('7.66s');
  });

  it('status: an HTML page from a proxy', async () => {
    server.enqueue('openai', { kind: 'status', status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html' });
    const response = await send('openai', { stream: true });
    expect(response.statusCode).toBe(502);
    expect(response.headers['content-type']).toBe('text/html');
    expect(await response.body.text()).toBe('<html><body>Bad gateway</body></html>');
  });
});

describe('client aborts and closing', () => {
  it('logs a request the client abandoned mid-stream as client-aborted and stops sending', async () => {
    server.enqueue('openai', { kind: 'success', chunkDelayMs: 30 });
    const controller = new AbortController();
    const response = await send('openai', { stream: true, signal: controller.signal });
    for await (const chunk of response.body) {
      expect((chunk as Buffer).toString('utf8')).toBe(openAiStream[0]);
      break;
    }
    controller.abort();
    const aborted = await server.waitForClientAbort();
    expect(aborted).toMatchObject({ provider: 'openai', outcome: 'client-aborted', status: 200 });
    expect(aborted.endedAtMs).toBeGreaterThanOrEqual(aborted.startedAtMs);
    expect(server.inFlight).toBe(0);
  });

  it('close() ends stalled requests, destroys every socket and leaves no timer or handle behind', async () => {
    const watched = ['TCPServerWrap', 'TCPSocketWrap', 'Timeout'];
    const count = (): Record<string, number> =>
      Object.fromEntries(watched.map((name) => [name, process.getActiveResourcesInfo().filter((resource) => resource === name).length]));
    const before = count();
    const closingAgent = new Agent();
    // The system clock unrefs its timers, which hides them from getActiveResourcesInfo: count them here.
    const pendingTimers = new Set<TimerHandle>();
    const countingClock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (callback, delayMs) => {
        const handle = systemClock.setTimeout(() => {
          pendingTimers.delete(handle);
          callback();
        }, delayMs);
        pendingTimers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        pendingTimers.delete(handle);
        systemClock.clearTimeout(handle);
      },
    };
    const local = await startProviderTestServer({ clock: countingClock });
    const post = (providerId: string, path: string, headers: Record<string, string>) =>
      request(`${local.baseUrlFor(providerId)}${path}`, { dispatcher: closingAgent, method: 'POST', headers, body: '{"stream":true}' });
    local.enqueue('openai', { kind: 'stall-before-headers' });
    local.enqueue('anthropic', { kind: 'pings-only', intervalMs: 60_000 });
    local.enqueue('groq', { kind: 'success', latencyMs: 60_000 });
    local.enqueue('together', { kind: 'stall-after-events', events: 2 });
    const stalled = [
      post('openai', '/chat/completions', { authorization: 'Bearer k' }).then((response) => drain(response.body)),
      post('anthropic', '/v1/messages', { 'x-api-key': 'k' }).then((response) => drain(response.body)),
      post('groq', '/chat/completions', { authorization: 'Bearer k' }).then((response) => drain(response.body)),
      post('together', '/chat/completions', { authorization: 'Bearer k' }).then((response) => drain(response.body)),
    ].map((pending) => pending.catch((error: unknown) => ({ text: '', error })));
    await local.waitForRequests(4);
    expect(local.inFlight).toBe(4);
    await local.waitFor((requests) => requests.every((seen) => seen.status !== undefined || seen.behavior !== 'pings-only'));
    expect(pendingTimers.size).toBeGreaterThanOrEqual(2);
    const waitingForever = local.waitFor(() => false, { timeoutMs: 60_000 });
    await local.close();
    await expect(waitingForever).rejects.toThrow(/closed/);
    const outcomes = await Promise.all(stalled);
    expect(outcomes.every((outcome) => outcome.error !== undefined)).toBe(true);
    expect(local.requests.map((seen) => seen.outcome)).toEqual(['fault', 'fault', 'fault', 'fault']);
    expect(local.inFlight).toBe(0);
    expect(pendingTimers.size).toBe(0);
    await closingAgent.close();
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing more than before the server started (other suites' timers may have ended meanwhile).
    const after = count();
    for (const name of watched) expect(after[name], name).toBeLessThanOrEqual(before[name] ?? 0);
  });

  it('close() twice resolves twice', async () => {
    const local = await startProviderTestServer();
    await Promise.all([local.close(), local.close()]);
    await expect(local.close()).resolves.toBeUndefined();
  });
});
