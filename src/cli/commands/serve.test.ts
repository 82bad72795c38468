import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../catalog.js';
import { gatewayEnvironmentVariables } from '../../gateway/gateway-config.js';
import { proxyEnvironmentVariables } from '../../http/proxy-settings.js';
import { sharedStateEnvironmentVariables } from '../shared-state-options-from-env.js';
import { tracingEnvironmentVariables } from '../tracing-options-from-env.js';
import { workersVariable } from '../worker-count.js';
import { serveCommand } from './serve.js';

/** Every variable `serve` reads by name (beyond those a configuration file names itself). */
const variablesServeReads = [
  ...Object.values(gatewayEnvironmentVariables),
  ...Object.values(sharedStateEnvironmentVariables),
  ...Object.values(tracingEnvironmentVariables),
  ...proxyEnvironmentVariables,
  workersVariable,
  ...defaultCatalog.map((definition) => definition.apiKeyEnv),
  ...defaultCatalog.flatMap((definition) => (definition.baseUrlEnv ? [definition.baseUrlEnv] : [])),
];

describe('serve --help', () => {
  it('names every environment variable serve reads', () => {
    for (const variable of variablesServeReads) expect(serveCommand.help, variable).toMatch(new RegExp(`\\b${variable}\\b`));
  });

  it("names every endpoint of the gateway's that README's gateway section names", () => {
    // The model calls, the kept responses, the token count, the models list, a key's usage and the operator's
    // endpoints (src/gateway/built-in-routes.ts, src/gateway/openai-responses/stored-response-routes.ts).
    const endpoints = [
      'POST /v1/chat/completions',
      'POST /v1/responses',
      'GET and DELETE /v1/responses/{id}',
      'GET /v1/responses/{id}/input_items',
      'POST /v1/messages',
      'POST /v1/messages/count_tokens',
      'POST /v1/embeddings',
      'GET /v1/models',
      'GET /v1/models/{id}',
      'GET /v1/key',
      'GET /health',
      'GET /livez',
      'GET /metrics',
    ];
    const help = serveCommand.help.replace(/\s+/g, ' ');
    for (const endpoint of endpoints) expect(help, endpoint).toContain(endpoint);
  });

  it('names only variables that README lists too, in its section on every setting and variable', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Every setting and variable'), readme.indexOf('## Testing your own setup'));
    const named = serveCommand.help.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [];
    expect(new Set(named)).toEqual(new Set(variablesServeReads));
    for (const variable of named) expect(section, variable).toContain(`\`${variable}\``);
  });
});
