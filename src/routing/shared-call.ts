import type { Attempt } from '../errors.js';
import type { AttemptLog } from './router-options.js';

/**
 * A call that identical calls in flight share (single-flight), as the callers waiting on it see it, and who pays
 * for what it sent: every attempt that reached a provider is billed, so it is charged to one caller, once.
 *
 * Its first caller pays while it waits: its result, its error or its log carry the attempts and their estimates.
 * When it leaves first (its abort, its own deadline) while others still wait, the call goes on for them, and its
 * attempts are priced only as it ends. Then the first of them to get the call's outcome as its own (its answer,
 * or its failure) takes the call over and pays. When none does (every one of them left too, so the call was
 * cancelled, or it ended on the first caller's deadline and they asked again, each in its own time), the first
 * caller pays, since its request caused the attempts: its log's `pricedLater` resolves once that is known.
 */
export class SharedCall {
  /** The race's live log: its attempts so far, each priced (`estimatedCostUsd`) as the race ends. */
  readonly attempts: readonly Attempt[];
  /** Callers that joined and have not yet dealt with the outcome (taken it, asked again, or left). */
  #waiting = 0;
  #ended = false;
  #taken = false;
  #firstCallerLeft = false;
  /** The first caller, once it left while others waited: its log, and what to resolve once its charge is known. */
  #leftBy:
    | {
        readonly log: AttemptLog;
        /** What the log was given as the caller left: while it still holds it, the log is this call's. */
        readonly shown: readonly Attempt[];
        readonly seenBefore: readonly Attempt[];
        readonly priced: () => void;
      }
    | undefined;

  constructor(attempts: readonly Attempt[]) {
    this.attempts = attempts;
  }

  /** A caller joined: it waits on the outcome, and may take the call over. */
  join(): void {
    this.#waiting += 1;
  }

  /** A caller that joined is done with the call: it took the outcome (taken over or shared), asked again, or left. */
  stopWaiting(): void {
    this.#waiting -= 1;
    this.#settleFirstCaller();
  }

  /** The race is over and its attempts priced: no attempt is added or priced after this. */
  end(): void {
    this.#ended = true;
    this.#settleFirstCaller();
  }

  /**
   * The first caller leaves while others still wait on its call. Its log says at once what it saw tried, after the
   * attempts of earlier calls it only waited on (`seenBefore`), without estimates; `log.pricedLater` resolves once
   * the call has ended and someone is to pay, the log then holding this caller's share: every estimate of the
   * call when nobody took it over, none when someone did.
   */
  leave(log: AttemptLog, seenBefore: readonly Attempt[]): void {
    if (this.#firstCallerLeft) return;
    this.#firstCallerLeft = true;
    const shown = [...seenBefore, ...seenOnly(this.attempts)];
    log.attempts = shown;
    let priced: () => void = doNothing;
    // A sealed log (which the router takes, when it has `attempts`) still gets its attempts set, without the promise.
    if (Object.isExtensible(log) || 'pricedLater' in log) log.pricedLater = new Promise<void>((resolve) => (priced = resolve));
    this.#leftBy = { log, shown, seenBefore, priced };
    this.#settleFirstCaller();
  }

  /**
   * Whether a caller that joined and got the call's outcome as its own takes the call over: true for the first of
   * them once the first caller left, which then pays the answer and the attempts' estimates.
   */
  takeOver(): boolean {
    // Not once the first caller's share is settled (nobody is left to take it then, but never twice).
    if (this.#leftBy === undefined || this.#taken) return false;
    this.#taken = true;
    this.#settleFirstCaller();
    return true;
  }

  /** Once the first caller that left knows its share: none when a joiner took the call over, else every estimate. */
  #settleFirstCaller(): void {
    const leftBy = this.#leftBy;
    if (leftBy === undefined) return;
    if (!this.#taken) {
      if (!this.#ended || this.#waiting > 0) return;
      // Not once the caller gave the log to another call (the router emptied it then): it is that call's now.
      if (leftBy.log.attempts === leftBy.shown) leftBy.log.attempts = [...leftBy.seenBefore, ...this.attempts];
    }
    // Once: a later settle (a joiner's stopWaiting after it took the call over) finds nobody to resolve.
    this.#leftBy = undefined;
    leftBy.priced();
  }
}

const doNothing = (): void => undefined;

/**
 * The attempts of another caller's call, as a caller that only waited on it tells them: without the estimated
 * price of those it cancelled, which is that call's to bear (a gateway charges a key from its call's attempts).
 */
export function seenOnly(attempts: readonly Attempt[]): readonly Attempt[] {
  if (!attempts.some((attempt) => attempt.estimatedCostUsd !== undefined)) return attempts;
  return attempts.map((attempt) => {
    if (attempt.estimatedCostUsd === undefined) return attempt;
    const { estimatedCostUsd: _borneByItsCall, ...seen } = attempt;
    return seen;
  });
}
