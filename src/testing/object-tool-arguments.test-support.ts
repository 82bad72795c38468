/**
 * Test support: answers of OpenAI-compatible servers that send a tool call's `function.arguments` as a JSON object
 * instead of the JSON text OpenAI specifies (Hugging Face TGI, huggingface/text-generation-inference#2136;
 * llama-server after its autoparser refactor, ggml-org/llama.cpp#20198, and with `--tool-args-object` since #20202).
 * No issue quotes a whole such body: each is a recorded OpenAI answer with only its arguments changed to the object
 * they encode, kept in test/fixtures/tool-arguments-object (provenance in test/fixtures/SOURCES.md). Not shipped: only
 * tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixturesDirectory = fileURLToPath(new URL('../../test/fixtures/tool-arguments-object/', import.meta.url));
const readFixture = (name: string): string => readFileSync(`${fixturesDirectory}${name}`, 'utf8');

/** The answer not streamed: OpenAI's recorded `square_number` call, its arguments `{"number":5}` as an object. */
export const objectArgumentsCompletion = {
  body: readFixture('chat-completion-tool-call-object-arguments.json'),
  /** The call as the recording has it, its arguments parsed (read off the recording, not by our code). */
  call: { id: 'call_i6JVJ1KxX79A4WzFri98E03U', name: 'square_number', arguments: { number: 5 } },
} as const;

/** The stream: OpenAI's recorded `get_capital` call sent whole in its first delta, its arguments an object. */
export const objectArgumentsStream = {
  body: readFixture('chat-stream-tool-call-object-arguments.sse'),
  call: { id: 'call_ZR5UUuTt3pf61kjwAJIYdVMj', name: 'get_capital', arguments: { country: 'UK' } },
} as const;
