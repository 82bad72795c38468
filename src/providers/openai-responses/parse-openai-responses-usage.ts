import { asRecord, readNumber } from '../../json-value.js';
import type { Mutable, Usage } from '../../types.js';

/**
 * A Responses `usage`: `input_tokens`, `output_tokens`, `total_tokens`, with `input_tokens_details.cached_tokens`
 * (read from the prompt cache) and `cache_write_tokens` (written to it, recorded for gpt-6-luna in vercel/ai's
 * `gpt-6-luna-reasoning-none-sampling.json`), and `output_tokens_details.reasoning_tokens`.
 */
export function parseOpenAIResponsesUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (usage === undefined) return undefined;
  const inputTokens = readNumber(usage.input_tokens);
  const outputTokens = readNumber(usage.output_tokens);
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const parsed: Mutable<Usage> = { inputTokens, outputTokens, totalTokens: readNumber(usage.total_tokens) ?? inputTokens + outputTokens };
  const inputDetails = asRecord(usage.input_tokens_details);
  const cached = readNumber(inputDetails?.cached_tokens);
  if (cached !== undefined && cached > 0) parsed.cachedInputTokens = cached;
  const written = readNumber(inputDetails?.cache_write_tokens);
  if (written !== undefined && written > 0) parsed.cacheWriteInputTokens = written;
  const reasoningTokens = readNumber(asRecord(usage.output_tokens_details)?.reasoning_tokens);
  if (reasoningTokens !== undefined && reasoningTokens > 0) parsed.reasoningTokens = reasoningTokens;
  return parsed;
}
