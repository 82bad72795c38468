/**
 * What a call was billed, in tokens (and a server tool's requests), as providers report it. Types only.
 */

/** The tokens of one chat answer, as its provider reported them (a stream's last `usage` chunk holds the whole). */
export interface Usage {
  /** Every input token, those read from or written to a prompt cache included. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  /** Of `inputTokens`, those read from the provider's prompt cache (billed at its cache price); absent when none. */
  readonly cachedInputTokens?: number;
  /** Of `inputTokens`, those written to the prompt cache (Anthropic bills them above the input price); absent when none. */
  readonly cacheWriteInputTokens?: number;
  /** Of `cacheWriteInputTokens`, those written for an hour (`ttl: '1h'`), billed higher still; absent when none. */
  readonly cacheWrite1hInputTokens?: number;
  /** Of `outputTokens`, those the model spent reasoning (billed as output); absent when the provider does not say. */
  readonly reasoningTokens?: number;
  /** Web searches a server tool ran for the answer (Anthropic bills each beside the tokens); absent when none was reported. */
  readonly webSearchRequests?: number;
  /** Pages a server tool fetched for the answer (Anthropic's web fetch, billed as tokens only); absent when none was reported. */
  readonly webFetchRequests?: number;
}

export interface EmbeddingUsage {
  readonly inputTokens: number;
}
