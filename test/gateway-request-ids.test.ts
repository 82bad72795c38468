/**
 * Every answer of the gateway that names itself carries its id in `x-request-id` (and Anthropic's `request-id` on
 * the Messages API), whichever way it is written: a whole answer, a stream, a refusal before any handler, the
 * server's last-resort answer to a handler that threw; and a key's `x-ratelimit-*` headers ride every answer after
 * its admission, an error or a stream included. The errors of a model call are in gateway-errors.test.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAIEmbeddingsReplay } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const limitedKey = 'limited-key-0123456789';
const adminKey = 'admin-key-0123456789';
const yamlText = `
keys:
  - name: limited
    key: ${limitedKey}
    limits: { requestsPerMinute: 1000 }
  - name: ops
    key: ${adminKey}
    admin: true
cache:
  enabled: false
`;

const question = [{ role: 'user' as const, content: 'Which id does this answer carry?' }];

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText });
  // Handlers that fail, for the server's last-resort answer: one before naming its answer, one after.
  harness.gateway.registerRoute({
    method: 'GET',
    path: '/throws',
    handle: () => {
      throw new Error('a handler that fails');
    },
  });
  harness.gateway.registerRoute({
    method: 'GET',
    path: '/throws-named',
    handle: (_request, _response, context) => {
      context.answer.name('req_named0123456789');
      throw new Error('a handler that fails after naming its answer');
    },
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${limitedKey}`, ...headers },
    body: JSON.stringify(body),
  });

/** The `id` of a stream's first event that has one. */
function firstEventId(text: string): unknown {
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const event = JSON.parse(line.slice('data: '.length)) as { id?: unknown; message?: { id?: unknown } };
    const id = event.id ?? event.message?.id;
    if (id !== undefined) return id;
  }
  return undefined;
}

describe('the answers of a model call', () => {
  it('a whole answer and a stream carry the answer id, with the key its rate-limit headers', async () => {
    const whole = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-request-id')).toBe(((await whole.json()) as { id: string }).id);
    expect(whole.headers.get('x-ratelimit-limit-requests')).toBe('1000');

    const stream = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question, stream: true });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('x-request-id')).toMatch(/^chatcmpl-/);
    expect(firstEventId(await stream.text())).toBe(stream.headers.get('x-request-id'));
    expect(stream.headers.get('x-ratelimit-limit-requests')).toBe('1000');
  });

  it("a Messages stream carries it in request-id too, which Anthropic's clients read", async () => {
    const stream = await post('/v1/messages', { model: 'openai/gpt-4o-mini', max_tokens: 50, messages: question, stream: true });
    expect(stream.status).toBe(200);
    const id = stream.headers.get('request-id');
    expect(id).toMatch(/^msg_/);
    expect(stream.headers.get('x-request-id')).toBe(id);
    expect(firstEventId(await stream.text())).toBe(id);
  });

  it("an upstream error after the key's admission carries the call's id and the key's rate-limit headers", async () => {
    harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
    const failed = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.headers.get('x-request-id')).toMatch(/^chatcmpl-/);
    expect(harness.logLines.map((line) => line.id)).toContain(failed.headers.get('x-request-id'));
    expect(failed.headers.get('x-ratelimit-limit-requests')).toBe('1000');
    expect(failed.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
  });
});

