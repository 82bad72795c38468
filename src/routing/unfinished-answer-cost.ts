/**
 * The price of an answer that did not finish: a stream that ended before its usage came (the client left, or
 * the provider broke off after the first token), or an attempt cancelled after its request was sent (it lost a
 * race, or its call ended). The provider bills what it read and wrote all the same, so it is estimated, at
 * about four characters a token for whatever the usage did not say. Pure.
 */
import type { ProviderDefinition } from '../catalog.js';
import type { Message, StreamChunk, Usage } from '../types.js';
import { budgetCostOf } from './cost.js';

export const charactersPerToken = 4;

/** What a stream relayed, or received, before it ended. */
export class StreamTally {
  outputCharacters = 0;
  usage: Usage | undefined;

  add(chunk: StreamChunk): void {
    // Reasoning is billed as output, like the answer's text.
    if (chunk.type === 'text-delta' || chunk.type === 'reasoning-delta') this.outputCharacters += chunk.text.length;
    else if (chunk.type === 'tool-call-delta') this.outputCharacters += chunk.argumentsDelta.length + (chunk.name?.length ?? 0);
    else if (chunk.type === 'usage') this.usage = chunk.usage;
  }
}

function promptCharacters(messages: readonly Message[]): number {
  let characters = 0;
  for (const message of messages) {
    characters += message.content.length;
    if (message.role === 'assistant') for (const call of message.toolCalls ?? []) characters += call.name.length + call.arguments.length;
  }
  return characters;
}

/**
 * The prompt's tokens at about four characters a token: what a stream's opening says of its input when the
 * provider told nothing before its first token. Linear and free, so the first token never waits for it.
 */
export function estimatedPromptTokens(messages: readonly Message[]): number {
  return Math.ceil(promptCharacters(messages) / charactersPerToken);
}

/** The estimated price: the catalog's, or for a model without one its provider's dearest (budgetCostOf). */
export function unfinishedAnswerCost(options: {
  readonly definition: ProviderDefinition | undefined;
  readonly model: string;
  readonly messages: readonly Message[];
  readonly tally: StreamTally;
}): number | undefined {
  const { tally } = options;
  const inputTokens = tally.usage?.inputTokens ?? estimatedPromptTokens(options.messages);
  const outputTokens = Math.max(tally.usage?.outputTokens ?? 0, Math.ceil(tally.outputCharacters / charactersPerToken));
  // What the provider said of its prompt cache is kept: cached input is priced at the cache's price.
  return budgetCostOf(options.definition, options.model, { ...tally.usage, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens })?.usd;
}
