/**
 * The gateway configuration's refusals quote none of the keys it is given: each case below was found by the
 * property tests (gateway-config-properties.test.ts), a gateway or provider key pasted in the wrong place and
 * printed back by the error that refused it. A refusal stays on one line.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { parseGatewayConfig, type ParseGatewayConfigOptions, routerOptionsFromConfig } from './gateway-config.js';

/** The error reading this file and environment (as `serve` reads them) ends in. */
function refusalOf(options: ParseGatewayConfigOptions): InvalidArgumentError {
  try {
    routerOptionsFromConfig(parseGatewayConfig(options), { env: options.env ?? {} });
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('The configuration loaded.');
}

const gatewayKey = 'bm_8j241698quSO9r3ZTC9j1c';
const providerKey = 'LrvGg3Mibs3BnqU7Nj1Xd9';

describe('a key pasted in the wrong place', () => {
  const cases: [string, ParseGatewayConfigOptions, string][] = [
    ['a provider key as the file\'s clientAddressHeader', { yamlText: `clientAddressHeader: ${providerKey}\n`, env: { MOONSHOT_API_KEY: providerKey } }, 'config.clientAddressHeader'],
    ['a gateway key as a setting of the file', { yamlText: `${gatewayKey}: []\n`, env: { BACKUP_MODELS_GATEWAY_KEYS: gatewayKey } }, 'config.(root)'],
    ['a gateway key of the file as a setting of limits', { yamlText: `keys: [${gatewayKey}]\nlimits:\n  ${gatewayKey}: 1\n` }, 'config.limits'],
    ['a provider key in BACKUP_MODELS_GATEWAY_CLIENT_ADDRESS_HEADER', { env: { BACKUP_MODELS_GATEWAY_CLIENT_ADDRESS_HEADER: providerKey, GOOGLE_API_KEY: providerKey } }, 'config.BACKUP_MODELS_GATEWAY_CLIENT_ADDRESS_HEADER'],
    ['a gateway key in BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES', { yamlText: `keys: [${gatewayKey}]\n`, env: { BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES: gatewayKey } }, 'config.BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES[0]'],
    ['a key the file\'s keyEnv names, as a route\'s name', { yamlText: `keys: [{ keyEnv: OPS_KEY }]\nroutes:\n  ${gatewayKey}: []\n`, env: { OPS_KEY: gatewayKey } }, 'config.routes.[redacted].targets'],
    ['a gateway key under a key entry\'s mistyped field, as a setting of the file', { yamlText: `keys:\n  - name: ops\n    kye: ${gatewayKey}\n${gatewayKey}: 1\n` }, 'config.(root)'],
    ['a gateway key as a key entry\'s field, as a setting of limits', { yamlText: `keys:\n  - ${gatewayKey}:\nlimits:\n  ${gatewayKey}: 1\n` }, 'config.limits'],
    ['a gateway key as a keyEnv, as a setting of the file', { yamlText: `keys:\n  - keyEnv: ${gatewayKey}\n${gatewayKey}: 1\n` }, 'config.(root)'],
    ['a provider key as an own provider\'s apiKeyEnv, as a setting of the file', { yamlText: `providers:\n  deepseek: { apiKeyEnv: ${providerKey} }\n${providerKey}: 1\n` }, 'config.(root)'],
    ['an own provider\'s key as the id of a provider', { yamlText: `providers:\n  ${providerKey.toLowerCase()}: { baseUrl: 'http://127.0.0.1:1' }\n`, env: { GROQ_API_KEY: providerKey.toLowerCase() } }, 'config.providers.[redacted]'],
  ];

  for (const [title, options, argument] of cases) {
    it(`is not quoted: ${title}`, () => {
      const error = refusalOf(options);
      expect(error.argument).toBe(argument);
      expect(error.message).not.toContain(gatewayKey);
      expect(error.message.toLowerCase()).not.toContain(providerKey.toLowerCase());
      expect(error.message).toContain('[redacted]');
    });
  }

  it('is still quoted when it is no configured key, so an operator sees what was refused', () => {
    expect(refusalOf({ env: { BACKUP_MODELS_GATEWAY_TRUSTED_PROXIES: 'proxy.internal' } }).message).toContain('got "proxy.internal"');
  });
});

describe('a refusal on one line', () => {
  it('quotes a setting of the file whose name holds a line break', () => {
    const error = refusalOf({ yamlText: '"trusted\\nProxies": []\n' });
    expect(error.message).toMatch(/^Gateway configuration: \(root\) has unknown keys: "trusted\\nProxies" \(known: /);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it("shows a line break in a route's name as \\n", () => {
    const error = refusalOf({ yamlText: 'routes:\n  "fast\\nlane": []\n' });
    expect(error.message).toBe('Gateway configuration: routes.fast\\nlane.targets must be a non-empty list of provider/model.');
  });
});
