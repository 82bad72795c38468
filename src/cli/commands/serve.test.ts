import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../catalog.js';
import { gatewayEnvironmentVariables } from '../../gateway/gateway-config.js';
import { serveCommand, sharedStateEnvironmentVariables } from './serve.js';

/** Every variable `serve` reads by name (beyond those a configuration file names itself). */
const variablesServeReads = [
  ...Object.values(gatewayEnvironmentVariables),
  ...Object.values(sharedStateEnvironmentVariables),
  ...defaultCatalog.map((definition) => definition.apiKeyEnv),
  ...defaultCatalog.flatMap((definition) => (definition.baseUrlEnv ? [definition.baseUrlEnv] : [])),
];

describe('serve --help', () => {
  it('names every environment variable serve reads', () => {
    for (const variable of variablesServeReads) expect(serveCommand.help, variable).toMatch(new RegExp(`\\b${variable}\\b`));
  });

  it('names only variables that README lists too, in its section on every setting and variable', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Every setting and variable'), readme.indexOf('## Testing your own setup'));
    const named = serveCommand.help.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [];
    expect(new Set(named)).toEqual(new Set(variablesServeReads));
    for (const variable of named) expect(section, variable).toContain(`\`${variable}\``);
  });
});
