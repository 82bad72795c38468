import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { parseGatewayConfig } from './gateway-config.js';

const parse = (yamlText: string, env: Record<string, string> = {}) => parseGatewayConfig({ yamlText, env });
const refusalOf = (yamlText: string, env: Record<string, string> = {}): InvalidArgumentError => {
  try {
    parse(yamlText, env);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('the configuration was taken');
};

describe('tls in the gateway configuration', () => {
  it('is off by default, and names both files when on', () => {
    expect(parse('port: 8787\n').tls).toBeUndefined();
    expect(parse('tls:\n  certFile: tls/chain.pem\n  keyFile: tls/key.pem\n').tls).toEqual({
      certFile: 'tls/chain.pem',
      keyFile: 'tls/key.pem',
      certFileSetting: 'tls.certFile',
      keyFileSetting: 'tls.keyFile',
    });
  });

  it("takes each variable over the file's field, naming it as its setting", () => {
    const env = { BACKUP_MODELS_GATEWAY_TLS_CERT_FILE: ' /run/secrets/tls.crt ', BACKUP_MODELS_GATEWAY_TLS_KEY_FILE: '' };
    expect(parse('tls:\n  certFile: chain.pem\n  keyFile: key.pem\n', env).tls).toEqual({
      certFile: '/run/secrets/tls.crt',
      keyFile: 'key.pem',
      certFileSetting: 'BACKUP_MODELS_GATEWAY_TLS_CERT_FILE',
      keyFileSetting: 'tls.keyFile',
    });
    const fromEnv = { BACKUP_MODELS_GATEWAY_TLS_CERT_FILE: '/a.crt', BACKUP_MODELS_GATEWAY_TLS_KEY_FILE: '/a.key' };
    expect(parse('', fromEnv).tls).toMatchObject({ certFile: '/a.crt', keyFile: '/a.key' });
  });

  it('refuses one file without the other, a path that is no text, and an unknown field, naming each', () => {
    expect(refusalOf('tls:\n  certFile: chain.pem\n').message).toBe(
      'Gateway configuration: tls.certFile is given without tls.keyFile (or BACKUP_MODELS_GATEWAY_TLS_KEY_FILE): HTTPS needs both.',
    );
    expect(refusalOf('', { BACKUP_MODELS_GATEWAY_TLS_KEY_FILE: '/a.key' }).argument).toBe('config.BACKUP_MODELS_GATEWAY_TLS_KEY_FILE');
    expect(refusalOf('tls:\n  certFile: 42\n  keyFile: key.pem\n').message).toBe('Gateway configuration: tls.certFile must be the path of a PEM file.');
    expect(refusalOf('tls:\n  certFile: c.pem\n  keyFile: k.pem\n  ca: ca.pem\n').message).toMatch(/^Gateway configuration: tls has unknown keys: ca/);
  });
});
