import type { RouterEvent } from '../routing/router-events.js';
import type { DashboardCall } from './dashboard-snapshot.js';
import { toDashboardCall } from './to-dashboard-call.js';

/** A call as the router reported it, made into a DashboardCall once, on first look. */
export interface RecentCall {
  readonly event: Extract<RouterEvent, { type: 'call-end' }>;
  readonly endedAtMs: number;
  call: DashboardCall | undefined;
}

/** The call as the dashboard shows it: converted on the first look, then kept. */
export function dashboardCallOf(recent: RecentCall): DashboardCall {
  recent.call ??= toDashboardCall(recent.event, recent.endedAtMs);
  return recent.call;
}

/**
 * The last `limit` calls, in a ring. A call is kept as its event and turned into a DashboardCall only when
 * someone looks (a snapshot, or a live subscriber): a gateway ends thousands of calls a second and the page is
 * usually closed.
 */
export class RecentCalls {
  readonly #limit: number;
  /** Oldest first; reversed when sent. */
  readonly #calls: RecentCall[] = [];
  /** Where the next call goes once the ring is full (it then replaces the oldest). */
  #next = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Keeps the call (none when `limit` is 0) and returns it, for a live subscriber to look at. */
  add(event: RecentCall['event'], endedAtMs: number): RecentCall {
    const recent: RecentCall = { event, endedAtMs, call: undefined };
    if (this.#calls.length < this.#limit) {
      this.#calls.push(recent);
    } else if (this.#limit > 0) {
      this.#calls[this.#next] = recent;
      this.#next = (this.#next + 1) % this.#limit;
    }
    return recent;
  }

  newestFirst(): DashboardCall[] {
    const calls = this.#calls;
    const newestFirst: DashboardCall[] = [];
    for (let offset = 1; offset <= calls.length; offset += 1) {
      newestFirst.push(dashboardCallOf(calls[(this.#next - offset + calls.length) % calls.length] as RecentCall));
    }
    return newestFirst;
  }
}
