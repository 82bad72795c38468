/**
 * Property tests of the router's input checks: whatever messages and options a caller passes, `validate` and
 * `complete` either go on or end in the library's typed errors (an InvalidArgumentError before any request
 * for a bad argument), never a TypeError or another untyped exception from the router's own code. Real HTTP
 * to the provider test server for the calls that go on. fast-check prints the seed of a failure; each one
 * found is kept as a plain test in router-validation.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackupModelsError, InvalidArgumentError } from '../src/index.js';
import { oddValue } from '../src/gateway/near-valid-bodies.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const optionNames = [
  'preferredProvider', 'preferredModel', 'temperature', 'maxTokens', 'topP', 'seed', 'presencePenalty', 'frequencyPenalty', 'stop',
  'tier', 'tools', 'toolChoice', 'parallelToolCalls', 'responseFormat', 'reasoningEffort', 'signal', 'timeoutMs', 'route',
  'parallelAttempts', 'maxRetries', 'hedge', 'cacheScope', 'cache', 'firstTokenTimeoutMs', 'responseTimeoutMs', 'idleTimeoutMs', 'attemptLog',
] as const;

/** Messages of every role, valid or with odd fields, and values that are no message at all. */
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: fc.string({ maxLength: 8 }) }),
  fc.record(
    {
      role: fc.constantFrom<unknown>('system', 'user', 'assistant', 'tool', 'robot', 5),
      content: fc.oneof(fc.string({ maxLength: 8 }), oddValue),
      toolCallId: fc.oneof(fc.string({ maxLength: 8 }), oddValue),
      images: fc.oneof(fc.constant([{ url: 'https://example.com/a.png' }]), oddValue),
      cacheBreakpoint: oddValue,
    },
    { requiredKeys: ['role', 'content'] },
  ),
  oddValue,
);

/** A prompt or messages: mostly arrays of messages, sometimes anything. */
const input = fc.oneof({ weight: 4, arbitrary: fc.array(message, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: oddValue });

/** Options with up to three fields of odd values, or something that is no options object. */
const options = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...optionNames), oddValue, { maxKeys: 3 }) },
  { weight: 1, arbitrary: oddValue },
);

function expectTyped(error: unknown): void {
  if (!BackupModelsError.isInstance(error)) throw error;
}

describe("the router's input checks, on any input", () => {
  it('validate either passes or throws a typed error, asking no provider', () => {
    const router = harness.makeRouter();
    fc.assert(
      fc.property(input, options, (messages, callOptions) => {
        try {
          router.validate(messages as never, callOptions as never);
        } catch (error) {
          expectTyped(error);
        }
      }),
      { numRuns: 300 },
    );
    expect(harness.server.requests).toHaveLength(0);
  });

  it('complete either answers or rejects with a typed error, an InvalidArgumentError before any request', async () => {
    const router = harness.makeRouter();
    await fc.assert(
      fc.asyncProperty(input, options, async (messages, callOptions) => {
        // Bounded, so a call that goes on cannot retry or wait for long.
        const bounded = typeof callOptions === 'object' && callOptions !== null && !Array.isArray(callOptions)
          ? { timeoutMs: 5_000, ...callOptions, maxRetries: 0 }
          : callOptions;
        const requestsBefore = harness.server.requests.length;
        try {
          await router.complete(messages as never, bounded as never);
        } catch (error) {
          expectTyped(error);
          if (error instanceof InvalidArgumentError) expect(harness.server.requests.length).toBe(requestsBefore);
        }
      }),
      { numRuns: 200 },
    );
  });
});
