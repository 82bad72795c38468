/**
 * Anthropic's legacy Claude 4.x models (Haiku 4.5 and Sonnet 4.6, listed in no tier), named in a route, through the
 * router, end to end over HTTP to the provider test server. Claude 4.x refuses `temperature` and `top_p` together with
 * a 400 invalid_request_error (a round trip lost before the call fails over, or its end should a second provider refuse
 * too): a call with both is sent the temperature only. (The tiers' Claude 5.5 models take neither:
 * router-anthropic-adaptive.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupModelRouter, StreamChunk } from '../src/index.js';
import { refuseAnthropicSamplingPairs } from '../src/testing/anthropic-sampling-pair.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });
let stopRefusing: () => void = () => {};
beforeEach(() => {
  stopRefusing = refuseAnthropicSamplingPairs(harness.server);
});
afterEach(() => stopRefusing());

const makeRouter = (): BackupModelRouter => harness.makeRouter();
const haiku45 = [{ provider: 'anthropic', model: 'claude-haiku-4-5-20251001' }];

const recordedAnswer = () =>
  (JSON.parse(readFileSync(join(harness.server.fixturesDirectory, 'anthropic', 'message.json'), 'utf8')) as { content: { text: string }[] }).content[0]!.text;
const sent = () => harness.server.requests.find((request) => request.provider === 'anthropic')?.body as Record<string, unknown>;

describe('Claude 4.x asked a temperature and a top_p', () => {
  it('answers on Haiku 4.5, sent the temperature only', async () => {
    const result = await makeRouter().complete('Say hello.', { route: haiku45, temperature: 0.7, topP: 0.9 });
    expect(result.provider).toBe('anthropic');
    expect(result.content).toBe(recordedAnswer());
    expect(harness.server.requests.map((request) => request.status)).toEqual([200]);
    expect(sent()).toMatchObject({ model: 'claude-haiku-4-5-20251001', temperature: 0.7 });
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('streams on Sonnet 4.6', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of makeRouter().stream('Say hello.', { route: [{ provider: 'anthropic', model: 'claude-sonnet-4-6' }], temperature: 0.2, topP: 0.5 })) {
      chunks.push(chunk);
    }
    expect(chunks.some((chunk) => chunk.type === 'text-delta')).toBe(true);
    expect(sent()).toMatchObject({ model: 'claude-sonnet-4-6', temperature: 0.2, stream: true });
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('still sends a top_p asked alone', async () => {
    await makeRouter().complete('Say hello.', { route: haiku45, topP: 0.9 });
    expect(sent()).toMatchObject({ top_p: 0.9 });
    expect(sent()).not.toHaveProperty('temperature');
  });
});
