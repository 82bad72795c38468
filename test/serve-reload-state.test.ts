/**
 * What survives `serve`'s reload of its configuration, run in-process through runCli with the handler SIGHUP calls
 * (test/cli-reload.test.ts sends the real signal to a child): the cached answers, an open circuit, the metrics'
 * counts, and the dashboard sessions of admin keys still configured; the session of an admin key removed is refused
 * and its open event stream ended. Real HTTP to the provider test server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../src/cli/command-table.js';
import { runCli } from '../src/cli/run-cli.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { openEventStream } from './open-event-stream.js';

const keptAdminKey = 'state-kept-admin-key-0123456789';
const removedAdminKey = 'state-removed-admin-key-9876543210';
const addedKey = 'state-added-key-5555555555';

let providers: ProviderTestServer;
beforeAll(async () => {
  providers = await startProviderTestServer();
});
afterAll(async () => providers?.close());

function yamlWith(adminKeys: readonly string[], otherKeys: readonly string[] = []): string {
  const entries = [...adminKeys.map((key, index) => `  - { name: ops-${index}, key: ${key}, admin: true }`), ...otherKeys.map((key) => `  - ${key}`)];
  return `logLevel: error\nkeys:\n${entries.join('\n')}\n`;
}

/** `serve` in this process; `reload` calls what SIGHUP calls. */
async function startServe(configPath: string): Promise<{ url: string; reload: () => void; stop: () => Promise<number> }> {
  const stdout = new PassThrough();
  const controller = new AbortController();
  let reloadListener: (() => void) | undefined;
  const exited = runCli(['serve', '--port', '0', '--config', configPath], {
    commands,
    env: providers.environment(),
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    signal: controller.signal,
    onReloadRequest: (listener) => {
      reloadListener = listener;
      return () => (reloadListener = undefined);
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}`)));
  });
  return {
    url,
    reload: () => reloadListener?.(),
    stop: () => {
      controller.abort();
      return exited;
    },
  };
}

async function signIn(url: string, key: string): Promise<string> {
  const response = await fetch(`${url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function chat(url: string, model: string, content: string): Promise<Response> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keptAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await response.arrayBuffer();
  return response;
}

const getText = async (url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> => {
  const response = await fetch(url, { headers });
  return { status: response.status, text: await response.text() };
};

describe("serve's reload", () => {
  it('keeps the cache, an open circuit, the counts and the sessions of admin keys still configured', async () => {
    const configPath = join(mkdtempSync(join(tmpdir(), 'backup-models-reload-state-')), 'gateway.yaml');
    writeFileSync(configPath, yamlWith([keptAdminKey, removedAdminKey]));
    const serving = await startServe(configPath);
    const admin = { authorization: `Bearer ${keptAdminKey}` };
    try {
      expect((await chat(serving.url, 'openai/gpt-4o-mini', 'Remember this answer.')).headers.get('x-backup-models-cache')).toBe('miss');
      providers.setBehavior('groq', { kind: 'status', status: 503 });
      for (let call = 0; call < 5; call++) expect((await chat(serving.url, 'groq/llama-3.1-8b-instant', `Down ${call}`)).status).toBe(503);
      expect(JSON.parse((await getText(`${serving.url}/health`, admin)).text).groq.circuitState).toBe('open');
      const keptCookie = await signIn(serving.url, keptAdminKey);
      const removedCookie = await signIn(serving.url, removedAdminKey);
      const removedStream = await openEventStream(`${serving.url}/dashboard/events`, { cookie: removedCookie });
      expect(removedStream.status).toBe(200);
      const openAIRequests = providers.requests.filter((request) => request.provider === 'openai').length;

      writeFileSync(configPath, yamlWith([keptAdminKey], [addedKey]));
      serving.reload();
      await expect.poll(async () => (await getText(`${serving.url}/metrics`, admin)).text).toMatch(/backup_models_config_reloads_total\{result="ok"\} 1/);

      expect((await chat(serving.url, 'openai/gpt-4o-mini', 'Remember this answer.')).headers.get('x-backup-models-cache')).toBe('hit');
      expect(providers.requests.filter((request) => request.provider === 'openai')).toHaveLength(openAIRequests);
      expect(JSON.parse((await getText(`${serving.url}/health`, admin)).text).groq.circuitState).toBe('open');
      const metrics = (await getText(`${serving.url}/metrics`, admin)).text;
      expect(metrics).toMatch(/backup_models_gateway_requests_total\{route="chat_completions",status="503"\} 5/);
      expect((await getText(`${serving.url}/dashboard/state`, { cookie: keptCookie })).status).toBe(200);
      expect((await getText(`${serving.url}/dashboard/state`, { cookie: removedCookie })).status).toBe(401);
      await expect.poll(() => removedStream.ended).toBe(true);
      expect((await getText(`${serving.url}/v1/key`, { authorization: `Bearer ${addedKey}` })).status).toBe(200);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
  });
});
