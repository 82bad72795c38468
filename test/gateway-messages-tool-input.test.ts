/**
 * A tool call whose arguments begin as a JSON object but are not JSON inside (`{country: UK}`, as an OpenAI-compatible
 * or other non-Anthropic model may write them), through the gateway's Messages stream to Anthropic's own stream
 * helper, which parses a tool_use block's input when the block stops and threw on such text, failing the whole
 * message. The upstream stream is the recorded OpenAI tool-call stream, its argument pieces rewritten (as a model
 * would have written them: the events are the recording's); the answer not streamed is the recorded tool-call
 * completion with the same arguments, so the two can be compared.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordedFixtures } from '../src/testing/shared-fixtures.test-support.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({ yamlText: 'cache:\n  enabled: false\n' });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

const model = 'openai/gpt-4o-mini';
const openai = recordedFixtures('openai');
const tools: Anthropic.Tool[] = [
  { name: 'get_capital', input_schema: { type: 'object', properties: { country: { type: 'string' } }, required: ['country'] } },
];

interface ChunkPayload {
  choices: { delta: { tool_calls?: { function: { arguments: string } }[] } }[];
}

/** The recorded stream's events, each with its framing. */
const recordedEvents = openai
  .readFixtureText('chat-stream-tool-call.sse')
  .split(/(?<=\n\n)/)
  .filter((event) => event.trim() !== '');
/** The events that carry a piece of the call's arguments (the recording's: `{"`, `country`, `":"`, `UK`, `"}`). */
const argumentEvents = recordedEvents.filter((event) => event.includes('"arguments":"') && !event.includes('"arguments":""'));

/** The recorded stream with its argument pieces replaced by `pieces`, one per recorded piece. */
function streamWithArguments(pieces: readonly string[]): string {
  expect(pieces).toHaveLength(argumentEvents.length);
  return recordedEvents
    .map((event) => {
      const position = argumentEvents.indexOf(event);
      if (position < 0) return event;
      const payload = JSON.parse(event.slice('data: '.length)) as ChunkPayload;
      payload.choices[0]!.delta.tool_calls![0]!.function.arguments = pieces[position]!;
      return `data: ${JSON.stringify(payload)}\n\n`;
    })
    .join('');
}

/** The recorded completion that called a tool, its arguments replaced. */
function completionWithArguments(argumentsText: string): string {
  const completion = openai.readFixtureJson('chat-completion-tool-call.json') as { choices: { message: { tool_calls: { function: { arguments: string } }[] } }[] };
  completion.choices[0]!.message.tool_calls[0]!.function.arguments = argumentsText;
  return JSON.stringify(completion);
}

async function streamedInput(pieces: readonly string[]): Promise<unknown> {
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: streamWithArguments(pieces), contentType: 'text/event-stream' });
  const message = await harness.anthropicClient.messages
    .stream({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Capital of the UK?' }], tools })
    .finalMessage();
  expect(message.stop_reason).toBe('tool_use');
  const [block] = message.content;
  expect(block?.type).toBe('tool_use');
  return block?.type === 'tool_use' ? block.input : undefined;
}

async function notStreamedInput(argumentsText: string): Promise<unknown> {
  harness.providers.setBehavior('openai', { kind: 'status', status: 200, body: completionWithArguments(argumentsText), contentType: 'application/json' });
  const message = await harness.anthropicClient.messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Capital of the UK?' }], tools });
  const [block] = message.content;
  return block?.type === 'tool_use' ? block.input : undefined;
}

describe("a Messages stream's tool input that begins as an object but is not JSON inside", () => {
  it("reaches Anthropic's stream helper as the answer not streamed gives it, { arguments: text }, when the fault comes before the first key", async () => {
    const pieces = ['{', 'country', ': ', 'UK', '}'];
    const input = await streamedInput(pieces);
    expect(input).toEqual({ arguments: '{country: UK}' });
    expect(input).toEqual(await notStreamedInput(pieces.join('')));
  });

  it('keeps the keys whole before a later fault, and the whole text in arguments', async () => {
    const pieces = ['{"', 'country', '":"', 'UK', '", capital: London}'];
    expect(await streamedInput(pieces)).toEqual({ country: 'UK', arguments: '{"country":"UK", capital: London}' });
  });

  it('gives the key the fault fell in as null, never a value cut short: a line break inside a string is not JSON', async () => {
    const pieces = ['{"', 'country', '":"', 'United\nKingdom', '"}'];
    expect(await streamedInput(pieces)).toEqual({ country: null, arguments: '{"country":"United\nKingdom"}' });
  });

  it('still streams arguments that are JSON as they came', async () => {
    expect(await streamedInput(['{"', 'country', '":"', 'UK', '"}'])).toEqual({ country: 'UK' });
  });
});
