/**
 * How long a client's connection may stay idle between requests (`limits.keepAliveTimeoutMs`): by default longer
 * than a load balancer keeps its idle connections to the gateway (60 s on AWS), so the balancer never reuses one
 * the gateway has just closed; told to the client in `Keep-Alive: timeout=`; changed by a reload. Each test
 * speaks HTTP/1.1 on one raw socket, so what is checked is that one connection, as a balancer holds it.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../src/gateway/gateway-config.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A socket to the gateway, its answers read one by one; `closed` resolves when the gateway ends the connection. */
async function openConnection(url: string): Promise<{ ask: (path: string) => Promise<{ status: number; keepAlive: string | undefined }>; closed: Promise<void>; socket: Socket }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffered = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('latin1').on('data', (chunk: string) => {
    buffered += chunk;
    waiting?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const ask = async (path: string): Promise<{ status: number; keepAlive: string | undefined }> => {
    socket.write(`GET ${path} HTTP/1.1\r\nhost: gateway\r\n\r\n`);
    for (;;) {
      const headEnd = buffered.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(buffered)?.[1];
      if (headEnd !== -1 && length !== undefined && buffered.length >= headEnd + 4 + Number(length)) {
        const head = buffered.slice(0, headEnd);
        buffered = buffered.slice(headEnd + 4 + Number(length));
        return { status: Number(head.split(' ')[1]), keepAlive: /\r\nkeep-alive: ([^\r]*)/i.exec(head)?.[1] };
      }
      if (socket.destroyed) throw new Error('the gateway closed the connection before answering');
      // More of the answer, or the connection's end: whichever comes first.
      await Promise.race([new Promise<void>((resolve) => (waiting = resolve)), closed]);
    }
  };
  return { ask, closed, socket };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('limits.keepAliveTimeoutMs', () => {
  it('keeps an idle connection 65 s by default: one idle past Node’s own 5 s still serves, and clients are told so', async () => {
    harness = await startGatewayHarness();
    const connection = await openConnection(harness.url);
    expect(await connection.ask('/livez')).toEqual({ status: 200, keepAlive: 'timeout=65' });
    await pause(6_000);
    expect(await connection.ask('/livez')).toEqual({ status: 200, keepAlive: 'timeout=65' });
    connection.socket.destroy();
  });

  it('closes a connection idle for the configured time, after serving every request that came within it', async () => {
    harness = await startGatewayHarness({ yamlText: 'limits:\n  keepAliveTimeoutMs: 1000\n' });
    const connection = await openConnection(harness.url);
    expect(await connection.ask('/livez')).toEqual({ status: 200, keepAlive: 'timeout=1' });
    await pause(300);
    expect(await connection.ask('/livez')).toEqual({ status: 200, keepAlive: 'timeout=1' });
    // Nothing more is sent: the gateway ends the connection (well before the test's own timeout).
    await connection.closed;
    expect(connection.socket.destroyed).toBe(true);
  });

  it('takes a reloaded configuration’s value for the answers that follow', async () => {
    harness = await startGatewayHarness({ yamlText: 'limits:\n  keepAliveTimeoutMs: 1000\n' });
    const connection = await openConnection(harness.url);
    expect((await connection.ask('/livez')).keepAlive).toBe('timeout=1');
    const { router } = harness;
    const config = parseGatewayConfig({ yamlText: 'limits:\n  keepAliveTimeoutMs: 120000\n', env: { BACKUP_MODELS_GATEWAY_KEYS: 'gateway-key-alpha-0123456789' } });
    await harness.gateway.reconfigure({ config, createRouter: () => router }).previousDrained;
    expect((await connection.ask('/livez')).keepAlive).toBe('timeout=120');
    connection.socket.destroy();
  });

  it('refuses a value that is not a whole number of milliseconds from 1, naming the setting', () => {
    for (const value of ['0', '-5', '1.5', '"65s"']) {
      expect(() => parseGatewayConfig({ yamlText: `limits:\n  keepAliveTimeoutMs: ${value}\n`, env: {} })).toThrow(/limits\.keepAliveTimeoutMs/);
    }
  });
});
