/**
 * Every recorded provider stream, through the real gateway, read by the official clients' stream helpers
 * (OpenAI's `chat.completions.stream()` and `responses.stream()`, Anthropic's `messages.stream()`), which check the
 * events' order as they assemble the answer: whole, each gives the same answer, and with a fault injected at a
 * random point (a reset, a truncation, a stall, an error event, cut JSON, bytes trickled across events) each
 * client ends with the answer or with the error its API documents, never a parse or ordering error of its own.
 * fast-check picks the faults and prints the seed and the shrunk fault of a failure.
 */
import { readdirSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureStore } from '../src/testing/fixture-store.js';
import { resolveFixturesDirectory } from '../src/testing/fixtures-directory.js';
import type { ProviderBehavior } from '../src/testing/provider-behavior.js';
import { testProviders, type TestProviderSpec } from '../src/testing/test-providers.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const sharedRouterOptions = {
  parallelAttempts: 1,
  cacheEnabled: false,
  defaultRateLimitCooldownMs: 1,
  // No fault keeps a provider out of the next run.
  breaker: { consecutiveFailures: 1_000_000, minimumCalls: 1_000_000 },
};
/** The gateway the faults go through: a stall is told within a fraction of a second. */
let harness: GatewayHarness;
/**
 * The gateway the whole streams go through, at the router's own timeouts: nothing stalls there, and on a busy
 * machine (2 cores, the suite's files in parallel) a healthy stream's first token took over 250 ms now and then, so
 * the whole reading ended in a timeout (1 run in 5 of this file under load).
 */
let wholeHarness: GatewayHarness;
beforeAll(async () => {
  [harness, wholeHarness] = await Promise.all([
    startGatewayHarness({ routerOptions: { ...sharedRouterOptions, firstTokenTimeoutMs: 250, idleTimeoutMs: 250 } }),
    startGatewayHarness({ routerOptions: sharedRouterOptions }),
  ]);
});
afterAll(async () => {
  await Promise.all([harness?.close(), wholeHarness?.close()]);
});

const store = new FixtureStore(resolveFixturesDirectory({}));

/** Every recorded stream of every provider the test server plays, with its number of events. */
const recordedStreams = testProviders.flatMap((provider) =>
  readdirSync(`${store.directory}/${provider.fixtureFolder}`)
    .filter((fileName) => /\.(sse|chunks\.jsonl)$/.test(fileName))
    .map((fileName) => ({ provider, fileName, events: store.events(provider, fileName).length })),
);

type Dialect = 'chat' | 'messages' | 'responses';

/** What a client ended with: its answer's text and calls, or the documented error; anything else throws. */
interface Outcome {
  readonly kind: 'answer' | 'documented-error';
  readonly text?: string;
  readonly calls?: string[];
}

interface Reading {
  readonly through: GatewayHarness;
  readonly dialect: Dialect;
  readonly provider: TestProviderSpec;
  readonly behavior: ProviderBehavior;
}

async function readWith({ through: harness, dialect, provider, behavior }: Reading): Promise<Outcome> {
  harness.providers.enqueue(provider.id, behavior);
  const model = `${provider.id}/${provider.definition.defaultModel}`;
  const prompt = 'What is the weather in Paris?';
  try {
    if (dialect === 'chat') {
      const completion = await harness.client.chat.completions
        .stream({ model, messages: [{ role: 'user', content: prompt }], stream_options: { include_usage: true } })
        .finalChatCompletion();
      const message = completion.choices[0]?.message;
      return { kind: 'answer', text: message?.content ?? '', calls: (message?.tool_calls ?? []).map((call) => (call.type === 'function' ? call.function.name : call.type)) };
    }
    if (dialect === 'messages') {
      const message = await harness.anthropicClient.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: prompt }] }).finalMessage();
      return {
        kind: 'answer',
        text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
        calls: message.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : [])),
      };
    }
    const response = await harness.client.responses.stream({ model, input: prompt }).finalResponse();
    // A stream broken after its first token ends with response.failed, its error named: the API's documented failure.
    if (response.status === 'failed') {
      expect(response.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      return { kind: 'documented-error' };
    }
    return { kind: 'answer', text: response.output_text, calls: response.output.flatMap((item) => (item.type === 'function_call' ? [item.name] : [])) };
  } catch (error) {
    // An HTTP error before the first token, or the error event after it: the client's own API error, with the API's body.
    if (dialect === 'messages' ? error instanceof Anthropic.APIError : error instanceof OpenAI.APIError) return { kind: 'documented-error' };
    throw error;
  }
}

const dialects: readonly Dialect[] = ['chat', 'messages', 'responses'];

describe.each(recordedStreams.map((recorded) => [`${recorded.provider.id}/${recorded.fileName}`, recorded] as const))('the recorded stream %s', (_name, recorded) => {
  const fixture = recorded.fileName;

  /** What every client reads of the stream whole: the chat client's reading, once. */
  let whole: Promise<Outcome> | undefined;
  const readWhole = (dialect: Dialect): Promise<Outcome> => readWith({ through: wholeHarness, dialect, provider: recorded.provider, behavior: { kind: 'success', fixture } });
  const wholeOutcome = (): Promise<Outcome> => (whole ??= readWhole('chat'));

  it('reaches each client whole, as the same answer, or as the documented error of a stream that recorded one', async () => {
    const expected = await wholeOutcome();
    for (const dialect of dialects) expect(await readWhole(dialect)).toEqual(expected);
    if (expected.kind === 'answer') expect(`${expected.text ?? ''}${(expected.calls ?? []).join('')}`.length).toBeGreaterThan(0);
  });

  const faults: fc.Arbitrary<ProviderBehavior> = fc.oneof(
    fc.record({ kind: fc.constantFrom('reset-after-events', 'truncate-after-events', 'stall-after-events', 'error-event-after-events'), events: fc.nat({ max: recorded.events }) }).map(
      (fault) => ({ ...fault, fixture }) as ProviderBehavior,
    ),
    fc.constant<ProviderBehavior>({ kind: 'malformed-json', fixture }),
    fc.integer({ min: 7, max: 200 }).map((bytesPerWrite): ProviderBehavior => ({ kind: 'trickle', fixture, bytesPerWrite, intervalMs: 0 })),
  );

  it('with a fault at a random point, ends each client with the answer or its documented error', async () => {
    await fc.assert(
      fc.asyncProperty(faults, fc.constantFrom(...dialects), async (fault, dialect) => {
        const outcome = await readWith({ through: harness, dialect, provider: recorded.provider, behavior: fault });
        // An answer is the whole one: a fault is never passed off as a shorter answer.
        if (outcome.kind === 'answer') expect(outcome).toEqual(await wholeOutcome());
      }),
      { numRuns: 6 },
    );
  });
});
