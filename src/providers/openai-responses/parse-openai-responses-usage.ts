import { asRecord } from '../../json-value.js';
import { readTokenCount } from '../../token-count.js';
import type { Mutable, Usage } from '../../types.js';

/**
 * A Responses `usage`: `input_tokens`, `output_tokens`, `total_tokens`, with `input_tokens_details.cached_tokens`
 * (read from the prompt cache) and `cache_write_tokens` (written to it, recorded for gpt-6-luna in vercel/ai's
 * `gpt-6-luna-reasoning-none-sampling.json`), and `output_tokens_details.reasoning_tokens`.
 */
export function parseOpenAIResponsesUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (usage === undefined) return undefined;
  const inputTokens = readTokenCount(usage.input_tokens);
  const outputTokens = readTokenCount(usage.output_tokens);
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const parsed: Mutable<Usage> = { inputTokens, outputTokens, totalTokens: readTokenCount(usage.total_tokens) ?? inputTokens + outputTokens };
  const inputDetails = asRecord(usage.input_tokens_details);
  const cached = readTokenCount(inputDetails?.cached_tokens);
  if (cached !== undefined && cached > 0) parsed.cachedInputTokens = cached;
  const written = readTokenCount(inputDetails?.cache_write_tokens);
  if (written !== undefined && written > 0) parsed.cacheWriteInputTokens = written;
  const reasoningTokens = readTokenCount(asRecord(usage.output_tokens_details)?.reasoning_tokens);
  if (reasoningTokens !== undefined && reasoningTokens > 0) parsed.reasoningTokens = reasoningTokens;
  return parsed;
}
