/**
 * The local upstream of the overhead and scale benchmarks: a minimal node:http server that answers any
 * POST to `.../chat/completions` with OpenAI's recorded bytes (src/testing/fixtures/openai). It does as
 * little as it can, so the hops in front of it are what is measured; every setup under test talks to
 * this same server.
 *
 * Streaming (`"stream":true` in the body): the headers, the role event and the first content event are
 * written at once, the rest `BENCH_STREAM_REST_DELAY_MS` later (default 5), or, in hold mode, when the
 * parent says `release`, so that thousands of streams can be held open together.
 *
 * Its headers are three of its own (content type and length, a request id) unless `BENCH_UPSTREAM_HEADERS=recorded`:
 * then those OpenAI recorded with the same answers (`chat-completion.headers.txt`, `chat-stream-include-usage.headers.txt`:
 * 21 and 19 headers beside Node's own, Cloudflare's, rate limits, CORS, two cookies), as a provider's answer comes.
 *
 * Run as a child of the benchmark (see child-server.js); it listens on a free port of 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { serveIpc } from './child-server.js';

const fixtures = new URL('../../src/testing/fixtures/openai/', import.meta.url);
const completionBody = readFileSync(new URL('chat-completion.json', fixtures));
const streamEvents = readFileSync(new URL('chat-stream-include-usage.sse', fixtures), 'utf8')
  .split('\n\n')
  .filter((event) => event.trim().length > 0)
  .map((event) => `${event}\n\n`);
// The role event and the first event with text go out with the headers: that is the first token.
const firstTextIndex = streamEvents.findIndex((event) => /"content":"[^"]/.test(event));
const streamHead = Buffer.from(streamEvents.slice(0, firstTextIndex + 1).join(''));
const streamRest = Buffer.from(streamEvents.slice(firstTextIndex + 1).join(''));

const restDelayMs = Number(process.env.BENCH_STREAM_REST_DELAY_MS ?? 5);
const recordedHeaders = process.env.BENCH_UPSTREAM_HEADERS === 'recorded';
if (!recordedHeaders && process.env.BENCH_UPSTREAM_HEADERS !== undefined) throw new Error('BENCH_UPSTREAM_HEADERS takes recorded only');

/** A recording's headers as [name, value] pairs, but those of the connection and framing, which Node writes itself. */
function recordedHeaderPairs(fileName) {
  return readFileSync(new URL(fileName, fixtures), 'latin1')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.includes(':'))
    .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()])
    .filter(([name]) => !/^(connection|transfer-encoding|content-length|keep-alive|date)$/i.test(name));
}

const completionHeaders = recordedHeaders
  ? [...recordedHeaderPairs('chat-completion.headers.txt'), ['content-length', String(completionBody.length)]].flat()
  : { 'content-type': 'application/json', 'content-length': String(completionBody.length), 'x-request-id': 'req_bench' };
const streamHeaders = recordedHeaders
  ? recordedHeaderPairs('chat-stream-include-usage.headers.txt').flat()
  : { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_bench' };

let requests = 0;
let lastBody = '';
let holding = false;
const held = new Set();

function finishStream(response) {
  held.delete(response);
  if (!response.destroyed) response.end(streamRest);
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    requests += 1;
    if (!request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-length': '0' });
      response.end();
      return;
    }
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const text = body.toString('latin1');
    if (requests === 1 || requests % 1000 === 0) lastBody = body.toString('utf8');
    if (!/"stream"\s*:\s*true/.test(text)) {
      response.writeHead(200, completionHeaders);
      response.end(completionBody);
      return;
    }
    response.writeHead(200, streamHeaders);
    response.write(streamHead);
    held.add(response);
    response.once('close', () => held.delete(response));
    if (!holding) setTimeout(finishStream, restDelayMs, response);
  });
});
let connections = 0;
server.on('connection', () => {
  connections += 1;
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 0;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen({ host: '127.0.0.1', port: 0, backlog: 8192 }, () => {
  serveIpc(server.address().port, {
    stats: () => ({ requests, connections, openStreams: held.size, lastBody }),
    reset: () => {
      requests = 0;
      connections = 0;
      return { ok: true };
    },
    hold: () => {
      holding = true;
      return { ok: true };
    },
    release: () => {
      holding = false;
      for (const response of [...held]) finishStream(response);
      return { ok: true };
    },
  });
});
