/**
 * An OTLP/HTTP receiver that takes every export and keeps nothing, in its own process: what a gateway tracing to
 * a collector pays, without the collector's own work landing on the load generator or the server under test.
 */
import { createServer } from 'node:http';
import { serveIpc } from './child-server.js';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});

server.listen({ host: '127.0.0.1', port: 0 }, () => {
  serveIpc(server.address().port, {});
});