describe('refusals before any handler', () => {
  it('a 404, a 405 and a 403 each carry an id of their own; on the Messages API its request-id too', async () => {
    const unknown = await fetch(`${harness.url}/v1/nowhere`, { headers: { authorization: `Bearer ${limitedKey}` } });
    const wrongMethod = await fetch(`${harness.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${limitedKey}` } });
    const notAdmin = await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${limitedKey}` } });
    const batches = await fetch(`${harness.url}/v1/messages/batches`, { headers: { 'x-api-key': limitedKey } });
    const ids = new Set<string | null>();
    for (const [answer, status] of [
      [unknown, 404],
      [wrongMethod, 405],
      [notAdmin, 403],
      [batches, 404],
    ] as const) {
      expect(answer.status).toBe(status);
      expect(answer.headers.get('x-request-id')).toMatch(/^req_/);
      expect(answer.headers.get('content-type')).toBe('application/json');
      ids.add(answer.headers.get('x-request-id'));
    }
    expect(ids.size).toBe(4);
    expect(batches.headers.get('request-id')).toBe(batches.headers.get('x-request-id'));
    expect(unknown.headers.get('request-id')).toBeNull();
    expect(await batches.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it("a keyless gateway's refusal of a body that is not JSON carries one", async () => {
    const keyless = await startGatewayHarness({ keys: [], providerIds: ['openai'] });
    try {
      const refused = await fetch(`${keyless.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
      expect(refused.status).toBe(415);
      expect(refused.headers.get('x-request-id')).toMatch(/^req_/);
    } finally {
      await keyless.close();
    }
  });
});

describe("the server's last-resort answer", () => {
  it('a handler that throws gets a 500 with an id, the same id as the error line logged', async () => {
    const failed = await fetch(`${harness.url}/throws`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(failed.status).toBe(500);
    const id = failed.headers.get('x-request-id');
    expect(id).toMatch(/^req_/);
    expect(await failed.json()).toMatchObject({ error: { type: expect.any(String) } });
    expect(harness.logLines.find((line) => line.msg === 'gateway handler failed')).toMatchObject({ requestId: id, errorName: 'Error' });
  });

  it('a handler that named its answer before it threw gets the 500 under that id', async () => {
    const failed = await fetch(`${harness.url}/throws-named`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-request-id')).toBe('req_named0123456789');
    expect(harness.logLines.filter((line) => line.msg === 'gateway handler failed').map((line) => line.requestId)).toContain('req_named0123456789');
  });
});

describe("the answers' headers", () => {
  it("are written in one writeHead, none set on the response before it (Node's slow path): a whole answer, streams, errors, a refusal, the last resort", async () => {
    // Node keeps what setHeader set on the response (getHeaderNames); headers handed to writeHead alone it writes, and keeps none.
    const setBeforeWriteHead: string[][] = [];
    const watch = (_request: IncomingMessage, response: ServerResponse): void => {
      response.on('finish', () => setBeforeWriteHead.push(response.getHeaderNames()));
    };
    harness.gateway.server.on('request', watch);
    try {
      harness.providers.setBehavior('openai', { kind: 'error', fixture: 'error-503-model-overloaded' });
      const failed = await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question });
      harness.providers.reset();
      const embedded = async (): Promise<Response> => {
        harness.providers.setBehavior('openai', openAIEmbeddingsReplay());
        const answer = await post('/v1/embeddings', { model: 'openai/text-embedding-3-small', input: 'One writeHead.', dimensions: 128 });
        harness.providers.reset();
        return answer;
      };
      const answers = [
        failed,
        await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question }),
        await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: question, stream: true }),
        await post('/v1/messages', { model: 'openai/gpt-4o-mini', max_tokens: 50, messages: question, stream: true }),
        await embedded(),
        await post('/v1/chat/completions', { model: 'openai/gpt-4o-mini', messages: [] }),
        await fetch(`${harness.url}/v1/nowhere`, { headers: { authorization: `Bearer ${limitedKey}` } }),
        await fetch(`${harness.url}/throws`, { headers: { authorization: `Bearer ${adminKey}` } }),
      ];
      for (const answer of answers) await answer.text();
      expect(answers.map((answer) => answer.status)).toEqual([503, 200, 200, 200, 200, 400, 404, 500]);
      expect(answers.every((answer) => answer.headers.get('x-request-id') !== null)).toBe(true);
      await expect.poll(() => setBeforeWriteHead.length).toBe(answers.length);
      expect(setBeforeWriteHead).toEqual(answers.map(() => []));
    } finally {
      harness.gateway.server.off('request', watch);
    }
  });
});
