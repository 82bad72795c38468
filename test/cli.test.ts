/** The `backup-models` tool as a user runs it: `node dist/cli/main.js ...` as a child process. */
import { startServeChild } from './serve-child.js';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { buildCliIfStale, mainScript, runBuiltCli } from './built-cli.js';



let providers: ProviderTestServer;
beforeAll(async () => {
  await buildCliIfStale();
  expect(existsSync(mainScript)).toBe(true);
  providers = await startProviderTestServer();
}, 180_000);
afterAll(async () => providers?.close());
beforeEach(() => providers.reset());

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('help', () => {
  it('prints top-level help and each command help, exit 0', async () => {
    const top = await runBuiltCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: backup-models <command>/);
    for (const command of ['chat', 'health', 'serve']) {
      expect(top.stdout).toContain(command);
      const own = await runBuiltCli([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: backup-models ${command}`);
    }
  });

  it('a mistake in the command line is one line on stderr and exit 2', async () => {
    for (const args of [['nope'], ['chat', '--tier', '7', 'hi'], ['chat', '--bogus', 'hi'], ['serve', '--port', 'x']]) {
      const result = await runBuiltCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^backup-models: .*--help\)\n$/);
    }
  });

  it('refuses a number flag past what it can hold, naming the flag and its range, exit 2', async () => {
    const seconds = /--timeout must be a number of seconds from 0\.001 to 2147483\.647, not "[^"]+"/;
    const cases: readonly [readonly string[], RegExp][] = [
      [['health', '--timeout', '3000000'], seconds],
      [['health', '--timeout', '1e10'], seconds],
      [['chat', '--timeout', '1e10', 'hi'], seconds],
      [['serve', '--port', '99999'], /--port must be an integer from 0 to 65535, not "99999"/],
      [['demo', '--port', '0', '--duration-ms', '3000000000'], /--duration-ms must be an integer from 1 to 2147483647, not "3000000000"/],
    ];
    for (const [args, message] of cases) {
      const result = await runBuiltCli(args, providers.environment());
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('chat', () => {
  it('answers through the preferred provider and says who answered on stderr', async () => {
    // The router races its best candidates: slow the others down so the preferred one wins for sure.
    for (const other of ['groq', 'openai', 'together', 'moonshot', 'google']) providers.setBehavior(other, { kind: 'success', latencyMs: 3_000 });
    const result = await runBuiltCli(['chat', '--provider', 'anthropic', 'Say hello.'], providers.environment());
    expect(result.code).toBe(0);
    expect(result.stdout.trim().length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/^\(anthropic\/claude-[\w.-]+, \d+ ms\)\n$/);
    expect(providers.requests.some((request) => request.provider === 'anthropic')).toBe(true);
  });

  it('--json prints the full result with provider and latency; --only sticks to one provider', async () => {
    providers.setBehavior('groq', { kind: 'success', text: 'Hello from the test server.' });
    const result = await runBuiltCli(['chat', '--json', '--only', '--provider', 'groq', 'Say hello.'], providers.environment());
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ content: 'Hello from the test server.', provider: 'groq', finishReason: 'stop', cached: false });
    expect(typeof parsed.latencyMs).toBe('number');
    expect(parsed.attempts).toEqual([expect.objectContaining({ provider: 'groq', outcome: 'success' })]);
    expect(providers.requests.map((request) => request.provider)).toEqual(['groq']);
  });

  it('--image attaches a file as a data URL, asking only a model that takes images', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'backup-models-cli-image-'));
    const imagePath = join(directory, 'screenshot.png');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(imagePath, png);
    const result = await runBuiltCli(['chat', '--json', '--tier', '1', '--image', imagePath, 'What is this?'], providers.environment());
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { provider: string };
    expect(['openai', 'google', 'anthropic']).toContain(parsed.provider);
    const sent = JSON.stringify(providers.requests.find((request) => request.provider === parsed.provider)?.body);
    expect(sent).toContain(png.toString('base64'));
    const missing = await runBuiltCli(['chat', '--image', join(directory, 'nope.png'), 'Hi'], providers.environment());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--image .*nope\.png: cannot read it \(ENOENT\)/);
  });

  it('--stream prints the text as it arrives', async () => {
    providers.setBehavior('openai', { kind: 'success', text: 'Streamed words arrive here.' });
    const result = await runBuiltCli(['chat', '--stream', '--model', 'openai/gpt-4o-mini', '--only', 'Say hello.'], providers.environment());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Streamed words arrive here.\n');
    expect(providers.requests[0]?.stream).toBe(true);
  });

  it('--reasoning asks a reasoning model its effort, and prints the reasoning it shows on stderr, the answer on stdout', async () => {
    providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion-max_completion_tokens-o3-mini' });
    const asked = await runBuiltCli(['chat', '--json', '--reasoning', 'high', '--model', 'openai/o3-mini', '--only', 'Say hello.'], providers.environment());
    expect(asked.code).toBe(0);
    expect((providers.requests.at(-1)?.body as Record<string, unknown>)['reasoning_effort']).toBe('high');
    expect(JSON.parse(asked.stdout)).toMatchObject({ usage: { reasoningTokens: 64 } });
    // Groq's recorded reasoning, then a text put after it, then the recording's error event.
    providers.setBehavior('groq', { kind: 'success', fixture: 'chat-stream-error-tool-use-failed', text: 'Calling it.' });
    const streamed = await runBuiltCli(['chat', '--stream', '--reasoning', 'low', '--model', 'groq/llama-3.3-70b-versatile', '--only', 'Go.'], providers.environment());
    expect(streamed.stdout.startsWith('Calling it.')).toBe(true);
    expect(streamed.stdout).not.toContain('We need to call the tool');
    expect(streamed.stderr).toContain('We need to call the tool with invalid parameters first');
    const wrong = await runBuiltCli(['chat', '--reasoning', 'max', 'Hi'], providers.environment());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--reasoning must be none, low, medium or high/);
  });

  it('with no keys: one line naming the variables to set, exit 1, no stack trace', async () => {
    const result = await runBuiltCli(['chat', 'Say hello.']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    for (const variable of ['GROQ_API_KEY', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'TOGETHER_API_KEY', 'MOONSHOT_API_KEY', 'GOOGLE_API_KEY']) {
      expect(result.stderr).toContain(variable);
    }
    noStackTrace(result.stderr);
  });

  it('when every provider fails: one line, exit 1, and never a key', async () => {
    const env = providers.environment(['openai']);
    providers.setBehavior('openai', { kind: 'error', fixture: 'error-401-invalid-api-key' });
    const result = await runBuiltCli(['chat', 'Say hello.'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // Why in a word, and what the provider said: its own message, the key in it never shown.
    expect(result.stderr).toMatch(/^backup-models: All providers failed: openai \(authentication: \S/);
    expect(result.stderr).not.toContain(env.OPENAI_API_KEY);
    noStackTrace(result.stderr);
  });
});

describe('health', () => {
  it('prints a table of every provider: key, reachable, circuit, latency', async () => {
    providers.setBehavior('moonshot', { kind: 'error', fixture: 'error-401-invalid-authentication' });
    const env = providers.environment(['groq', 'openai', 'anthropic', 'moonshot', 'google']);
    const result = await runBuiltCli(['health'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+KEY\s+REACHABLE\s+CIRCUIT\s+LATENCY\s+DETAIL$/);
    const row = (provider: string) => lines.find((line) => line.startsWith(`${provider} `)) ?? '';
    expect(row('groq')).toMatch(/^groq\s+set\s+yes\s+closed\s+\d+ ms$/);
    expect(row('google')).toMatch(/^google\s+set\s+yes\s+closed\s+\d+ ms$/);
    expect(row('moonshot')).toMatch(/^moonshot\s+set\s+no\s+closed\s+\d+ ms\s+authentication$/);
    expect(row('together')).toMatch(/^together\s+missing\s+-\s+closed\s+-\s+set TOGETHER_API_KEY$/);
    expect(result.stdout).not.toContain('test-key-');
  });

  it('--json, and exit 1 when nothing is reachable', async () => {
    const result = await runBuiltCli(['health', '--json']);
    expect(result.code).toBe(1);
    const rows = JSON.parse(result.stdout) as { provider: string; keyPresent: boolean; reachable: boolean | null }[];
    expect(rows).toHaveLength(6);
    expect(rows.every((row) => !row.keyPresent && row.reachable === null)).toBe(true);
  });
});

describe('--config', () => {
  it("health and chat use a gateway configuration's own providers", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'backup-models-cli-'));
    const configPath = join(directory, 'gateway.yaml');
    writeFileSync(
      configPath,
      [
        // The gateway's own keys come from a variable not set where the command runs: it does not read them.
        'keys: [{ name: team, keyEnv: TEAM_GATEWAY_KEY }]',
        'providers:',
        '  selfhosted:',
        '    protocol: openai-compatible',
        `    baseUrl: ${providers.url}/together/v1`,
        '    apiKeyEnv: SELFHOSTED_KEY',
        '    models: [local-model]',
        '',
      ].join('\n'),
    );
    const env = { ...providers.environment(['groq']), SELFHOSTED_KEY: 'selfhosted-cli-key' };
    const health = await runBuiltCli(['health', '--config', configPath, '--json'], env);
    expect(health.code).toBe(0);
    const rows = JSON.parse(health.stdout) as { provider: string; reachable: boolean | null }[];
    expect(rows.find((row) => row.provider === 'selfhosted')).toMatchObject({ reachable: true });
    expect(rows).toHaveLength(7);

    const chat = await runBuiltCli(['chat', 'Say hello.', '--config', configPath, '--provider', 'selfhosted', '--model', 'local-model', '--only', '--json'], env);
    expect(chat.code).toBe(0);
    expect(JSON.parse(chat.stdout)).toMatchObject({ provider: 'selfhosted' });
    expect(providers.requests.filter((request) => request.route === 'chat').map((request) => request.provider)).toEqual(['together']);

    const missing = await runBuiltCli(['health', '--config', join(directory, 'none.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the gateway configuration .*none\.yaml/);
    noStackTrace(missing.stderr);
  });
});

describe('serve', () => {
  const gatewayKey = 'cli-gateway-key-0123456789';

  /** `serve` as a user starts it; resolves once it prints where it listens. */
  async function startServe(
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<{ url: string; stopped: () => Promise<{ code: number | null; stderr: string }> }> {
    const { child, url, stderr, exited } = await startServeChild({
      mainScript,
      args,
      env: { ...providers.environment(), BACKUP_MODELS_GATEWAY_KEYS: gatewayKey, BACKUP_MODELS_GATEWAY_ADMIN_KEYS: gatewayKey, ...env },
    });
    return {
      url,
      stopped: async () => {
        child.kill('SIGTERM');
        return { code: await exited, stderr: stderr() };
      },
    };
  }

  it('serves the OpenAI API, then drains and exits 0 on SIGTERM', async () => {
    const { url, stopped } = await startServe([]);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: gatewayKey, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: [{ role: 'user', content: 'Say hello.' }] });
    expect(completion.model.startsWith('google/')).toBe(true);
    // The dashboard is served at `/`; with gateway keys set, it first asks for one (a sign-in page, 401).
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toContain(gatewayKey);
    const signedIn = await fetch(`${url}/`, { headers: { authorization: `Bearer ${gatewayKey}` } });
    expect(signedIn.status).toBe(200);
    const state = await fetch(`${url}/dashboard/state`, { headers: { authorization: `Bearer ${gatewayKey}` } });
    expect(state.status).toBe(200);
    expect(await state.text()).toContain('"groq"');
    const { code, stderr } = await stopped();
    expect(code).toBe(0);
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['gateway listening', 'chat.completions', 'draining', 'stopped']));
    expect(stderr).not.toContain(gatewayKey);
    expect(stderr).not.toContain('test-key-');
  });

  it('logs no line for a call that succeeded when the configuration says logLevel: warn', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'backup-models-cli-'));
    const configPath = join(directory, 'gateway.yaml');
    writeFileSync(configPath, 'logLevel: warn\n');
    const { url, stopped } = await startServe(['--config', configPath]);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: gatewayKey, maxRetries: 0 });
    await client.chat.completions.create({ model: 'google/gemini-3.5-flash-lite', messages: [{ role: 'user', content: 'Say hello.' }] });
    const { code, stderr } = await stopped();
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('warns at start when keys are set but none is an admin key, as the operator endpoints then refuse every key', async () => {
    const { url, stopped } = await startServe([], { BACKUP_MODELS_GATEWAY_ADMIN_KEYS: '' });
    const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${gatewayKey}` } });
    expect(metrics.status).toBe(403);
    const { code, stderr } = await stopped();
    expect(code).toBe(0);
    const warning = stderr.split('\n').find((line) => line.includes('No gateway key is an admin key'));
    expect(warning).toMatch(/"level":40.*admin: true.*BACKUP_MODELS_GATEWAY_ADMIN_KEYS/);
    expect(stderr).not.toContain(gatewayKey);
  });

  it('refuses to listen beyond loopback without a gateway key: one line, exit 1', async () => {
    const result = await runBuiltCli(['serve', '--host', '0.0.0.0', '--port', '0'], providers.environment());
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without a gateway key.*BACKUP_MODELS_GATEWAY_KEYS/);
  });

  it('reports a mistake in the configuration, in its file or the environment, in one line and exit 2, as one in the command line', async () => {
    const unreadable = await runBuiltCli(['serve', '--config', '/nonexistent/gateway.yaml']);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe('backup-models: Cannot read the gateway configuration /nonexistent/gateway.yaml (ENOENT).\n');

    const directory = mkdtempSync(join(tmpdir(), 'backup-models-cli-'));
    const file = (name: string, text: string): string => {
      const path = join(directory, name);
      writeFileSync(path, text);
      return path;
    };
    const refused: [readonly string[], Record<string, string>, RegExp][] = [
      [['--config', file('port.yaml', 'port: 70000\n')], {}, /^backup-models: Gateway configuration: port must be a port from 0 to 65535\.\n$/],
      [['--config', file('yaml.yaml', 'port: [\n')], {}, /^backup-models: Gateway configuration is not valid YAML: /],
      [['--config', file('unknown.yaml', 'trustedProxy: [10.0.0.1]\n')], {}, /^backup-models: Gateway configuration: \(root\) has unknown keys: trustedProxy /],
      [
        ['--config', file('both.yaml', 'trustedProxies: [10.0.0.0/8]\ntrustedProxyHops: 1\n')],
        {},
        /^backup-models: Gateway configuration: trustedProxyHops cannot be given with trustedProxies: /,
      ],
      [[], { BACKUP_MODELS_GATEWAY_PORT: 'eighty' }, /^backup-models: Gateway configuration: BACKUP_MODELS_GATEWAY_PORT must be a port/],
      [[], { BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS: 'two' }, /^backup-models: Gateway configuration: BACKUP_MODELS_GATEWAY_TRUSTED_PROXY_HOPS must be a whole number/],
      [[], { REDIS_URL: 'localhost:6379' }, /^backup-models: the Redis URL must be redis:\/\//],
      [
        [],
        { REDIS_URL: 'redis://127.0.0.1:6379', BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: '50ms' },
        /^backup-models: BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS must be a whole number of milliseconds, at least 1; got "50ms"\.\n$/,
      ],
    ];
    for (const [args, env, message] of refused) {
      const result = await runBuiltCli(['serve', '--port', '0', ...args], { ...providers.environment(), BACKUP_MODELS_GATEWAY_KEYS: gatewayKey, ...env });
      const label = `${args.join(' ')} ${JSON.stringify(env)}`;
      expect(result.code, label).toBe(2);
      expect(result.stderr, label).toMatch(message);
      expect(result.stderr.trim().split('\n'), label).toHaveLength(1);
      expect(result.stdout, label).toBe('');
    }
    // The commands that only call providers read the file's providers the same way.
    const health = await runBuiltCli(['health', '--config', join(directory, 'both.yaml')]);
    expect(health.code).toBe(2);
    expect(health.stderr).toMatch(/^backup-models: Gateway configuration: trustedProxyHops cannot be given with trustedProxies: /);
  });
});
