/**
 * Property tests of the router's input checks: whatever messages and options a caller passes, `validate` and
 * `complete` either go on or end in the library's typed errors (an InvalidArgumentError before any request
 * for a bad argument), never a TypeError or another untyped exception from the router's own code, nor one of a
 * provider's converter (which the router reports as the provider's `generation_failed`). A message or an option
 * not of its type's shape (tool calls, tools, stop, response format...) is refused before any request, not sent
 * upstream as it is. Real HTTP to the provider test server for the calls that go on. fast-check prints the seed
 * of a failure; each one found is kept as a plain test in router-validation.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError, BackupModelsError, InvalidArgumentError } from '../src/index.js';
import { oddValue } from '../src/gateway/near-valid-bodies.test-support.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false });

const optionNames = [
  'preferredProvider', 'preferredModel', 'temperature', 'maxTokens', 'topP', 'seed', 'presencePenalty', 'frequencyPenalty', 'stop',
  'tier', 'tools', 'toolChoice', 'parallelToolCalls', 'responseFormat', 'reasoningEffort', 'signal', 'timeoutMs', 'route',
  'parallelAttempts', 'maxRetries', 'hedge', 'cacheScope', 'cache', 'firstTokenTimeoutMs', 'responseTimeoutMs', 'idleTimeoutMs', 'attemptLog',
] as const;

/** A value of a field: mostly one of its valid values, else an odd one. */
const validOrOdd = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: oddValue });

const cacheBreakpoint = validOrOdd(fc.constantFrom<unknown>(true, false, { ttl: '5m' }, { ttl: '1h' }));
const word = fc.string({ maxLength: 8 });

/** A tool call with each field valid or odd, some without one. */
const toolCall = fc.record(
  { id: validOrOdd(word), name: validOrOdd(word), arguments: validOrOdd(fc.constantFrom('{}', '{"q":"x"}', '')), thoughtSignature: validOrOdd(word) },
  { requiredKeys: [] },
);

/** Messages of every role, valid or with odd fields, and values that are no message at all. */
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: word }),
  fc.record(
    {
      role: fc.constantFrom<unknown>('system', 'user', 'assistant', 'tool', 'robot', 5),
      content: fc.oneof(word, oddValue),
      toolCallId: fc.oneof(word, oddValue),
      toolName: validOrOdd(word),
      images: fc.oneof(fc.constant([{ url: 'https://example.com/a.png' }]), oddValue),
      toolCalls: validOrOdd(fc.array(fc.oneof({ weight: 4, arbitrary: toolCall }, { weight: 1, arbitrary: oddValue }), { maxLength: 2 })),
      cacheBreakpoint,
    },
    { requiredKeys: ['role', 'content'] },
  ),
  oddValue,
);

