/**
 * The seed's module-level helpers: `complete` and `quickChat` on a lazily made router that reads the
 * environment. The provider test server stands in for the providers, through the base URL variables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDefaultRouter, complete, getDefaultRouter, quickChat } from '../src/index.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/provider-test-server.js';

let server: ProviderTestServer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = await startProviderTestServer();
  for (const [name, value] of Object.entries(server.environment(['groq']))) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  server.setBehavior('groq', { kind: 'success', text: 'Hello from the singleton.' });
});
afterAll(async () => {
  await closeDefaultRouter();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});

describe('module-level helpers', () => {
  it('complete() and quickChat() share one lazily made router', async () => {
    const result = await complete('Your message here', { preferredProvider: 'groq', cache: false });
    expect(result.provider).toBe('groq');
    expect(result.content).toBe('Hello from the singleton.');
    const router = getDefaultRouter();
    expect(await quickChat('Say hello', { preferredProvider: 'groq', cache: false })).toBe('Hello from the singleton.');
    expect(getDefaultRouter()).toBe(router);
  });

  it('quickChat streams to onText and returns the whole text', async () => {
    const pieces: string[] = [];
    const text = await quickChat('Stream it', { preferredProvider: 'groq', cache: false, onText: (piece) => pieces.push(piece) });
    expect(text).toBe('Hello from the singleton.');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
  });

  it('closeDefaultRouter() closes it; the next call makes a new one', async () => {
    const before = getDefaultRouter();
    await closeDefaultRouter();
    expect(getDefaultRouter()).not.toBe(before);
  });
});
