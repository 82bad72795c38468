import { defaultResponseSizeLimit } from '../http/response-size-limit.js';

/** The router's defaults, in one place. */
export const routerDefaults = {
  parallelAttempts: 3,
  cacheTtlSeconds: 300,
  cacheMaxEntries: 1000,
  timeoutMs: 60_000,
  firstTokenTimeoutMs: 15_000,
  /** `complete` gets its headers only with the whole answer: a longer wait than for a first token. */
  responseTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  credentialCooldownMs: 10 * 60_000,
  defaultRateLimitCooldownMs: 2_000,
  /** A retired model stays retired: one wasted round trip an hour per model, or a health check's success, asks again. */
  missingModelPeriodMs: 60 * 60_000,
  healthCheckTimeoutMs: 5_000,
  /** Background health checks no more often than this: each is a request to every provider. */
  minimumHealthCheckIntervalMs: 1_000,
  /** Hedge delay before any latency was observed. */
  hedgeDelayWithoutSamplesMs: 1_000,
  minimumHedgeDelayMs: 5,
  /** A cache read may take this share of the call's time left, and never more than `cacheReadMaxMs`: then it is a miss. */
  cacheReadShareOfTimeLeft: 0.1,
  cacheReadMaxMs: 1_000,
  /** close() waits this long at most for cache writes in flight (a store that never answers must not hold it). */
  cacheCloseWaitMs: 5_000,
  /** A circuit's first open period, doubling at each failed probe up to the longest. */
  breakerOpenDurationMs: 5_000,
  breakerMaxOpenDurationMs: 60_000,
  /** One refusal of a request as invalid may be one vendor's quirk; two independent ones say the request is bad. */
  stopAfterInvalidRequests: 2,
  maxRetries: 0,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 8_000,
  /** A provider's whole answer, and one line or event of a stream: 16 MiB (see `defaultResponseSizeLimit`). */
  maxProviderResponseBytes: defaultResponseSizeLimit.bytes,
  /**
   * An embeddings answer to 2,048 texts (the most a call embeds) of 3,072 values (text-embedding-3-large, the longest
   * vectors of the catalog) is 33.7 MB as the base64 it is asked in (16,384 characters a vector), 137 MB as numbers from
   * a server that ignores `encoding_format` and writes them as Google does (21.8 bytes a value: 16,717 bytes for 768 in
   * test/fixtures/gemini/batchEmbedContents-dimensions-768.json); 256 MiB, 128 KiB a text, leaves room for 4,096 values
   * (an own provider's model) written so (183 MB).
   */
  maxProviderEmbeddingResponseBytes: 256 * 1024 * 1024,
} as const;
