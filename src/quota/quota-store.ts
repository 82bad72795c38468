/**
 * Where callers' quotas are counted: requests over the sliding minute and spend over the UTC day, per caller
 * name. In memory for one gateway (MemoryQuotaStore); on Redis for many sharing one count
 * (`RedisQuotaStore` in shared-state).
 */
import type { WindowCounts } from './sliding-window.js';

export interface RequestTake extends WindowCounts {
  /** True when the request was admitted (and counted). */
  readonly admitted: boolean;
}

export interface QuotaStore {
  /**
   * Count one request of `caller` if the sliding minute ending at `nowMs` stays within `limit`; either way,
   * the window counts as they are afterwards.
   */
  takeRequest(caller: string, limit: number, nowMs: number): Promise<RequestTake>;
  /** The requests of `caller` in the sliding minute's two windows, without counting one. */
  requestCounts(caller: string, nowMs: number): Promise<WindowCounts>;
  /** What `caller` has spent on the UTC day of `nowMs`, in USD. */
  spentToday(caller: string, nowMs: number): Promise<number>;
  /** Add a call's cost to its caller's day. */
  addSpend(caller: string, usd: number, nowMs: number): Promise<void>;
}
