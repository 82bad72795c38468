/**
 * Test support: a stream's SSE text read by the official clients' own stream helpers (OpenAI's
 * `chat.completions.stream()` and `responses.stream()`, Anthropic's `messages.stream()`), which check the events'
 * order and assemble the answer. Each client is given the text as the body of its one response (its `fetch`
 * option), so it reads exactly what an encoder wrote. Not shipped: only tests import it.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/** What the client ended with: the answer it assembled, or what it threw. */
export type ClientOutcome<Answer> = { readonly answer: Answer; readonly error?: undefined } | { readonly answer?: undefined; readonly error: unknown };

function answering(sseText: string): (input: string | URL | Request) => Promise<Response> {
  return () => Promise.resolve(new Response(sseText, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } }));
}

async function outcome<Answer>(answer: () => Promise<Answer>): Promise<ClientOutcome<Answer>> {
  try {
    return { answer: await answer() };
  } catch (error) {
    return { error };
  }
}

const question = 'Go.';

export function openAIChatClientReads(sseText: string): Promise<ClientOutcome<OpenAI.Chat.ChatCompletion>> {
  const client = new OpenAI({ apiKey: 'test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: answering(sseText) });
  return outcome(() => client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: question }] }).finalChatCompletion());
}

export function openAIResponsesClientReads(sseText: string): Promise<ClientOutcome<OpenAI.Responses.Response>> {
  const client = new OpenAI({ apiKey: 'test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: answering(sseText) });
  return outcome(() => client.responses.stream({ model: 'm', input: question }).finalResponse());
}

/**
 * With an `inputJson` listener, as a client showing a tool's input as it comes has: the helper then parses each
 * tool_use block's input at every delta (with its partial-JSON parser), not only at the block's stop.
 */
export function anthropicClientReads(sseText: string): Promise<ClientOutcome<Anthropic.Message>> {
  const client = new Anthropic({ apiKey: 'test', baseURL: 'http://gateway.test', maxRetries: 0, fetch: answering(sseText) });
  return outcome(() =>
    client.messages
      .stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: question }] })
      .on('inputJson', () => undefined)
      .finalMessage(),
  );
}
