import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errors as undiciErrors } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelScope, cancellationOf } from '../cancellation.js';
import { ProviderError } from '../errors.js';
import { HttpClient } from './http-client.js';
import { mapTransportError } from './map-transport-error.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A local server whose handler each test sets, and which records its connections. */
class LocalServer {
  handler: Handler = (_request, response) => response.end();
  readonly sockets: Socket[] = [];
  readonly closedSockets: Socket[] = [];
  readonly #server: Server;

  constructor() {
    this.#server = createServer((request, response) => this.handler(request, response));
    this.#server.on('connection', (socket: Socket) => {
      this.sockets.push(socket);
      socket.on('close', () => this.closedSockets.push(socket));
    });
  }

  async start(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** Resolves when `count` sockets have closed on the server side. */
async function socketsClosed(server: LocalServer, count: number): Promise<void> {
  while (server.closedSockets.length < count) await new Promise((resolve) => setImmediate(resolve));
}

const request = (url: string) => ({ method: 'GET' as const, url, headers: {} });

describe('HttpClient', () => {
  let server: LocalServer;
  let baseUrl: string;
  let client: HttpClient;

  beforeEach(async () => {
    server = new LocalServer();
    baseUrl = await server.start();
    client = new HttpClient();
  });

  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  it('reuses keep-alive connections for requests in a row', async () => {
    server.handler = (_request, response) => response.end('x');
    // Undici may open a second connection while the first finishes its response; never one per request.
    for (let index = 0; index < 6; index++) {
      const response = await client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      expect(response.text()).toBe('x');
    }
    expect(server.sockets.length).toBeLessThanOrEqual(2);
  });

  it('gives a network ProviderError for a refused connection, naming the provider and not the URL', async () => {
    const closed = new LocalServer();
    const closedUrl = await closed.start();
    await closed.stop();
    for (const send of [client.request.bind(client), client.stream.bind(client)]) {
      const error = await send(request(`${closedUrl}/v1/secret-path`), { providerId: 'groq', cancellation: new CancelScope() }).catch(
        (caught: unknown) => caught,
      );
      expect(ProviderError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ provider: 'groq', reason: 'network' });
      expect((error as Error).message).toMatch(/^groq: connection refused \(ECONNREFUSED\)$/);
    }
  });

  it('leaves no socket open after close()', async () => {
    server.handler = (_request, response) => response.end('x');
    const response = await client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
    expect(response.text()).toBe('x');
    await client.close();
    await socketsClosed(server, 1);
    const sockets = process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap');
    expect(sockets).toEqual([]);
  });

  describe('request(): the whole body at once', () => {
    it('sends the request and gives status, lower-case headers and a body that arrived in pieces', async () => {
      let received = '';
      server.handler = async (incoming, response) => {
        for await (const chunk of incoming) received += String(chunk);
        response.writeHead(200, [
          ['X-Request-Id', 'req_2'],
          ['X-Multi', 'one'],
          ['X-Multi', 'two'],
          ['X-Multi', 'three'],
          // Names an object holds already: headers like any other, not what the object inherits.
          ['Constructor', 'built'],
          ['__proto__', 'polluted?'],
          ['X-Odd-CASE', 'caf\u00e9'],
        ]);
        // A multi-byte character cut between two writes must come out whole.
        const body = Buffer.from('{"text":"caf\u00e9 ☕"}');
        response.write(body.subarray(0, 15));
        setImmediate(() => response.end(body.subarray(15)));
      };
      const response = await client.request(
        { method: 'POST', url: `${baseUrl}/v1/chat`, headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
        { providerId: 'local', cancellation: new CancelScope() },
      );
      expect(response.statusCode).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('req_2');
      expect(response.headers.get('x-multi')).toBe('one, two, three');
      expect(response.headers.get('constructor')).toBe('built');
      expect(response.headers.get('__proto__')).toBe('polluted?');
      // Any case asks for the same header; one not sent is undefined, whatever an object would inherit.
      expect(response.headers.get('X-REQUEST-ID')).toBe('req_2');
      expect(response.headers.get('toString')).toBeUndefined();
      // A header value is latin1 text, as undici reads it.
      expect(response.headers.get('x-odd-case')).toBe('caf\u00e9');
      expect(response.json()).toEqual({ text: 'café ☕' });
      expect(received).toBe('{"a":1}');
    });

    it('rethrows the cancellation reason untouched and closes the socket when cancelled before the headers', async () => {
      server.handler = () => undefined;
      const scope = new CancelScope();
      const reason = new Error('caller gave up');
      const sending = client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: scope });
      while (server.sockets.length === 0) await new Promise((resolve) => setImmediate(resolve));
      scope.abort(reason);
      await expect(sending).rejects.toBe(reason);
      await socketsClosed(server, 1);
    });

    it('rejects at once when cancelled while waiting for a connection, and never sends it', async () => {
      const limited = new HttpClient({ connectionsPerOrigin: 1 });
      const paths: string[] = [];
      let finishFirst: () => void = () => undefined;
      server.handler = (incoming, response) => {
        paths.push(incoming.url ?? '');
        if (incoming.url === '/first') finishFirst = () => response.end('first');
        else response.end('later');
      };
      try {
        const first = limited.request(request(`${baseUrl}/first`), { providerId: 'local', cancellation: new CancelScope() });
        while (paths.length === 0) await new Promise((resolve) => setImmediate(resolve));
        const scope = new CancelScope();
        const queued = limited.request(request(`${baseUrl}/queued`), { providerId: 'local', cancellation: scope });
        scope.abort('no longer needed');
        await expect(queued).rejects.toBe('no longer needed');
        finishFirst();
        expect((await first).text()).toBe('first');
        const after = await limited.request(request(`${baseUrl}/after`), { providerId: 'local', cancellation: new CancelScope() });
        expect(after.statusCode).toBe(200);
        expect(paths).toEqual(['/first', '/after']);
      } finally {
        await limited.close();
      }
    });

    it('tells its sent listener once the request is written, and not of one cancelled before it had a connection, or refused', async () => {
      // What a provider bills a request cancelled afterwards by: one that never left is free.
      const limited = new HttpClient({ connectionsPerOrigin: 1 });
      const sent: string[] = [];
      const listenerFor = (name: string) => ({ onRequestSent: () => sent.push(name) });
      let received = 0;
      server.handler = () => {
        received += 1;
      };
      try {
        const firstScope = new CancelScope();
        const first = limited.request(request(`${baseUrl}/first`), { providerId: 'local', cancellation: firstScope, sentListener: listenerFor('first') });
        while (received === 0) await new Promise((resolve) => setImmediate(resolve));
        expect(sent).toEqual(['first']);
        const queuedScope = new CancelScope();
        const queued = limited.request(request(`${baseUrl}/queued`), { providerId: 'local', cancellation: queuedScope, sentListener: listenerFor('queued') });
        queuedScope.abort('no longer needed');
        await expect(queued).rejects.toBe('no longer needed');
        firstScope.abort('lost the race');
        await expect(first).rejects.toBe('lost the race');

        const closed = new LocalServer();
        const closedUrl = await closed.start();
        await closed.stop();
        for (const send of [limited.request.bind(limited), limited.stream.bind(limited)]) {
          const refused = await send(request(`${closedUrl}/`), { providerId: 'local', cancellation: new CancelScope(), sentListener: listenerFor('refused') }).catch(
            (caught: unknown) => caught,
          );
          expect(refused).toMatchObject({ reason: 'network' });
        }
        const streamScope = new CancelScope();
        const streaming = limited.stream(request(`${baseUrl}/stream`), { providerId: 'local', cancellation: streamScope, sentListener: listenerFor('stream') });
        while (received < 2) await new Promise((resolve) => setImmediate(resolve));
        streamScope.abort('lost the race');
        await expect(streaming).rejects.toBe('lost the race');
        expect(sent).toEqual(['first', 'stream']);
      } finally {
        await limited.close();
      }
    });

    it('does not connect when already cancelled', async () => {
      const scope = new CancelScope();
      scope.abort('already');
      await expect(client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: scope })).rejects.toBe('already');
      expect(server.sockets).toHaveLength(0);
    });

    it('follows a caller AbortSignal through cancellationOf', async () => {
      server.handler = () => undefined;
      const controller = new AbortController();
      const sending = client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: cancellationOf(controller.signal) });
      while (server.sockets.length === 0) await new Promise((resolve) => setImmediate(resolve));
      controller.abort('from the caller');
      await expect(sending).rejects.toBe('from the caller');
    });

    it('gives a network ProviderError when the server resets the connection mid-body', async () => {
      server.handler = (_request, response) => {
        response.writeHead(200, { 'content-length': '100' });
        response.write('short');
        setImmediate(() => response.socket?.destroy());
      };
      await expect(
        client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() }),
      ).rejects.toMatchObject({ provider: 'local', reason: 'network' });
    });

    it('gives a timeout ProviderError when the headers do not come in time, or the body goes silent', async () => {
      server.handler = () => undefined;
      await expect(
        client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope(), headersTimeoutMs: 50 }),
      ).rejects.toMatchObject({ reason: 'timeout', message: 'local: no response headers within 50 ms (UND_ERR_HEADERS_TIMEOUT)' });
      server.handler = (_request, response) => response.write('then nothing');
      await expect(
        client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope(), idleTimeoutMs: 50 }),
      ).rejects.toMatchObject({ reason: 'timeout' });
    });

    it('gives a server_error when a body that should be JSON is not', async () => {
      server.handler = (_request, response) => response.end('<html>bad gateway</html>');
      const response = await client.request(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      expect(response.text()).toBe('<html>bad gateway</html>');
      expect(() => response.json()).toThrow(expect.objectContaining({ reason: 'server_error', statusCode: 200 }) as Error);
    });
  });

  describe('requestAndRead(): the whole body, read as it ends', () => {
    it('resolves with what the reader makes of the response, and rejects with what it throws', async () => {
      server.handler = (_request, response) => {
        response.statusCode = 503;
        response.end('{"error":"overloaded"}');
      };
      const read = (response: { statusCode: number; json(): unknown }) => {
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
        return response.json();
      };
      const options = { providerId: 'local', cancellation: new CancelScope() };
      await expect(client.requestAndRead(request(`${baseUrl}/`), options, read)).rejects.toThrow('status 503');
      server.handler = (_request, response) => response.end('{"answer":42}');
      await expect(client.requestAndRead(request(`${baseUrl}/`), options, read)).resolves.toEqual({ answer: 42 });
    });

    it('holds an answer to its size limit without reading it, and gives the reader an error body cut to its prefix', async () => {
      const limit = { bytes: 1_000, setting: 'maxProviderResponseBytes' };
      const seen: number[] = [];
      const read = (response: { statusCode: number; text(): string }) => {
        seen.push(response.text().length);
        return response.statusCode;
      };
      server.handler = (_request, response) => response.end('x'.repeat(5_000));
      const tooLarge = await client
        .requestAndRead(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope(), responseSizeLimit: limit }, read)
        .catch((caught: unknown) => caught);
      expect(tooLarge).toMatchObject({ reason: 'server_error', provider: 'local' });
      expect(seen).toEqual([]);
      server.handler = (_request, response) => {
        response.statusCode = 500;
        response.end('e'.repeat(200_000));
      };
      const status = await client.requestAndRead(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() }, read);
      expect(status).toBe(500);
      expect(seen).toEqual([64 * 1024]);
    });

    it('rethrows the cancellation reason untouched, and never reads', async () => {
      const cancellation = new CancelScope();
      const reason = new Error('caller left');
      cancellation.abort(reason);
      let reads = 0;
      const outcome = client.requestAndRead(request(`${baseUrl}/`), { providerId: 'local', cancellation }, () => (reads += 1));
      await expect(outcome).rejects.toBe(reason);
      expect(reads).toBe(0);
    });
  });

  describe('stream(): the body as it arrives', () => {
    it('resolves at the headers and gives each piece of the body as it arrives', async () => {
      let writeMore: () => void = () => undefined;
      server.handler = (_request, response) => {
        response.writeHead(200, [
          ['Content-Type', 'text/event-stream'],
          ['X-Request-Id', 'req_3'],
        ]);
        response.write('first');
        writeMore = () => response.end('second');
      };
      const response = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      expect(response.statusCode).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('req_3');
      const pieces: string[] = [];
      for await (const chunk of response.body) {
        pieces.push(Buffer.from(chunk).toString());
        if (pieces.length === 1) writeMore();
      }
      expect(pieces).toEqual(['first', 'second']);
    });

    it('delivers a body far larger than its buffer whole to a slow reader', async () => {
      const body = Buffer.alloc(1024 * 1024, 'abcdefgh');
      server.handler = (_request, response) => response.end(body);
      const response = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) {
        chunks.push(Buffer.from(chunk));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
    });

    it('stops taking bytes from the server while the reader is behind', async () => {
      const piece = Buffer.alloc(1024 * 1024, 'x');
      const totalPieces = 64;
      let piecesWritten = 0;
      server.handler = (_request, response) => {
        response.writeHead(200, { 'content-length': String(piece.length * totalPieces) });
        const writeMore = (): void => {
          while (piecesWritten < totalPieces) {
            piecesWritten += 1;
            if (!response.write(piece)) {
              response.once('drain', writeMore);
              return;
            }
          }
          response.end();
        };
        writeMore();
      };
      const response = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      const iterator = response.body[Symbol.asyncIterator]();
      await iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // Socket buffers hold a few megabytes; without backpressure all 64 would be taken into memory.
      expect(piecesWritten).toBeLessThan(totalPieces / 2);
      let received = 0;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) received += next.value.length;
      expect(piecesWritten).toBe(totalPieces);
      expect(received).toBeGreaterThan(piece.length * (totalPieces - 2));
    });

    it('cancels the request and frees its socket when the reader stops early', async () => {
      server.handler = (_request, response) => response.write('endless');
      const response = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      for await (const chunk of response.body) if (chunk.length > 0) break;
      await socketsClosed(server, 1);
    });

    it('rethrows the cancellation reason untouched, before the headers and mid-body', async () => {
      server.handler = () => undefined;
      const early = new CancelScope();
      const opening = client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: early });
      while (server.sockets.length === 0) await new Promise((resolve) => setImmediate(resolve));
      early.abort('gave up waiting');
      await expect(opening).rejects.toBe('gave up waiting');

      server.handler = (_request, response) => response.write('partial');
      const late = new CancelScope();
      const response = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: late });
      const reading = (async () => {
        for await (const chunk of response.body) if (chunk.length > 0) late.abort('stop reading');
      })();
      await expect(reading).rejects.toBe('stop reading');
      await socketsClosed(server, 2);
    });

    it('gives a network ProviderError when the server resets mid-body, and a timeout when the body goes silent', async () => {
      server.handler = (_request, response) => {
        response.writeHead(200, { 'content-length': '100' });
        response.write('short');
        setImmediate(() => response.socket?.destroy());
      };
      const reset = await client.stream(request(`${baseUrl}/`), { providerId: 'local', cancellation: new CancelScope() });
      await expect(reset.text()).rejects.toMatchObject({ provider: 'local', reason: 'network' });

      server.handler = (_request, response) => response.write('then nothing');
      const silent = await client.stream(request(`${baseUrl}/`), {
        providerId: 'local',
        cancellation: new CancelScope(),
        idleTimeoutMs: 50,
      });
      await expect(silent.text()).rejects.toMatchObject({ reason: 'timeout' });
    });
  });
});

describe('mapTransportError', () => {
  it('maps undici timeouts to timeout and socket failures to network', () => {
    const options = { providerId: 'openai', connectTimeoutMs: 10_000 };
    expect(mapTransportError(new undiciErrors.ConnectTimeoutError(), options)).toMatchObject({
      reason: 'timeout',
      message: 'openai: connecting timed out after 10000 ms (UND_ERR_CONNECT_TIMEOUT)',
    });
    expect(mapTransportError(new undiciErrors.BodyTimeoutError(), options).reason).toBe('timeout');
    expect(mapTransportError(new undiciErrors.SocketError('other side closed'), options).reason).toBe('network');
    const dnsError = Object.assign(new Error('getaddrinfo ENOTFOUND api.groq.com'), { code: 'ENOTFOUND' });
    expect(mapTransportError(dnsError, options).message).toBe('openai: host not found (DNS) (ENOTFOUND)');
    const refused = new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]);
    expect(mapTransportError(refused, options).message).toBe('openai: connection refused (ECONNREFUSED)');
    expect(mapTransportError(new TypeError('boom'), options)).toMatchObject({
      reason: 'network',
      message: 'openai: the request failed: TypeError',
    });
  });
});
