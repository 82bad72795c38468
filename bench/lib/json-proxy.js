/**
 * A reference, not a target: the least a gateway that understands the request must do in one Node hop.
 * It parses the client's JSON, builds a new body for BENCH_UPSTREAM_URL (the model renamed, as a gateway
 * resolving `openai/gpt-4o-mini` does), sends it with undici, parses the answer and writes a new chat
 * completion from it. No routing, failover, limits, logging or metrics. Whole answers only (no streams).
 *
 * The distance from the bare proxy to this server is what Node costs to parse and re-serialize; the
 * distance from this server to our gateway is what our features cost.
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { serveIpc } from './child-server.js';

const upstream = new URL(process.env.BENCH_UPSTREAM_URL ?? 'http://127.0.0.1:1');
const pool = new Pool(upstream.origin, { keepAliveTimeout: 30_000 });
const upstreamHeaders = { 'content-type': 'application/json', authorization: 'Bearer bench-placeholder-key' };

function upstreamBody(request) {
  const model = typeof request.model === 'string' ? request.model.slice(request.model.indexOf('/') + 1) : 'gpt-4o-mini';
  return JSON.stringify({ model, messages: request.messages });
}

function answerBody(answer) {
  const choice = answer.choices[0];
  return JSON.stringify({
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message: { role: 'assistant', content: choice.message.content }, logprobs: null, finish_reason: choice.finish_reason }],
    usage: answer.usage,
  });
}

async function answer(request, response, text) {
  try {
    const upstreamResponse = await pool.request({
      path: `${upstream.pathname.replace(/\/$/, '')}/v1/chat/completions`,
      method: 'POST',
      headers: upstreamHeaders,
      body: upstreamBody(JSON.parse(text)),
    });
    const body = answerBody(await upstreamResponse.body.json());
    response.writeHead(upstreamResponse.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  } catch {
    if (!response.headersSent) response.writeHead(502, { 'content-length': '0' });
    response.end();
  }
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => void answer(request, response, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 60_000;

// BENCH_PORT: a port given in advance, for a run without IPC (instructions-per-request.js runs it under valgrind).
server.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0), backlog: 8192 }, () => {
  serveIpc(server.address().port, {});
});
