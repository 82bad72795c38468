/**
 * Refusing more stop sequences than a provider takes (`ProviderDefinition.stopSequencesMaxCount`). OpenAI takes
 * 4 ("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 9
 * instead.", continuedev/continue#2461; https://help.openai.com/en/articles/5072263), Groq 4 ("Up to 4 sequences" in its
 * request schema, groq/groq-typescript src/resources/chat/completions.ts; "stop : maximum number of items is 4",
 * letta-ai/letta#1288), Gemini 5 (GenerationConfig.stopSequences, "up to 5"; "the number of stop_sequences must not
 * exceed 5", continuedev/continue#2702), Moonshot 5 (its chat API reference, as quoted: see src/catalog.ts).
 * Anthropic documents no count and takes more (boto/botocore#3354: the 4 of Bedrock's Converse "does not exist in
 * the regular Anthropic API"; Continue sends its Anthropic model every stop sequence, core/llm/llms/Anthropic.ts). Continue's autocomplete sends 9: such a call
 * goes to a provider that takes them, and one that would refuse it is skipped before anything is sent. The limit is
 * the provider's, held whatever its wire format (provider-request-limits.ts): a server of one's own may set one in any API (vLLM bounds Anthropic's
 * `stop_sequences` too, vllm-project/vllm#51997).
 */
import { InvalidArgumentError } from '../errors.js';

/** Refuse, as an invalid argument for this provider (the router then asks a provider that takes it), more stop sequences than it takes. */
export function refuseExtraStopSequences(stop: readonly string[], options: { readonly maxCount: number }): void {
  if (stop.length <= options.maxCount) return;
  throw new InvalidArgumentError({
    argument: 'stop',
    message: `${stop.length} stop sequences were given; this provider takes at most ${options.maxCount}`,
  });
}

/**
 * Refuse, as an invalid argument for Anthropic (the router then asks another provider), a stop sequence of
 * whitespace alone: Anthropic answers it 400 "each stop sequence must contain non-whitespace"
 * (BerriAI/litellm#3286), which would end the call, while OpenAI takes it and chat clients send it (Continue's
 * `"\n\n"`, continuedev/continue#2461). Dropping it instead would let the model run on past where the caller
 * asked it to stop.
 */
export function refuseWhitespaceStopSequences(stop: readonly string[]): void {
  const index = stop.findIndex((sequence) => sequence.trim() === '');
  if (index === -1) return;
  throw new InvalidArgumentError({
    argument: `stop[${index}]`,
    message: 'A stop sequence of whitespace alone was given; Anthropic takes only stop sequences with some non-whitespace',
  });
}
