/**
 * The shapes the dashboard sends to its page: the snapshot a page starts from (/dashboard/state, and the first
 * event of /dashboard/events) and the updates that follow it. They carry names, figures and failure reasons:
 * never a prompt, an answer or a key.
 */
import type { Attempt, FailureReason } from '../errors.js';
import type { CircuitStateName } from '../routing/router-events.js';

export interface DashboardAttempt {
  readonly provider: string;
  readonly model: string;
  readonly outcome: Attempt['outcome'];
  readonly reason: FailureReason | null;
  /** Why it was skipped or aborted, in words (`circuit open`, `lost the race`). */
  readonly detail: string | null;
  readonly statusCode: number | null;
  /** From the start of the first attempt of the call. */
  readonly offsetMs: number;
  readonly durationMs: number;
}

export interface DashboardCall {
  readonly callId: number;
  readonly endedAtMs: number;
  readonly outcome: 'success' | 'failure' | 'aborted';
  readonly cached: boolean;
  readonly streaming: boolean;
  readonly provider: string | null;
  readonly model: string | null;
  readonly latencyMs: number;
  readonly attempts: readonly DashboardAttempt[];
  readonly errorName: string | null;
}

export interface DashboardProvider {
  readonly id: string;
  readonly displayName: string;
  readonly simulated: boolean;
  readonly configured: boolean;
  readonly circuitState: CircuitStateName;
  readonly successRate: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly totalCalls: number;
  readonly totalFailures: number;
  readonly cooldownUntilMs: number | null;
  readonly cooldownReason: FailureReason | null;
  /** Models the provider answered `model_not_found` for, left out of calls until `untilMs` (see `HealthStatus`). */
  readonly missingModels: readonly { readonly model: string; readonly sinceMs: number; readonly untilMs: number }[];
  /** The outbound proxy its requests go through, without credentials; null when direct (see `HealthStatus`). */
  readonly outboundProxy: string | null;
}

/** One point of a provider's latency chart. */
export interface LatencySample {
  readonly atMs: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** A circuit change, a cooldown, or a model its provider reported missing, for the log of what happened. */
export type DashboardChange =
  | { readonly kind: 'circuit'; readonly atMs: number; readonly provider: string; readonly from: CircuitStateName; readonly to: CircuitStateName }
  | { readonly kind: 'cooldown'; readonly atMs: number; readonly provider: string; readonly untilMs: number; readonly reason: FailureReason }
  | { readonly kind: 'model-missing'; readonly atMs: number; readonly provider: string; readonly model: string; readonly untilMs: number };

export interface DashboardTotals {
  readonly calls: number;
  readonly failures: number;
  readonly cacheHits: number;
  /** Cache hits over calls; null before any call. */
  readonly cacheHitRate: number | null;
}

export interface DashboardSnapshot {
  readonly nowMs: number;
  readonly startedAtMs: number;
  readonly sampleIntervalMs: number;
  /** Samples kept per provider: the chart spans `historyLength * sampleIntervalMs`. */
  readonly historyLength: number;
  readonly providers: readonly DashboardProvider[];
  readonly history: Readonly<Record<string, readonly LatencySample[]>>;
  /** Newest first. */
  readonly recentCalls: readonly DashboardCall[];
  /** Newest first. */
  readonly recentChanges: readonly DashboardChange[];
  readonly totals: DashboardTotals;
}

/** What subscribers get, as it happens. */
export type DashboardUpdate =
  | {
      readonly type: 'health';
      readonly nowMs: number;
      readonly providers: readonly DashboardProvider[];
      readonly samples: Readonly<Record<string, LatencySample>>;
      readonly totals: DashboardTotals;
    }
  | { readonly type: 'call'; readonly call: DashboardCall; readonly totals: DashboardTotals }
  | { readonly type: 'change'; readonly change: DashboardChange };
