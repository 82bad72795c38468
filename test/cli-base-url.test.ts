/**
 * `backup-models serve` (and `chat`) as a user runs them (`node dist/cli/main.js`, a child process) with a bad
 * base URL (or outbound proxy, or TLS files) in the environment or the configuration file: refused at start, exit
 * code 2, one line on stderr naming the variable or the setting, and never the value, which may carry a key. Before, the gateway started and a bad
 * value was found (or not: a key in the user name was dropped, the request sent) at each call.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { type BuiltCliRun, mainScript, runBuiltCli } from './built-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'backup-models-base-url-'));
const gatewayKey = 'cli-gateway-key-0123456789';
/** Looks like no known key, so that only the value's never being quoted keeps it off stderr. */
const secret = 'LrvGg3Mibs3BnqU7Nj1Xd9';

let providers: ProviderTestServer;
beforeAll(async () => {
  // Built by `npm test` (or `npm run build`) first, as test/cli.test.ts says.
  expect(existsSync(mainScript)).toBe(true);
  providers = await startProviderTestServer();
});
afterAll(async () => providers?.close());

interface ServeOutcome {
  /** The exit code, or 'listening' when the gateway started (it is then stopped). */
  readonly code: number | null | 'listening';
  readonly stdout: string;
  readonly stderr: string;
}

/** `serve` until it exits or says it listens, whichever comes first; a gateway that started is stopped. */
function serve(args: readonly string[], env: Readonly<Record<string, string>>): Promise<ServeOutcome> {
  const child = spawn(process.execPath, [mainScript, 'serve', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', ...providers.environment(), BACKUP_MODELS_GATEWAY_KEYS: gatewayKey, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('listening on')) return;
      child.once('exit', () => resolve({ code: 'listening', stdout, stderr }));
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => {
      if (!stdout.includes('listening on')) resolve({ code, stdout, stderr });
    });
  });
}

function run(args: readonly string[], env: Readonly<Record<string, string>>): Promise<BuiltCliRun> {
  return runBuiltCli(args, { ...providers.environment(), ...env });
}

/** Bad values of a provider's base URL for the test server's `path`, each holding the secret where it can. */
function badBaseUrls(path: string): [string, string][] {
  const { host } = new URL(providers.url);
  return [
    ['a key as its password', `http://user:${secret}@${host}${path}`],
    ['a key as its user name', `http://${secret}@${host}${path}`],
    ['a key in its query', `http://${host}${path}?key=${secret}`],
    ['another scheme', `ftp://${host}${path}#${secret}`],
    ['no URL', `${host}${path} ${secret}`],
  ];
}

function expectRefusal(outcome: ServeOutcome, named: RegExp, label: string): void {
  expect(outcome.code, `${label}: ${outcome.stderr}`).toBe(2);
  expect(outcome.stdout, label).toBe('');
  expect(outcome.stderr, label).toMatch(named);
  expect(outcome.stderr.trim().split('\n'), label).toHaveLength(1);
  expect(outcome.stderr, label).not.toMatch(/\n\s+at /);
  expect(outcome.stderr, label).not.toContain(secret);
}

describe('serve with a bad base URL', () => {
  it('refuses a bad <NAME>_BASE_URL at start: exit 2, one line naming the variable, never its value', async () => {
    for (const [label, value] of badBaseUrls('/groq/openai/v1')) {
      const outcome = await serve([], { GROQ_BASE_URL: value });
      expectRefusal(outcome, /^backup-models: Gateway configuration: GROQ_BASE_URL must be an http or https URL/, label);
    }
  });

  it("refuses a bad baseUrl in the configuration file, or a bad variable over the file's good one, the same way", async () => {
    const [label, value] = badBaseUrls('/openai/v1')[0]!;
    const bad = join(directory, 'bad.yaml');
    writeFileSync(bad, `providers:\n  openai:\n    baseUrl: ${JSON.stringify(value)}\n`);
    expectRefusal(await serve(['--config', bad], {}), /^backup-models: Gateway configuration: providers\.openai\.baseUrl must be an http or https URL/, label);
    const good = join(directory, 'good.yaml');
    writeFileSync(good, `providers:\n  openai:\n    baseUrl: ${providers.baseUrlFor('openai')}\n`);
    expectRefusal(await serve(['--config', good], { OPENAI_BASE_URL: value }), /^backup-models: Gateway configuration: OPENAI_BASE_URL must be an http or https URL/, label);
  });

  it('starts with good ones, a value read from a file ending in a newline among them', async () => {
    const outcome = await serve([], { GROQ_BASE_URL: `${providers.baseUrlFor('groq')}/\n` });
    expect(outcome.code, outcome.stderr).toBe('listening');
  });
});

