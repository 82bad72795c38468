/**
 * README's TypeScript blocks are the programs in examples/ (npm run typecheck checks those, `backup-models` and its
 * subpaths mapped to src/ by tsconfig.json's paths), and the two that need no more than the provider test server run
 * here as a user would run them: the library's keys and base URLs from the environment. A README edit that breaks
 * one (a call after `close()`, an option renamed) fails here rather than for the reader who copies it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDefaultRouter } from '../src/index.js';
import { openAIEmbeddingsBatchReplay, recordedOpenAIEmbedding } from '../src/testing/openai-embeddings-recordings.test-support.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const examplesDirectory = fileURLToPath(new URL('examples/', root));
const examples = readdirSync(examplesDirectory)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(join(examplesDirectory, name), 'utf8') }));

describe("README's TypeScript blocks", () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);

  it('are each, word for word, a program in examples/', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    // The AI SDK block imports @ai-sdk/mistral, which is not a devDependency: checked by hand (README's
    // "The AI SDK, both ways"), and its API by test/ai-sdk*.test.ts.
    const checked = blocks.filter((block) => !block.includes("from '@ai-sdk/mistral'"));
    expect(checked.length).toBe(blocks.length - 1);
    for (const block of checked) expect(examples.filter((example) => example.text.includes(block)).map((example) => example.name), block).toHaveLength(1);
  });
});

/** What the program printed: console.log's lines and stdout's writes, which are kept off the test's output. */
async function runProgram(path: string): Promise<{ readonly logged: unknown[][]; readonly written: string }> {
  const logged: unknown[][] = [];
  let written = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void logged.push(values));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    await import(path);
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  return { logged, written };
}

describe('examples/library.ts, against the provider test server', () => {
  let server: ProviderTestServer;
  let fixturesDirectory: string;
  const savedEnvironment = { ...process.env };

  beforeAll(async () => {
    // The shipped recordings, and an answer for the embeddings route, which has none by default: OpenAI's recorded
    // answer (test/fixtures/openai) with its vector once for each of the program's two texts.
    fixturesDirectory = mkdtempSync(join(tmpdir(), 'readme-examples-'));
    cpSync(fileURLToPath(new URL('src/testing/fixtures/', root)), fixturesDirectory, { recursive: true });
    const { vector } = recordedOpenAIEmbedding();
    writeFileSync(join(fixturesDirectory, 'openai', 'embeddings.json'), openAIEmbeddingsBatchReplay([vector, vector]).body!);
    server = await startProviderTestServer({ fixturesDirectory });
    Object.assign(process.env, server.environment());
  });

  afterAll(async () => {
    await closeDefaultRouter();
    for (const name of Object.keys(process.env)) if (!(name in savedEnvironment)) delete process.env[name];
    Object.assign(process.env, savedEnvironment);
    await server?.close();
    if (fixturesDirectory) rmSync(fixturesDirectory, { recursive: true, force: true });
  });

  it('runs to its end: every call answered, the embeddings before close()', async () => {
    const { logged, written } = await runProgram('../examples/library.ts');
    const [content, provider, latencyMs, attempts] = logged[0]!;
    expect(typeof content).toBe('string');
    expect((content as string).length).toBeGreaterThan(0);
    expect(['groq', 'openai', 'anthropic', 'together', 'moonshot', 'google']).toContain(provider);
    expect(latencyMs).toEqual(expect.any(Number));
    expect(attempts).toEqual(expect.arrayContaining([expect.objectContaining({ provider, outcome: 'success' })]));
    expect(written.length).toBeGreaterThan(0); // the story, streamed
    const embeddingsCall = server.requests.find((request) => request.route === 'embeddings');
    expect(embeddingsCall).toMatchObject({ provider: 'openai', status: 200 });
  });
});

describe('examples/testing-your-setup.ts', () => {
  it("runs: Groq's recorded 429 is an attempt, and another provider answers", async () => {
    const { logged } = await runProgram('../examples/testing-your-setup.ts');
    const [provider, attempts] = logged[0]!;
    expect(provider).not.toBe('groq');
    expect(attempts).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'groq', outcome: 'failure', reason: 'rate_limit' })]));
  });
});
