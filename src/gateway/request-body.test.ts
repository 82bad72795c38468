import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { GatewayHttpError } from './gateway-http-error.js';
import { BodyBudget, parseJsonBody, readRequestBody } from './request-body.js';

/**
 * Send raw request bytes to a real node:http server, in parts with a pause between them, and return what `read`
 * made of the request.
 */
async function throughServer<T>(parts: readonly string[], read: (request: IncomingMessage) => Promise<T>): Promise<T> {
  const server = createServer();
  const outcome = new Promise<T>((resolve, reject) => {
    server.once('request', (request: IncomingMessage, response) => {
      read(request).then(resolve, reject);
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  for (const part of parts) {
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    return await outcome;
  } finally {
    socket.destroy();
    server.close();
  }
}

/** What `readRequestBody` made of the request, its bytes as they came: the body, or the GatewayHttpError it refused it with. */
function readThroughServer(
  parts: readonly string[],
  maxBytes: number,
  budget: BodyBudget = new BodyBudget(1024 * 1024),
  holder?: string,
): Promise<Buffer | GatewayHttpError> {
  return throughServer(parts, (request) =>
    readRequestBody(request, { maxBytes, budget, holder, held: { bytes: 0 }, decode: (bytes) => bytes }).catch((error: unknown) => {
      if (error instanceof GatewayHttpError) return error;
      throw error;
    }),
  );
}

/** What `readRequestBody` made of the request with `decode`, settled either way, and the bytes it said it held. */
async function readDecodedThroughServer(
  parts: readonly string[],
  decode: (bytes: Buffer) => unknown,
): Promise<{ readonly outcome: unknown; readonly heldBytes: number }> {
  const held = { bytes: 0 };
  const outcome = await throughServer(parts, (request) =>
    readRequestBody(request, { maxBytes: 1_000, budget: new BodyBudget(1_000), held, decode }).catch((error: unknown) => error),
  );
  return { outcome, heldBytes: held.bytes };
}

const head = (headers: string): string => `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;

describe('readRequestBody', () => {
  it('reads a body that arrived with its headers, and one that arrives after them, byte for byte', async () => {
    const body = '{"text":"héllo ✓"}';
    const length = Buffer.byteLength(body);
    const together = await readThroughServer([`${head(`Content-Length: ${length}\r\n`)}${body}`], 1_000);
    const apart = await readThroughServer([head(`Content-Length: ${length}\r\n`), body.slice(0, 5), body.slice(5)], 1_000);
    expect((together as Buffer).toString('utf8')).toBe(body);
    expect((apart as Buffer).toString('utf8')).toBe(body);
  });

  it('takes the body from the budget, gives back what a refused one took, and refuses with a 503 past it', async () => {
    const budget = new BodyBudget(40);
    const body = '{"text":"twenty bytes"}';
    const read = await readThroughServer([`${head(`Content-Length: ${body.length}\r\n`)}${body}`], 1_000, budget);
    expect((read as Buffer).toString('utf8')).toBe(body);
    // Held until the caller gives it back, when its call ends.
    expect(budget.heldBytes).toBe(body.length);
    const chunk = `10\r\n${'x'.repeat(16)}\r\n`;
    const refused = await readThroughServer([head('Transfer-Encoding: chunked\r\n'), chunk, chunk, '0\r\n\r\n'], 1_000, budget);
    expect(refused).toMatchObject({ status: 503, code: 'gateway_busy', retryAfterMs: 1000 });
    expect(budget.heldBytes).toBe(body.length);
    budget.give(body.length);
    expect(budget.heldBytes).toBe(0);
  });

  it("keeps each holder within its share: one past it gets a 429, another holder is still served", async () => {
    const budget = new BodyBudget(100, { holderLimitBytes: 50 });
    const body = '{"text":"twenty bytes"}';
    const request = `${head(`Content-Length: ${body.length}\r\n`)}${body}`;
    expect(Buffer.isBuffer(await readThroughServer([request], 1_000, budget, 'key-a'))).toBe(true);
    expect(Buffer.isBuffer(await readThroughServer([request], 1_000, budget, 'key-a'))).toBe(true);
    const refused = await readThroughServer([request], 1_000, budget, 'key-a');
    expect(refused).toMatchObject({ status: 429, code: 'too_many_bodies_in_flight', retryAfterMs: 1000 });
    expect(budget.heldBytesOf('key-a')).toBe(2 * body.length);
    expect(Buffer.isBuffer(await readThroughServer([request], 1_000, budget, 'key-b'))).toBe(true);
    budget.give(body.length, 'key-a');
    expect(Buffer.isBuffer(await readThroughServer([request], 1_000, budget, 'key-a'))).toBe(true);
    // Without a holder (a gateway without keys) only the whole budget applies.
    expect(Buffer.isBuffer(await readThroughServer([request], 1_000, budget))).toBe(true);
    expect(budget.heldBytes).toBe(4 * body.length);
  });

  it('hands the whole body to its decoder as it ends: the decoded value, or what the decoder throws, with the bytes held told either way', async () => {
    const body = '{"model":"openai/gpt-4o-mini"}';
    const parts = [`${head(`Content-Length: ${body.length}\r\n`)}${body.slice(0, 9)}`, body.slice(9)];
    const decoded = await readDecodedThroughServer(parts, (bytes) => parseJsonBody(bytes, { maxDepth: 64 }));
    expect(decoded).toEqual({ outcome: { model: 'openai/gpt-4o-mini' }, heldBytes: body.length });
    const refused = await readDecodedThroughServer(parts, () => {
      throw new GatewayHttpError({ status: 400, message: 'refused by the decoder' });
    });
    expect(refused.outcome).toMatchObject({ status: 400, message: 'refused by the decoder' });
    expect(refused.heldBytes).toBe(body.length);
  });

  it('refuses a chunked body over the limit with a 413, whether it arrived at once or in parts', async () => {
    const chunked = `${head('Transfer-Encoding: chunked\r\n')}10\r\n${'x'.repeat(16)}\r\n10\r\n${'y'.repeat(16)}\r\n0\r\n\r\n`;
    const atOnce = await readThroughServer([chunked], 20);
    const inParts = await readThroughServer([head('Transfer-Encoding: chunked\r\n'), `10\r\n${'x'.repeat(16)}\r\n`, `10\r\n${'y'.repeat(16)}\r\n0\r\n\r\n`], 20);
    for (const outcome of [atOnce, inParts]) {
      expect(outcome).toBeInstanceOf(GatewayHttpError);
      expect((outcome as GatewayHttpError).status).toBe(413);
    }
  });
});

function parseError(bytes: Buffer): GatewayHttpError {
  try {
    parseJsonBody(bytes, { maxDepth: 64 });
  } catch (error) {
    if (error instanceof GatewayHttpError) return error;
    throw error;
  }
  throw new Error('expected a GatewayHttpError');
}

describe('parseJsonBody', () => {
  it('parses a UTF-8 JSON body once', () => {
    expect(parseJsonBody(Buffer.from('{"model":"tier-1","text":"héllo ✓"}'), { maxDepth: 64 })).toEqual({ model: 'tier-1', text: 'héllo ✓' });
  });

  it('refuses each hostile body with a 400 and a code', () => {
    expect(parseError(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toMatchObject({ status: 400, code: 'invalid_encoding' });
    expect(parseError(Buffer.from('not json'))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(parseError(Buffer.alloc(0))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(parseError(Buffer.from('['.repeat(10_000)))).toMatchObject({ status: 400, code: 'json_too_deep' });
    expect(parseError(Buffer.from('{"__proto__":{"admin":true}}'))).toMatchObject({ status: 400, code: 'forbidden_key' });
  });
});