/** A prompt or messages: mostly arrays of messages, sometimes anything. */
const input = fc.oneof({ weight: 4, arbitrary: fc.array(message, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: oddValue });

const schema = validOrOdd(fc.constantFrom<unknown>({}, { type: 'object', properties: {} }, { type: 'object', properties: { q: { type: 'string' } } }));

/** A tool definition with each field valid or odd, some without one. */
const tool = fc.record(
  { name: validOrOdd(word), description: validOrOdd(word), parameters: schema, strict: validOrOdd(fc.boolean()), cacheBreakpoint },
  { requiredKeys: [] },
);

/** For the options whose shape is a type of their own: valid values, near-valid ones, odd ones. */
const shapedOptionValues: Partial<Record<(typeof optionNames)[number], fc.Arbitrary<unknown>>> = {
  tools: validOrOdd(fc.array(fc.oneof({ weight: 4, arbitrary: tool }, { weight: 1, arbitrary: oddValue }), { maxLength: 2 })),
  toolChoice: validOrOdd(fc.oneof(fc.constantFrom<unknown>('auto', 'none', 'required'), fc.record({ name: validOrOdd(word) }))),
  stop: validOrOdd(fc.array(validOrOdd(word), { maxLength: 3 })),
  responseFormat: validOrOdd(
    fc.oneof(
      fc.constantFrom<unknown>({ type: 'text' }, { type: 'json_object' }),
      fc.record({ type: validOrOdd(fc.constant('json_schema')), schema, name: validOrOdd(word), strict: validOrOdd(fc.boolean()) }, { requiredKeys: ['type'] }),
    ),
  ),
  cacheScope: validOrOdd(word),
};

/** Up to three options, each a value of its shape, near-valid or odd. */
const someOptions = fc.uniqueArray(fc.constantFrom(...optionNames), { maxLength: 3 }).chain((names) => {
  const values = names.map((name) => shapedOptionValues[name] ?? oddValue);
  return fc.tuple(...values).map((picked) => Object.fromEntries(names.map((name, index) => [name, picked[index]])));
});

/** Options, or something that is no options object. */
const options = fc.oneof({ weight: 6, arbitrary: someOptions }, { weight: 1, arbitrary: oddValue });

/**
 * Whether a message or an option of the caller's breaks its type's shape, told independently of the router's
 * checks (only the shapes of types of their own: tool calls, tool answers, cache marks, tools, tool choice,
 * stop, response format, cache scope): such a call must be refused before any request.
 */
function breaksAShape(input: unknown, callOptions: unknown): boolean {
  const messageBreaks = Array.isArray(input) && input.some((each: unknown) => isObject(each) && messageBreaksAShape(each));
  return messageBreaks || (isObject(callOptions) && optionsBreakAShape(callOptions));
}

function messageBreaksAShape(message: Record<string, unknown>): boolean {
  if (!optional(message.cacheBreakpoint, isMark)) return true;
  if (message.toolCalls !== undefined && (message.role !== 'assistant' || !arrayOf(message.toolCalls, isToolCall))) return true;
  return message.role === 'tool' && !(isString(message.toolCallId) && optional(message.toolName, isString));
}

function optionsBreakAShape(callOptions: Record<string, unknown>): boolean {
  const { tools, toolChoice, stop, responseFormat, cacheScope } = callOptions;
  return (
    !optional(tools, (value) => arrayOf(value, isTool)) ||
    !optional(toolChoice, (value) => value === 'auto' || value === 'none' || value === 'required' || (isObject(value) && isString(value.name))) ||
    !optional(stop, (value) => arrayOf(value, isString)) ||
    !optional(responseFormat, isResponseFormat) ||
    !optional(cacheScope, (value) => isString(value) && value !== '')
  );
}

const isString = (value: unknown): boolean => typeof value === 'string';
const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isMark = (value: unknown): boolean => isBoolean(value) || (isObject(value) && (value.ttl === '5m' || value.ttl === '1h'));
const optional = (value: unknown, test: (value: unknown) => boolean): boolean => value === undefined || test(value);
const arrayOf = (value: unknown, test: (entry: unknown) => boolean): boolean => Array.isArray(value) && [...value].every(test);
const isToolCall = (call: unknown): boolean =>
  isObject(call) && isString(call.id) && isString(call.name) && isString(call.arguments) && optional(call.thoughtSignature, isString);
const isTool = (tool: unknown): boolean =>
  isObject(tool) &&
  isString(tool.name) &&
  optional(tool.description, isString) &&
  isObject(tool.parameters) &&
  optional(tool.strict, isBoolean) &&
  optional(tool.cacheBreakpoint, isMark);
const isResponseFormat = (format: unknown): boolean =>
  isObject(format) &&
  (format.type === 'text' ||
    format.type === 'json_object' ||
    (format.type === 'json_schema' && isObject(format.schema) && optional(format.name, isString) && optional(format.strict, isBoolean)));

/** A typed error, and none of a provider's converter failing on what the router let through (a TypeError behind `generation_failed`). */
function expectTyped(error: unknown): void {
  if (!BackupModelsError.isInstance(error)) throw error;
  if (!AllProvidersFailedError.isInstance(error)) return;
  for (const failure of error.errors) {
    if (failure.reason === 'generation_failed' && !BackupModelsError.isInstance(failure.cause)) throw failure.cause;
  }
}

describe("the router's input checks, on any input", () => {
  it('validate either passes or throws a typed error, asking no provider', () => {
    const router = harness.makeRouter();
    fc.assert(
      fc.property(input, options, (messages, callOptions) => {
        let refusal: unknown;
        try {
          router.validate(messages as never, callOptions as never);
        } catch (error) {
          expectTyped(error);
          refusal = error;
        }
        if (breaksAShape(messages, callOptions)) expect(refusal).toBeInstanceOf(InvalidArgumentError);
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
        const refusal = await router.complete(messages as never, bounded as never).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (refusal !== undefined) expectTyped(refusal);
        if (refusal instanceof InvalidArgumentError) expect(harness.server.requests.length).toBe(requestsBefore);
        if (breaksAShape(messages, callOptions)) expect(refusal).toBeInstanceOf(InvalidArgumentError);
      }),
      { numRuns: 200 },
    );
  });
});
