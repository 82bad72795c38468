/**
 * Gateway keys' limits, checked once a call's body is read and valid, before any upstream call: spend per
 * UTC day first (it counts nothing), then a request over the sliding minute (counted when admitted). Past a limit, a 429 in the caller's API's
 * shape with Retry-After: `rate_limit_exceeded` until the minute has room, `insufficient_quota` until
 * midnight UTC, the codes OpenAI gives for the same two cases. Spend is the catalog's price of each answer,
 * added when it is known; calls in flight when a day's budget runs out may pass it by their own cost.
 */
import type { Clock } from '../clock.js';
import type { QuotaStore } from '../quota/quota-store.js';
import { msUntilAdmitted, slidingCount, utcDay, windowPosition } from '../quota/sliding-window.js';
import type { GatewayCaller } from './auth.js';
import { GatewayHttpError } from './gateway-http-error.js';

export type QuotaLimitName = 'requests_per_minute' | 'cost_per_day';

export interface CallerQuotaOptions {
  readonly store: QuotaStore;
  readonly clock: Clock;
  /** Told of every refusal, for the metrics. */
  readonly onRefused?: (caller: string, limit: QuotaLimitName) => void;
  /** Told of every answer's cost, for the metrics. */
  readonly onSpend?: (caller: string, usd: number) => void;
}

/** A caller's usage against its limits, for `GET /v1/key`; each is counted only under a limit (null without one). */
export interface CallerUsage {
  readonly requestsLastMinute: number | null;
  readonly costUsdToday: number | null;
}

/** The headers an admitted request of a key with a request rate answers with, as OpenAI names them. */
export type QuotaHeaders = Readonly<Record<'x-ratelimit-limit-requests' | 'x-ratelimit-remaining-requests', string>>;

export class CallerQuota {
  readonly #options: CallerQuotaOptions;

  constructor(options: CallerQuotaOptions) {
    this.#options = options;
  }

  /** Admit one call of `caller` (one with limits), or throw its 429. */
  async admit(caller: GatewayCaller): Promise<QuotaHeaders | undefined> {
    const { limits, name, quotaId } = caller;
    if (limits === undefined || name === undefined || quotaId === undefined) return undefined;
    const { store, clock } = this.#options;
    const nowMs = clock.now();
    if (limits.costUsdPerDay !== undefined) {
      const spent = await store.spentToday(quotaId, nowMs);
      if (spent >= limits.costUsdPerDay) {
        this.#options.onRefused?.(name, 'cost_per_day');
        throw new GatewayHttpError({
          status: 429,
          type: 'insufficient_quota',
          code: 'insufficient_quota',
          message: `The key "${name}" has spent its ${limits.costUsdPerDay} USD for today; it may call again at 00:00 UTC.`,
          retryAfterMs: utcDay(nowMs).msLeft,
        });
      }
    }
    const limit = limits.requestsPerMinute;
    if (limit === undefined) return undefined;
    const take = await store.takeRequest(quotaId, limit, nowMs);
    if (!take.admitted) {
      this.#options.onRefused?.(name, 'requests_per_minute');
      const retryAfterMs = msUntilAdmitted(take, nowMs, limit);
      throw new GatewayHttpError({
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: `Rate limit reached for the key "${name}": ${limit} requests per minute. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
        retryAfterMs,
      });
    }
    const remaining = Math.max(0, Math.floor(limit - slidingCount(take, windowPosition(nowMs).elapsed)));
    return { 'x-ratelimit-limit-requests': String(limit), 'x-ratelimit-remaining-requests': String(remaining) };
  }

  /** Add an answer's cost to the metrics, and to its caller's day when it has a budget. Never throws. */
  recordSpend(caller: GatewayCaller, usd: number | undefined): void {
    if (caller.name === undefined || usd === undefined || !(usd > 0)) return;
    this.#options.onSpend?.(caller.name, usd);
    if (caller.quotaId === undefined || caller.limits?.costUsdPerDay === undefined) return;
    this.#options.store.addSpend(caller.quotaId, usd, this.#options.clock.now()).catch(() => undefined);
  }

  /** What `caller` has used of its limits now. */
  async usage(caller: GatewayCaller): Promise<CallerUsage> {
    const { quotaId, limits } = caller;
    if (quotaId === undefined || limits === undefined) return { requestsLastMinute: null, costUsdToday: null };
    const { store, clock } = this.#options;
    const nowMs = clock.now();
    const [counts, costUsdToday] = await Promise.all([
      limits.requestsPerMinute !== undefined ? store.requestCounts(quotaId, nowMs) : undefined,
      limits.costUsdPerDay !== undefined ? store.spentToday(quotaId, nowMs) : null,
    ]);
    const requestsLastMinute = counts !== undefined ? Math.round(slidingCount(counts, windowPosition(nowMs).elapsed)) : null;
    return { requestsLastMinute, costUsdToday };
  }
}
