import type { QuotaStore, RequestTake } from './quota-store.js';
import { admitsOneMore, type WindowCounts, utcDay, windowPosition } from './sliding-window.js';

interface RequestWindows {
  index: number;
  previous: number;
  current: number;
  /** The latest time a request was taken at: an earlier one arriving late counts at this time instead. */
  latestMs: number;
}

interface DaySpend {
  index: number;
  usd: number;
}

/** Quotas of one process. Callers are the gateway's named keys: a few entries each, never evicted. */
export class MemoryQuotaStore implements QuotaStore {
  readonly #requests = new Map<string, RequestWindows>();
  readonly #spend = new Map<string, DaySpend>();

  takeRequest(caller: string, limit: number, requestedAtMs: number): Promise<RequestTake> {
    // Time never runs back for a caller: a request read the clock, then waited, and came after a later one.
    const nowMs = Math.max(requestedAtMs, this.#requests.get(caller)?.latestMs ?? requestedAtMs);
    const { index, elapsed } = windowPosition(nowMs);
    const windows = this.#windowsAt(caller, index);
    windows.latestMs = nowMs;
    const admitted = admitsOneMore(windows, elapsed, limit);
    if (admitted) windows.current += 1;
    return Promise.resolve({ admitted, previous: windows.previous, current: windows.current });
  }

  requestCounts(caller: string, nowMs: number): Promise<WindowCounts> {
    const { index } = windowPosition(nowMs);
    const windows = this.#requests.get(caller);
    if (windows === undefined) return Promise.resolve({ previous: 0, current: 0 });
    return Promise.resolve(countsAt(windows, Math.max(index, windows.index)));
  }

  spentToday(caller: string, nowMs: number): Promise<number> {
    const spend = this.#spend.get(caller);
    return Promise.resolve(spend !== undefined && spend.index === utcDay(nowMs).index ? spend.usd : 0);
  }

  addSpend(caller: string, usd: number, nowMs: number): Promise<void> {
    const { index } = utcDay(nowMs);
    const spend = this.#spend.get(caller);
    if (spend === undefined || spend.index !== index) this.#spend.set(caller, { index, usd });
    else spend.usd += usd;
    return Promise.resolve();
  }

  /** The caller's windows moved on to window `index` (the current one becomes the previous one, or both go). */
  #windowsAt(caller: string, index: number): RequestWindows {
    let windows = this.#requests.get(caller);
    if (windows === undefined) {
      windows = { index, previous: 0, current: 0, latestMs: 0 };
      this.#requests.set(caller, windows);
      return windows;
    }
    const counts = countsAt(windows, index);
    windows.index = index;
    windows.previous = counts.previous;
    windows.current = counts.current;
    return windows;
  }
}

function countsAt(windows: RequestWindows, index: number): WindowCounts {
  if (windows.index === index) return { previous: windows.previous, current: windows.current };
  if (windows.index === index - 1) return { previous: windows.current, current: 0 };
  return { previous: 0, current: 0 };
}
