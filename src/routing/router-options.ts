import type { CacheBackend } from '../cache/cache-backend.js';
import type { Cancellation } from '../cancellation.js';
import type { ProviderDefinition } from '../catalog.js';
import type { Clock } from '../clock.js';
import type { Attempt } from '../errors.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { BackupModelRouter } from './backup-model-router.js';
import type { ProviderStateSync } from './provider-state-sync.js';
import type {
  FinishReason,
  Message,
  ReasoningEffort,
  ResponseFormat,
  ServerToolBlocks,
  ServerTools,
  SignedReasoning,
  StreamChunk,
  Tier,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from '../types.js';

/**
 * Start the next candidate only after a delay instead of racing all at once: most calls cost one request
 * and the slow ones are rescued. `auto` waits about the p95 latency observed for the one in flight.
 */
export type HedgeOption = { readonly delayMs: number | 'auto' };

export interface BreakerOptions {
  /**
   * Open a provider seeing few calls after this many health failures in a row, provided at least
   * `failureRateThreshold` of its last 5 s (or of `windowMs`, when shorter) failed too (a run alone happens by
   * chance at high volume). Default 5.
   */
  readonly consecutiveFailures?: number;
  /** Open when this share of calls in the window failed. Default 0.5. */
  readonly failureRateThreshold?: number;
  /** The rate rule needs at least this many calls in the window. Default 10. */
  readonly minimumCalls?: number;
  /** Length of the sliding window of the rate rule. Default 30 s. */
  readonly windowMs?: number;
  /** First open period; it grows with each reopening. Default 5 s. */
  readonly openDurationMs?: number;
  /** Cap on the open period. Default 60 s. */
  readonly maxOpenDurationMs?: number;
}

export interface BackupModelRouterOptions {
  /** How many candidates run at once. 1 is plain sequential fallback. Default 3, as the seed says. */
  readonly parallelAttempts?: number;
  /** Hedge instead of racing: start candidates one by one, each after a delay. Off by default. */
  readonly hedge?: HedgeOption | false;
  /**
   * Rounds over the providers again when every candidate of a call failed with a failure that may pass
   * (overload, server error, timeout, network, rate limit, or the provider's own `x-should-retry: true`), after
   * an exponential wait from `retryBaseDelayMs`, never past the deadline. Default 0: failing over is the retry.
   * Set it when few providers have a key: with one, a blip is otherwise the call's failure.
   */
  readonly maxRetries?: number;
  /** Wait before the first retry round, doubling each round up to 8 s, with up to 25% jitter. Default 500 ms. */
  readonly retryBaseDelayMs?: number;
  /**
   * How many distinct candidates (provider and model) must refuse a call's request as invalid (`invalid_request`,
   * a 400 or 422 that is no context length or missing model) before the call ends. Until then a refusal fails over
   * as other failures do, as it may be one vendor's quirk (a parameter or a stop sequence only it refuses); at the
   * count, the call ends with the first refusal's error, and attempts still in flight are aborted. A call whose every
   * candidate refused (fewer than the count) ends with it too. A refusal is never retried on the candidate that made
   * it, and counts against no provider's health. An integer of at least 1; 1 stops at the first refusal. Default 2.
   */
  readonly stopAfterInvalidRequests?: number;
  readonly cacheEnabled?: boolean;
  /** How long an answer stays in the cache: a finite number of seconds above 0 (checked when the router is made). Default 300. */
  readonly cacheTtlSeconds?: number;
  /** Bound on the in-process cache's entries, an integer of at least 1. Default 1000. */
  readonly cacheMaxEntries?: number;
  /** Replace the in-process cache (a Redis backend, for example). */
  readonly cacheBackend?: CacheBackend;
  /** Providers as data. Default: the six built-in providers. */
  readonly catalog?: readonly ProviderDefinition[];
  /** More candidates that are not HTTP providers of the catalog (an AI SDK model, a simulator). */
  readonly extraProviders?: readonly ModelProvider[];
  /**
   * Where keys and base URLs are read, at call time, and the outbound proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`),
   * when the router is made. Default `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  /** Deadline of a whole call, fallbacks included. Default 60 s. */
  readonly timeoutMs?: number;
  /** Limit on the wait for a provider's first content token when streaming. Default 15 s. */
  readonly firstTokenTimeoutMs?: number;
  /**
   * Limit on the wait for one provider's response in `complete`, whose headers arrive with the whole answer:
   * past it the call fails over. Default 30 s; a long answer or a model thinking hard needs more (within
   * `timeoutMs`), and a stream is the better way to ask for one.
   */
  readonly responseTimeoutMs?: number;
  /** Limit on silence between stream chunks. Default 30 s. */
  readonly idleTimeoutMs?: number;
  readonly breaker?: BreakerOptions;
  /** How long a provider with a bad key or an exhausted quota is kept out. Default 10 minutes. */
  readonly credentialCooldownMs?: number;
  /** Cooldown after a rate limit that gave no Retry-After. Default 2 s. */
  readonly defaultRateLimitCooldownMs?: number;
  /**
   * How long a model its provider answered `model_not_found` for (a retired model, a mistyped id) is left out of
   * candidate selection, while the provider's other models and the other providers serve. It is asked again
   * once this has passed, after a health check of its provider succeeds, or when an answer from it arrives.
   * Nothing counts against the provider's circuit or health. Default 1 hour; 0 remembers nothing.
   */
  readonly missingModelPeriodMs?: number;
  /** Bound on one active health check. Default 5 s. */
  readonly healthCheckTimeoutMs?: number;
  /**
   * Run `healthCheck()` in the background at this interval, at least 1 s (each check is a models-list request
   * to every provider). Off by default.
   */
  readonly healthCheckIntervalMs?: number;
  /** Connect timeout of the HTTP pool. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /**
   * The most bytes held of a provider's whole answer (`complete`, a health check's models list), and of one line or
   * event of a stream (the Responses API's `response.completed` repeats the whole answer): past it the request is
   * ended, its socket closed, and the attempt fails as the provider's `server_error` (a broken proxy, a base URL
   * pointing at a file server), which fails over, before a stream's first token, and counts against the provider's
   * health as a 500 does. An error body is cut to its first 64 KiB whatever this is. An integer of at least 1;
   * default 16 MiB, which the longest answer a model writes (128,000 tokens) does not reach as JSON.
   */
  readonly maxProviderResponseBytes?: number;
  /**
   * The same for an embeddings answer to 2,048 texts, the most a call embeds; an answer to fewer is held to its share
   * (128 KiB a text by default), never less than `maxProviderResponseBytes`. Default 256 MiB: 2,048 vectors of 3,072
   * values are 33.7 MB as the base64 they are asked in, 137 MB as numbers from a server that ignores that.
   */
  readonly maxProviderEmbeddingResponseBytes?: number;
  /** Share circuits, cooldowns and probes with other instances (see `createRedisSharedState`). */
  readonly stateSync?: ProviderStateSync;
  /**
   * The router this one replaces, as the gateway's configuration reload replaces its router. Each provider that
   * calls the same upstream as before (the same id, protocol and base URL in effect) starts with what the previous
   * router knew of it: its circuit, health figures and latencies (the same ones: the previous router's calls still
   * in flight count here too), its cooldowns but those of a refused key or an exhausted quota (a new key gets its
   * try), the models remembered missing, and the spending its health shows. With its cache on and no
   * `cacheBackend` of its own, this router takes over the previous one's in-process cache, answers and all; the
   * previous router's `close()` then leaves that cache (or a `cacheBackend` given to both) open. Close the previous
   * router once its calls have ended: `close()` still cancels what it has in flight.
   */
  readonly previousRouter?: BackupModelRouter;
}

/** One explicit candidate: this provider with this model. */
export interface RouteTarget {
  readonly provider: string;
  readonly model: string;
}

export interface CompleteOptions {
  /**
   * Try this provider first: the id of one of the router's providers (`Provider.GROQ`, a catalog entry's or
   * an extra provider's id), else the call throws InvalidArgumentError. Without `preferredModel`, it is asked
   * for its model of the call's tier; a provider with none (Moonshot at tier 1) is not asked, and the call
   * goes to the others as if none were preferred.
   */
  readonly preferredProvider?: string;
  /** With `preferredProvider`, the model to ask it for. */
  readonly preferredModel?: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  /**
   * Sample the same way for the same seed, as far as a provider can (OpenAI-wire and Gemini take it; Anthropic
   * has none). A hint for reproducibility, not a promise: failover may answer from another model.
   */
  readonly seed?: number;
  /** -2 to 2: how much a token already present is held back (OpenAI-wire and Gemini; Anthropic has none). */
  readonly presencePenalty?: number;
  /** -2 to 2: how much a token is held back by how often it appeared (OpenAI-wire and Gemini; Anthropic has none). */
  readonly frequencyPenalty?: number;
  readonly stop?: readonly string[];
  /** 1 fast and cheap, 2 balanced, 3 best quality. */
  readonly tier?: Tier;
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  /**
   * `false`: at most one tool call per answer, for an agent that runs its tools one at a time. Sent as
   * `parallel_tool_calls: false` on the OpenAI wire and `disable_parallel_tool_use` to Anthropic; Gemini has
   * no such switch and is asked as is. Default: the provider's own (several calls allowed).
   */
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  /**
   * How hard a reasoning model thinks: `reasoning_effort` on the OpenAI wire, a thinking budget of 1,024,
   * 8,192 or 24,576 tokens for Anthropic and Gemini (added to `maxTokens`, which stays the answer's room,
   * within the model's limit). Only models the catalog marks `reasoning` are sent it; the others answer as
   * usual, so a call still fails over to any model. Anthropic is asked without thinking when it cannot take
   * it (a forced tool choice, or a turn of tool results, whose thinking blocks no history carries). `'none'` asks
   * for no thinking (see `ReasoningEffort`): Claude models that can be told so are sent `thinking: {type: "disabled"}`
   * and `maxTokens` unchanged, the others the least thinking the catalog says they take.
   */
  readonly reasoningEffort?: ReasoningEffort;
  /**
   * Tools a provider runs itself, as that provider takes them (Anthropic's web search: `{ provider: 'anthropic',
   * tools: [{ type: 'web_search_20250305', name: 'web_search' }] }`). Only that provider, on the Anthropic wire, is
   * asked: the others are skipped (listed in `attempts`), and a call that none can serve fails with
   * `NoProviderAvailableError` (`noProviderTakesRequest`). The answer's calls and results come back as
   * `serverToolBlocks`. Part of the cache key.
   */
  readonly serverTools?: ServerTools;
  /**
   * Aborts the call. A `Cancellation` (see `CancelScope`) does the same without the cost of an
   * AbortSignal, which is what a server making one per request wants.
   */
  readonly signal?: AbortSignal | Cancellation;
  /** Deadline of this call, fallbacks included. */
  readonly timeoutMs?: number;
  /** Exactly these candidates, in this order (a gateway route, or `provider/model`). */
  readonly route?: readonly RouteTarget[];
  /** Override the router's parallelism for this call. */
  readonly parallelAttempts?: number;
  /** Override the router's `maxRetries` for this call. */
  readonly maxRetries?: number;
  readonly hedge?: HedgeOption | false;
  /** Cache entries are shared only within one scope (a gateway key, a tenant). Default 'default'. */
  readonly cacheScope?: string;
  /**
   * The cache for this call: `false` neither reads nor stores; `'refresh'` asks a provider even when an answer is
   * cached (nor does it join an identical call in flight) and stores the new answer in place of the old, as a
   * "regenerate" button wants. Default true: read, then store.
   */
  readonly cache?: boolean | 'refresh';
  /** Streams: fail over when no content token arrived within this time. */
  readonly firstTokenTimeoutMs?: number;
  /** `complete`: fail over when no response (the whole answer) arrived within this time. */
  readonly responseTimeoutMs?: number;
  /** End a response that falls silent for this long between chunks. */
  readonly idleTimeoutMs?: number;
  /**
   * Where the router leaves this call's attempt log: for a caller whose call may end in its own abort, which is
   * rethrown as is and so carries none. What the attempts it sent cost though nobody took their answers
   * (`Attempt.estimatedCostUsd`) is then known all the same, once the call has settled: a gateway charges its
   * key from it. Undefined after a cache hit; a call that joined another's identical call in flight finds no
   * estimate there (they are that call's to bear), unless that call's first caller left before it ended: the
   * first joiner to get its outcome (its answer, or its failure) takes the call over (an answer `cached: false`),
   * and finds its attempts here. The first caller's log, as it leaves, keeps the attempts as they stood, without
   * estimates, and gets a `pricedLater` (see `AttemptLog`).
   * Emptied as each call begins, so a log given again never holds an earlier call's attempts; one log given to
   * calls at the same time holds whichever set it last. A stream's attempts are also its `attempts`.
   */
  readonly attemptLog?: AttemptLog;
}

/**
 * Where a call leaves its attempt log (`CompleteOptions.attemptLog`): set as its race begins, to the log the
 * race appends to as each attempt ends, and final once the call has settled.
 */
export interface AttemptLog {
  attempts: readonly Attempt[] | undefined;
  /**
   * Set when the call ended (its caller left, or its own deadline passed) while callers that joined its identical
   * call in flight still waited on it: that call goes on for them, and its attempts are priced only as it ends.
   * Resolves once this call's share is known, `attempts` then holding it: no estimate when one of those callers
   * took the call over (it got the answer or the failure as its own), else every estimate of the call, which its
   * request caused (every one of them left too, or the call ended on this caller's deadline and they asked
   * again). Every attempt that reached a provider is so charged once. Undefined otherwise (the log is final when
   * the call settles); emptied as each call begins. A log given to another call before this resolves is that
   * call's: the share is then not written into it (wait for this before giving the log again).
   */
  pricedLater?: Promise<void> | undefined;
}

/** The same options as `complete`. */
export type StreamOptions = CompleteOptions;

export type PromptOrMessages = string | readonly Message[];

export interface CompletionResult {
  readonly content: string;
  /** The reasoning the model showed before its answer, when it showed any (see `ChatResponse.reasoning`). */
  readonly reasoning?: string;
  /** Anthropic's signed thinking blocks, to pass back with the history (see `ChatResponse.signedReasoning`). */
  readonly signedReasoning?: SignedReasoning;
  /** The server tools' calls and results, to pass back with the history (see `ChatResponse.serverToolBlocks`). */
  readonly serverToolBlocks?: ServerToolBlocks;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  /** Which `stop` sequence ended the answer, when the provider said (see `ChatResponse.stopSequence`). */
  readonly stopSequence?: string;
  /** The provider's word for a stop that is `other` to us (Anthropic's `pause_turn`; see `ChatResponse.providerFinishReason`). */
  readonly providerFinishReason?: string;
  /** The provider that answered. */
  readonly provider: string;
  readonly model: string;
  readonly latencyMs: number;
  readonly usage: Usage | undefined;
  /** US dollars, from the catalog's price table, when the model has a price and usage is known. */
  readonly costUsd: number | undefined;
  readonly cached: boolean;
  readonly attempts: readonly Attempt[];
  /** The provider's id of the request that answered (a header when it sends one), for a support ticket. */
  readonly requestId: string | undefined;
  /** The provider's id of the answer itself (`chatcmpl-…`, `msg_…`; see `ChatResponse.responseId`), when it gave one. */
  readonly responseId?: string;
}

export interface StreamResult extends CompletionResult {
  /** Time from the call to the first content token. */
  readonly timeToFirstTokenMs: number;
}

export interface RouterStream extends AsyncIterable<StreamChunk> {
  /** The candidate the stream committed to, known before its first chunk is yielded. */
  readonly winner: { readonly provider: string; readonly model: string } | undefined;
  /**
   * The attempts so far: by the first chunk, every candidate tried, skipped or aborted on the way, the
   * answering one a success; once the stream ended, that one's final form (see `Attempt`).
   */
  readonly attempts: readonly Attempt[];
  /** Settles when the stream ends: the final result, or the error that ended it. */
  readonly result: Promise<StreamResult>;
  /** Stop the stream and its upstream request. */
  cancel(reason?: unknown): void;
}
