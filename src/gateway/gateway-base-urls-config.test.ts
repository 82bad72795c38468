/**
 * Base URLs in the gateway's configuration (a built-in provider's `baseUrl`, a provider of its own, and each
 * provider's `<NAME>_BASE_URL` over them) held to the rule the router holds them to, refused as mistakes of the
 * configuration (an InvalidArgumentError whose argument is `config.<where>`, exit code 2 under `serve`) before
 * anything starts, never quoting the value: it may carry a key.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { BackupModelRouter } from '../routing/backup-model-router.js';
import { parseGatewayConfig, routerOptionsFromConfig } from './gateway-config.js';

const secret = 'LrvGg3Mibs3BnqU7Nj1Xd9';

/** The refusal of making router options of this file and environment, as `serve` does, or undefined. */
function refusalOf(yamlText: string, env: Record<string, string> = {}): InvalidArgumentError | undefined {
  try {
    routerOptionsFromConfig(parseGatewayConfig({ yamlText, env }), { env });
    return undefined;
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
}

const badBaseUrls: [string, string][] = [
  ['a key as its password', `http://user:${secret}@proxy.internal/v1`],
  ['a key as its user name', `http://${secret}@proxy.internal/v1`],
  ['a key in its query', `https://proxy.internal/v1?key=${secret}`],
  ['a fragment', `https://proxy.internal/v1#${secret}`],
  ['no host', 'http:///v1'],
  ['another scheme', 'ftp://proxy.internal/v1'],
];

describe('base URLs in the gateway configuration', () => {
  it("refuses a bad one in the file, for a built-in provider or one of its own, naming its place and not its value", () => {
    for (const [label, baseUrl] of badBaseUrls) {
      const builtIn = refusalOf(`providers: { openai: { baseUrl: ${JSON.stringify(baseUrl)} } }`);
      expect(builtIn?.argument, label).toBe('config.providers.openai.baseUrl');
      expect(builtIn?.message, label).toMatch(/^Gateway configuration: providers\.openai\.baseUrl must be an http or https URL/);
      expect(builtIn?.message, label).not.toContain(secret);
      const own = refusalOf(`providers: { local: { protocol: openai-compatible, baseUrl: ${JSON.stringify(baseUrl)}, models: [m] } }`);
      expect(own?.argument, label).toBe('config.providers.local.baseUrl');
      expect(own?.message, label).not.toContain(secret);
    }
  });

  it('refuses a bad <NAME>_BASE_URL, over a good baseUrl in the file or none, naming the variable and not its value', () => {
    for (const [label, value] of badBaseUrls) {
      for (const yamlText of ['', 'providers: { groq: { baseUrl: "https://proxy.internal/groq/v1" } }']) {
        const refusal = refusalOf(yamlText, { GROQ_API_KEY: 'gsk-test-key-0123456789', GROQ_BASE_URL: value });
        expect(refusal?.argument, label).toBe('config.GROQ_BASE_URL');
        expect(refusal?.message, label).toMatch(/^Gateway configuration: GROQ_BASE_URL must be an http or https URL/);
        expect(refusal?.message, label).not.toContain(secret);
      }
    }
  });

  it('takes good ones, trimmed of surrounding whitespace and trailing slashes, and a blank variable as unset', () => {
    const yamlText = 'providers: { openai: { baseUrl: "https://proxy.internal/v1/" } }';
    const env = { GROQ_BASE_URL: ' https://proxy.internal/groq/v1\n', OPENAI_BASE_URL: ' ' };
    const options = routerOptionsFromConfig(parseGatewayConfig({ yamlText, env }), { env });
    expect(options.catalog?.find((definition) => definition.id === 'openai')?.baseUrl).toBe('https://proxy.internal/v1');
    // The router made of them takes them too.
    void new BackupModelRouter(options).close();
  });
});
