/**
 * A client that sends one chat completion request over a raw socket and never reads a byte of the answer
 * (its socket paused, left open): what the gateway's send timeout and stream duration limit are for.
 */
import { connect, type Socket } from 'node:net';
import { gatewayKeys } from './gateway-harness.js';

/** POST `body` to the gateway at `gatewayUrl` with its first key; the socket is paused and never read. */
export function askAndNeverRead(gatewayUrl: string, body: Readonly<Record<string, unknown>>): Socket {
  const url = new URL(gatewayUrl);
  const text = JSON.stringify(body);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  socket.pause();
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${gatewayKeys[0]}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  return socket;
}
