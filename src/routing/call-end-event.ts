import type { Attempt } from '../errors.js';
import type { CompleteOptions, CompletionResult, StreamResult } from './router-options.js';
import type { RouterEvent } from './router-events.js';

/** The `call-end` event of a call, from its result or from the error that ended it. */
export function callEndEvent(options: {
  readonly callId: number;
  readonly outcome: 'success' | 'failure' | 'aborted';
  readonly streaming: boolean;
  readonly startedAtMs: number;
  readonly nowMs: number;
  /** The call's options, for the model it asked for. */
  readonly request: Pick<CompleteOptions, 'route' | 'preferredModel'>;
  readonly result?: CompletionResult | StreamResult;
  readonly failure?: unknown;
  /** The attempts when there is no result; a result carries its own. */
  readonly attempts?: readonly Attempt[];
}): RouterEvent {
  const { result, failure } = options;
  return {
    type: 'call-end',
    callId: options.callId,
    outcome: options.outcome,
    startedAtMs: options.startedAtMs,
    finishReason: result?.finishReason,
    requestId: result?.requestId,
    responseId: result?.responseId,
    streaming: options.streaming,
    cached: result?.cached ?? false,
    provider: result?.provider,
    model: result?.model,
    requestModel: options.request.route?.[0]?.model ?? options.request.preferredModel,
    latencyMs: result && !options.streaming ? result.latencyMs : options.nowMs - options.startedAtMs,
    timeToFirstTokenMs: result && 'timeToFirstTokenMs' in result ? result.timeToFirstTokenMs : undefined,
    attempts: result?.attempts ?? options.attempts ?? (failure as { attempts?: readonly Attempt[] } | undefined)?.attempts ?? [],
    inputTokens: result?.usage?.inputTokens,
    outputTokens: result?.usage?.outputTokens,
    costUsd: result?.costUsd,
    errorName: failure === undefined ? undefined : failure instanceof Error ? failure.name : 'Error',
  };
}
