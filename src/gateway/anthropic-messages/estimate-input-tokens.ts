/**
 * An estimate of the input tokens a Messages request costs, for `POST /v1/messages/count_tokens`: Claude's
 * tokenizer is not published, so the text is counted with OpenAI's o200k encoding (gpt-tokenizer, loaded on
 * the first count), plus what Anthropic adds around it: a few tokens a turn, tool definitions as it renders
 * them (about twice their JSON), the system prompt of tool use when tools are given (264 tokens for the
 * Claude 3 Haikus, 346 for the rest, as Anthropic documents), and about 1,600 tokens an image (its cap for an
 * image of up to 1.15 megapixels). Within a quarter of what Anthropic billed for each recorded request.
 */
import type { Message, ToolDefinition } from '../../types.js';

type CountTokens = (text: string) => number;

let counter: Promise<CountTokens> | undefined;

/** The o200k counter, imported once (about 0.2 s and 60 MB the first time). */
function loadCounter(): Promise<CountTokens> {
  counter ??= import('gpt-tokenizer/encoding/o200k_base').then((module) => module.countTokens as CountTokens);
  return counter;
}

const requestTokens = 3;
const turnTokens = 3;
const imageTokens = 1600;
/** Anthropic renders a tool's definition at about twice the tokens of its JSON. */
const toolDefinitionFactor = 2;

function toolUseSystemTokens(model: string): number {
  return /claude-3-(5-)?haiku/.test(model) ? 264 : 346;
}

export async function estimateInputTokens(request: {
  readonly model: string;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolDefinition[] | undefined;
}): Promise<number> {
  const count = await loadCounter();
  let tokens = requestTokens;
  for (const message of request.messages) {
    tokens += count(message.content);
    if (message.role !== 'system') tokens += turnTokens;
    if ((message.role === 'user' || message.role === 'tool') && message.images !== undefined) tokens += imageTokens * message.images.length;
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) tokens += count(call.name) + count(call.arguments) + turnTokens;
  }
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    tokens += toolUseSystemTokens(request.model);
    for (const tool of tools) {
      tokens += toolDefinitionFactor * count(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.parameters }));
    }
  }
  return tokens;
}
