import { redactSecrets } from '../errors.js';
import type { RouterEvent } from '../routing/router-events.js';
import type { DashboardCall } from './dashboard-snapshot.js';

/** A call's attempts in the order they started, timed from the first. Details are redacted, as any text. */
export function toDashboardCall(event: Extract<RouterEvent, { type: 'call-end' }>, endedAtMs: number): DashboardCall {
  const firstStartMs = event.attempts.reduce((earliest, attempt) => Math.min(earliest, attempt.startedAtMs), Number.POSITIVE_INFINITY);
  const attempts = [...event.attempts]
    .sort((left, right) => left.startedAtMs - right.startedAtMs)
    .map((attempt) => ({
      provider: attempt.provider,
      model: attempt.model,
      outcome: attempt.outcome,
      reason: attempt.reason ?? null,
      detail: attempt.detail === undefined ? null : redactSecrets(attempt.detail),
      statusCode: attempt.statusCode ?? null,
      offsetMs: Math.max(0, Math.round(attempt.startedAtMs - firstStartMs)),
      durationMs: Math.round(attempt.durationMs),
    }));
  return {
    callId: event.callId,
    endedAtMs,
    outcome: event.outcome,
    cached: event.cached,
    streaming: event.streaming,
    provider: event.provider ?? null,
    model: event.model ?? null,
    latencyMs: Math.round(event.latencyMs),
    attempts,
    errorName: event.errorName ?? null,
  };
}
