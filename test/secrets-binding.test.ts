/**
 * Issue 8, secrets: beyond loopback the gateway refuses to start without a gateway key, however the host is
 * spelled, and a blank key list is no key. On loopback, or with a key, it starts.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InsecureBindingError } from '../src/gateway/auth.js';
import { createGateway, type Gateway } from '../src/gateway/create-gateway.js';
import { parseGatewayConfig } from '../src/gateway/gateway-config.js';
import { createGatewayLogger } from '../src/gateway/gateway-logger.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';

const router = new BackupModelRouter({ env: {} });
const gateways: Gateway[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  await router.close();
});

function gatewayWithKeys(keysVariable: string | undefined): Gateway {
  const config = parseGatewayConfig({ env: keysVariable === undefined ? {} : { BACKUP_MODELS_GATEWAY_KEYS: keysVariable } });
  const logger = createGatewayLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
  const gateway = createGateway({ router, config, logger });
  gateways.push(gateway);
  return gateway;
}

describe('without a gateway key', () => {
  it.each([
    ['all IPv4 interfaces', '0.0.0.0'],
    ['all IPv6 interfaces', '::'],
    ['the empty host (all interfaces to Node)', ''],
    ['"0"', '0'],
    ['IPv4-mapped any', '::ffff:0.0.0.0'],
    ['a private address', '10.0.0.1'],
    ['a name that merely starts like loopback', '127.0.0.1.nip.io'],
    ['a name that merely starts like localhost', 'localhost.evil.example'],
  ])('refuses %s (%j) before listening', async (_name, host) => {
    const gateway = gatewayWithKeys(undefined);
    await expect(gateway.listen({ host, port: 0 })).rejects.toBeInstanceOf(InsecureBindingError);
    expect(gateway.server.listening).toBe(false);
  });

  it('a key list of blanks and commas is no key', async () => {
    const gateway = gatewayWithKeys(' , ,, ');
    await expect(gateway.listen({ host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(InsecureBindingError);
  });

  it.each(['127.0.0.1', '::1', 'localhost'])('starts on loopback (%s)', async (host) => {
    const gateway = gatewayWithKeys(undefined);
    const { url } = await gateway.listen({ host, port: 0 });
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });
});

describe('with a gateway key', () => {
  it('starts on every interface, and asks callers for the key', async () => {
    const gateway = gatewayWithKeys('binding-test-key-0123456789');
    const { port } = await gateway.listen({ host: '0.0.0.0', port: 0 });
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(401);
    const authorized = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer binding-test-key-0123456789' } });
    expect(authorized.status).toBe(200);
  });
});