describe('serve with a bad outbound proxy', () => {
  it('refuses a bad HTTPS_PROXY, http_proxy or ALL_PROXY at start: exit 2, one line naming the variable, never its value', async () => {
    const { host } = new URL(providers.url);
    for (const [variable, value] of [
      ['HTTPS_PROXY', `socks4://team:${secret}@${host}`],
      ['ALL_PROXY', `ftp://team:${secret}@${host}`],
      ['http_proxy', `http://team:${secret}@${host}/?token=${secret}`],
    ] as const) {
      const outcome = await serve([], { [variable]: value });
      expectRefusal(outcome, new RegExp(`^backup-models: Gateway configuration: ${variable} must be the URL of an http, https, socks5 or socks5h proxy`), variable);
    }
  });
});

describe('serve with tls files it cannot serve', () => {
  const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));

  it("refuses a missing file or a key that is not the certificate's: exit 2, one line naming the settings, no key bytes", async () => {
    const missing = join(directory, 'missing.yaml');
    writeFileSync(missing, `tls:\n  certFile: nowhere/chain.pem\n  keyFile: ${fixture('localhost-key.pem')}\n`);
    expectRefusal(await serve(['--config', missing], {}), /^backup-models: Gateway configuration: tls\.certFile cannot be read: .*nowhere\/chain\.pem \(ENOENT\)\.$/m, 'missing');
    const keyBody = readFileSync(fixture('renewed-localhost-key.pem'), 'utf8').split('\n')[1]!;
    const mismatched = await serve([], {
      BACKUP_MODELS_GATEWAY_TLS_CERT_FILE: fixture('localhost-cert.pem'),
      BACKUP_MODELS_GATEWAY_TLS_KEY_FILE: fixture('renewed-localhost-key.pem'),
    });
    expectRefusal(
      mismatched,
      /^backup-models: Gateway configuration: BACKUP_MODELS_GATEWAY_TLS_CERT_FILE and BACKUP_MODELS_GATEWAY_TLS_KEY_FILE do not make a certificate and its private key: x509 certificate routines::key values mismatch\.$/m,
      'mismatched',
    );
    expect(mismatched.stderr).not.toContain(keyBody);
    const keyAsCertificate = await serve([], {
      BACKUP_MODELS_GATEWAY_TLS_CERT_FILE: fixture('renewed-localhost-key.pem'),
      BACKUP_MODELS_GATEWAY_TLS_KEY_FILE: fixture('renewed-localhost-key.pem'),
    });
    expectRefusal(keyAsCertificate, /do not make a certificate and its private key: PEM routines::no start line\.$/m, 'a key as the certificate');
    expect(keyAsCertificate.stderr).not.toContain(keyBody);
  });
});

describe('chat with a bad base URL', () => {
  it('is refused before any call: exit 2, one line naming the variable, never its value', async () => {
    const [label, value] = badBaseUrls('/groq/openai/v1')[0]!;
    const result = await run(['chat', 'Hi'], { GROQ_BASE_URL: value });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr, label).toMatch(/^backup-models: groq: GROQ_BASE_URL must be an http or https URL/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr, label).not.toContain(secret);
  });
});
