import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { GatheredWrites } from './gathered-writes.js';

/**
 * Answer one request with `respond` on a real node:http server and return the HTTP chunks of its chunked body
 * as the client's socket received them, in order: each `response.write` is one chunk on the wire.
 */
async function chunksOfAnswer(respond: (response: ServerResponse) => Promise<void>): Promise<string[]> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    void respond(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  let raw = '';
  socket.on('data', (data: Buffer) => (raw += data.toString('latin1')));
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await once(socket, 'close');
  server.close();
  const chunks: string[] = [];
  let rest = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (size === 0) return chunks;
    chunks.push(rest.slice(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

/** One promise job: what an event relayed through the router's async iterators waits between two events. */
const nextJob = (): Promise<void> => Promise.resolve();

describe('GatheredWrites', () => {
  it("writes the events of one turn, each added in a promise job of its own, as one chunk, in order, before the next turn's", async () => {
    const chunks = await chunksOfAnswer(async (response) => {
      const gathered = new GatheredWrites(response);
      response.write('data: first\n\n');
      for (const event of ['data: a\n\n', 'data: b\n\n', 'data: c\n\n']) {
        await nextJob();
        gathered.add(event);
      }
      await new Promise((resolve) => setImmediate(resolve));
      gathered.add('data: d\n\n');
      await new Promise((resolve) => setImmediate(resolve));
      response.end('data: [DONE]\n\n');
    });
    expect(chunks).toEqual(['data: first\n\n', 'data: a\n\ndata: b\n\ndata: c\n\n', 'data: d\n\n', 'data: [DONE]\n\n']);
  });

  it('gives what it gathered to a last write of the caller, and writes nothing after the response ended', async () => {
    const chunks = await chunksOfAnswer(async (response) => {
      const gathered = new GatheredWrites(response);
      for (const event of ['data: a\n\n', 'data: b\n\n']) {
        await nextJob();
        gathered.add(event);
      }
      response.end(`${gathered.take()}data: [DONE]\n\n`);
      // The turn's write, when it comes, has nothing left to write and the response has ended.
      gathered.add('data: late\n\n');
    });
    expect(chunks).toEqual(['data: a\n\ndata: b\n\ndata: [DONE]\n\n']);
  });
});
