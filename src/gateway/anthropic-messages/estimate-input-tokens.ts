/**
 * An estimate of the input tokens a Messages request costs, for `POST /v1/messages/count_tokens`: Claude's
 * tokenizer is not published, so the text is counted with OpenAI's o200k encoding (gpt-tokenizer, loaded on
 * the first count), plus what Anthropic adds around it: a few tokens a turn, tool definitions as it renders
 * them (about twice their JSON), the system prompt of tool use when tools are given (264 tokens for the
 * Claude 3 Haikus, 346 for the rest, as Anthropic documents), and about 1,600 tokens an image (its cap for an
 * image of up to 1.15 megapixels). Within a quarter of what Anthropic billed for each recorded request.
 * The work is bounded: BPE takes time growing much faster than the length of one unbroken run of letters
 * (100,000 of them took 12 s), so runs are counted in pieces of 256 characters; and past the first two
 * million characters of a request the rest is counted at the rate the counted part had.
 */
import type { Message, ToolDefinition } from '../../types.js';

type CountTokens = (text: string) => number;

let counter: Promise<CountTokens> | undefined;

/** The o200k counter, imported once (0.2 to 0.4 s and about 70 MB the first time); tried again if that failed. */
function loadCounter(): Promise<CountTokens> {
  counter ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => module.countTokens as CountTokens,
    (error: unknown) => {
      counter = undefined;
      throw error;
    },
  );
  return counter;
}

const pieceCharacters = 256;
const longRun = /\S{257,}/g;
const countedCharactersLimit = 2_000_000;

/** Counts texts with bounded work: long runs in pieces, and past the limit at the rate so far. */
class TokenTally {
  #countedCharacters = 0;
  #countedTokens = 0;
  #estimatedCharacters = 0;

  constructor(readonly count: CountTokens) {}

  add(text: string): void {
    const room = countedCharactersLimit - this.#countedCharacters;
    const counted = text.length <= room ? text : text.slice(0, Math.max(0, room));
    this.#estimatedCharacters += text.length - counted.length;
    if (counted.length === 0) return;
    this.#countedCharacters += counted.length;
    this.#countedTokens += this.#countPieces(counted);
  }

  get tokens(): number {
    const rate = this.#countedCharacters === 0 ? 0.25 : this.#countedTokens / this.#countedCharacters;
    return this.#countedTokens + Math.ceil(this.#estimatedCharacters * rate);
  }

  #countPieces(text: string): number {
    if (text.length <= pieceCharacters) return this.count(text);
    let tokens = 0;
    let last = 0;
    for (const match of text.matchAll(longRun)) {
      tokens += this.count(text.slice(last, match.index));
      const run = match[0];
      for (let start = 0; start < run.length; start += pieceCharacters) tokens += this.count(run.slice(start, start + pieceCharacters));
      last = match.index + run.length;
    }
    return tokens + this.count(text.slice(last));
  }
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
  const text = new TokenTally(await loadCounter());
  const tools = new TokenTally(text.count);
  let tokens = requestTokens;
  for (const message of request.messages) {
    text.add(message.content);
    if (message.role !== 'system') tokens += turnTokens;
    if ((message.role === 'user' || message.role === 'tool') && message.images !== undefined) tokens += imageTokens * message.images.length;
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) {
        text.add(call.name);
        text.add(call.arguments);
        tokens += turnTokens;
      }
    }
  }
  const definitions = request.tools ?? [];
  if (definitions.length > 0) {
    tokens += toolUseSystemTokens(request.model);
    for (const tool of definitions) tools.add(JSON.stringify({ name: tool.name, description: tool.description, input_schema: tool.parameters }));
  }
  return tokens + text.tokens + toolDefinitionFactor * tools.tokens;
}
