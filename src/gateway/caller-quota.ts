/**
 * Gateway keys' limits: before a call's body is read, a caller already past one is refused (nothing
 * counted); once the body is read and valid, the call takes its place in the sliding minute. Past a limit, a 429 in the caller's API's
 * shape with Retry-After: `rate_limit_exceeded` until the minute has room, `insufficient_quota` until
 * midnight UTC, the codes OpenAI gives for the same two cases. Spend is the catalog's price of each answer,
 * added when it is known; calls in flight when a day's budget runs out may pass it by their own cost.
 */
import type { Clock } from '../clock.js';
import type { QuotaStore } from '../quota/quota-store.js';
import { admitsOneMore, msUntilAdmitted, slidingCount, utcDay, windowPosition } from '../quota/sliding-window.js';
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

  /**
   * Before the body is read: throw the 429 of a caller already past a limit, counting nothing, so a key
   * past its rate cannot make the gateway hold bodies (the budget every caller shares) only to refuse them.
   */
  async precheck(caller: GatewayCaller): Promise<void> {
    const { limits, name, quotaId } = caller;
    if (limits === undefined || name === undefined || quotaId === undefined) return;
    const { store, clock } = this.#options;
    const nowMs = clock.now();
    const [spent, counts] = await Promise.all([
      limits.costUsdPerDay !== undefined ? store.spentToday(quotaId, nowMs) : 0,
      limits.requestsPerMinute !== undefined ? store.requestCounts(quotaId, nowMs) : undefined,
    ]);
    if (limits.costUsdPerDay !== undefined && spent >= limits.costUsdPerDay) throw this.#budgetSpent(name, limits.costUsdPerDay, nowMs);
    const limit = limits.requestsPerMinute;
    if (limit !== undefined && counts !== undefined && !admitsOneMore(counts, windowPosition(nowMs).elapsed, limit)) {
      throw this.#rateReached(name, limit, msUntilAdmitted(counts, nowMs, limit));
    }
  }

  /**
   * Once the body is read and valid: count the call against the caller's request rate (its spend was
   * checked by `precheck`), or throw its 429 when others took the last of the minute meanwhile.
   */
  async admit(caller: GatewayCaller): Promise<QuotaHeaders | undefined> {
    const { name, quotaId } = caller;
    const limit = caller.limits?.requestsPerMinute;
    if (limit === undefined || name === undefined || quotaId === undefined) return undefined;
    const nowMs = this.#options.clock.now();
    const take = await this.#options.store.takeRequest(quotaId, limit, nowMs);
    if (!take.admitted) throw this.#rateReached(name, limit, msUntilAdmitted(take, nowMs, limit));
    const remaining = Math.max(0, Math.floor(limit - slidingCount(take, windowPosition(nowMs).elapsed)));
    return { 'x-ratelimit-limit-requests': String(limit), 'x-ratelimit-remaining-requests': String(remaining) };
  }

  #budgetSpent(name: string, budgetUsd: number, nowMs: number): GatewayHttpError {
    this.#options.onRefused?.(name, 'cost_per_day');
    return new GatewayHttpError({
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: `The key "${name}" has spent its ${budgetUsd} USD for today; it may call again at 00:00 UTC.`,
      retryAfterMs: utcDay(nowMs).msLeft,
    });
  }

  #rateReached(name: string, limit: number, retryAfterMs: number): GatewayHttpError {
    this.#options.onRefused?.(name, 'requests_per_minute');
    return new GatewayHttpError({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: `Rate limit reached for the key "${name}": ${limit} requests per minute. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      retryAfterMs,
    });
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
