/**
 * The floor for one Node hop: a pass-through proxy on node:http and nothing else. It forwards the
 * method, path, headers and body to BENCH_UPSTREAM_URL over keep-alive connections and pipes the answer
 * back byte for byte (a stream's events go out as they arrive). No parsing, no routing, no logging.
 * BENCH_WORKERS=n: n of it on one port (node:cluster, as `serve --workers n`), the floor for a gateway of n workers.
 */
import cluster from 'node:cluster';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { serveIpc } from './child-server.js';

const upstream = new URL(process.env.BENCH_UPSTREAM_URL ?? 'http://127.0.0.1:1');
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, keepAliveMsecs: 30_000 });
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

function forwardedHeaders(headers) {
  const result = {};
  for (const name in headers) if (!hopByHop.has(name)) result[name] = headers[name];
  return result;
}

const server = createServer((request, response) => {
  const outgoing = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: forwardedHeaders(request.headers),
      agent,
    },
    (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, forwardedHeaders(upstreamResponse.headers));
      upstreamResponse.pipe(response);
    },
  );
  outgoing.on('error', () => {
    if (!response.headersSent) response.writeHead(502, { 'content-length': '0' });
    response.end();
  });
  response.once('close', () => {
    if (!response.writableFinished) outgoing.destroy();
  });
  request.pipe(outgoing);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 30_000;
server.requestTimeout = 0;

const workers = Number(process.env.BENCH_WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) {
  // The primary only hands out connections; it reports the port once every worker listens.
  const listening = new Set();
  cluster.on('listening', (worker, address) => {
    listening.add(worker.id);
    if (listening.size === workers) serveIpc(address.port, {});
  });
  for (let index = 0; index < workers; index += 1) cluster.fork();
  // Its own parent gone (the benchmark stopped it), the workers go with it: they exit when their channel closes.
  process.on('SIGTERM', () => process.exit(0));
} else {
  // BENCH_PORT: a port given in advance, for a run without IPC (instructions-per-request.js runs it under valgrind).
  server.listen({ host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 0), backlog: 8192 }, () => {
    if (!cluster.isWorker) serveIpc(server.address().port, {});
  });
}
