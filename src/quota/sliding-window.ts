/**
 * A request rate over a sliding minute, counted in two fixed windows: the estimate is the current window's
 * count plus the previous window's, weighted by how much of it the sliding minute still covers. Two numbers
 * per caller (so one Redis script can read and bump them for many gateways). For requests spread over the
 * minute it is within a few percent of an exact log of every request, and it stops the double burst fixed
 * windows allow at their edge. It reads the previous window as if its requests were spread evenly: when they
 * all came at its very end, some 60-second span can still hold up to nearly twice the limit (a review found
 * 19 for a limit of 10); the rate over several minutes stays at the limit. Pure.
 */

export const requestWindowMs = 60_000;

export interface WindowCounts {
  /** Requests admitted in the window before the current one. */
  readonly previous: number;
  /** Requests admitted so far in the current window. */
  readonly current: number;
}

/** The fixed window `nowMs` falls in, and how far into it (0 to 1). */
export function windowPosition(nowMs: number, windowMs: number = requestWindowMs): { readonly index: number; readonly elapsed: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsed: (nowMs - index * windowMs) / windowMs };
}

/** Requests in the sliding window that ends now. */
export function slidingCount(counts: WindowCounts, elapsed: number): number {
  return counts.previous * (1 - elapsed) + counts.current;
}

/** Whether one more request stays within `limit`. */
export function admitsOneMore(counts: WindowCounts, elapsed: number, limit: number): boolean {
  return slidingCount(counts, elapsed) + 1 <= limit;
}

/**
 * How long until one more request would be admitted, for a Retry-After: while the current window's own
 * count leaves room, until enough of the previous window has slid out; otherwise into the next window, until
 * enough of this one has.
 */
export function msUntilAdmitted(counts: WindowCounts, nowMs: number, limit: number, windowMs: number = requestWindowMs): number {
  const { index, elapsed } = windowPosition(nowMs, windowMs);
  if (admitsOneMore(counts, elapsed, limit)) return 0;
  const room = limit - 1 - counts.current;
  if (room >= 0 && counts.previous > 0) {
    const neededElapsed = 1 - room / counts.previous;
    return Math.max(1, Math.ceil((neededElapsed - elapsed) * windowMs));
  }
  const toNextWindow = (index + 1) * windowMs - nowMs;
  const neededElapsed = counts.current > 0 ? Math.max(0, 1 - (limit - 1) / counts.current) : 0;
  return Math.max(1, Math.ceil(toNextWindow + neededElapsed * windowMs));
}

export const dayMs = 86_400_000;

/** The UTC day `nowMs` falls in, and the time left in it. */
export function utcDay(nowMs: number): { readonly index: number; readonly msLeft: number } {
  const index = Math.floor(nowMs / dayMs);
  return { index, msLeft: (index + 1) * dayMs - nowMs };
}
