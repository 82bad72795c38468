import type { Attempt, FailureReason } from '../errors.js';
import type { FinishReason } from '../types.js';

export type CircuitStateName = 'closed' | 'open' | 'half_open';

/** Everything the router reports. The gateway, metrics, logs and dashboard subscribe to these. */
export type RouterEvent =
  | { readonly type: 'attempt-start'; readonly callId: number; readonly provider: string; readonly model: string }
  | { readonly type: 'attempt-end'; readonly callId: number; readonly attempt: Attempt }
  | {
      readonly type: 'call-end';
      readonly callId: number;
      /** `embeddings` for an `embed` call; absent for a chat call (`complete`, `stream`). */
      readonly operation?: 'embeddings';
      readonly outcome: 'success' | 'failure' | 'aborted';
      /** Epoch ms at which the call began, on the router's clock. */
      readonly startedAtMs: number;
      readonly finishReason: FinishReason | undefined;
      /** The provider's id of the request that answered. */
      readonly requestId: string | undefined;
      /** The provider's id of the answer (`chatcmpl-…`, `msg_…`): OpenTelemetry's `gen_ai.response.id`. */
      readonly responseId: string | undefined;
      readonly streaming: boolean;
      readonly cached: boolean;
      readonly provider: string | undefined;
      /** The model that answered, as its provider named it (often a dated snapshot). */
      readonly model: string | undefined;
      /** The model the call asked for, when it named one: its route's first, or its `preferredModel`. */
      readonly requestModel: string | undefined;
      readonly latencyMs: number;
      readonly timeToFirstTokenMs: number | undefined;
      readonly attempts: readonly Attempt[];
      readonly inputTokens: number | undefined;
      readonly outputTokens: number | undefined;
      readonly costUsd: number | undefined;
      readonly errorName: string | undefined;
    }
  | {
      readonly type: 'circuit-change';
      readonly provider: string;
      readonly from: CircuitStateName;
      readonly to: CircuitStateName;
    }
  | {
      /**
       * The cache backend failed: a read counts as a miss and a write is skipped, so the call goes on. The
       * message is redacted of anything that looks like a key (a Redis URL with its password, for one).
       */
      readonly type: 'cache-error';
      readonly operation: 'get' | 'set';
      readonly errorName: string;
      readonly message: string;
    }
  | {
      readonly type: 'cooldown';
      readonly provider: string;
      readonly untilMs: number;
      readonly reason: FailureReason;
    }
  | {
      /**
       * The provider answered `model_not_found` for this model (retired, or a mistyped id): it is left out of
       * candidate selection until `untilMs` (the router's `missingModelPeriodMs`), while the provider's other
       * models and the other providers serve. Nothing counts against the provider's circuit or health.
       */
      readonly type: 'model-missing';
      readonly provider: string;
      readonly model: string;
      readonly untilMs: number;
    };
