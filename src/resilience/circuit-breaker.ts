/**
 * A circuit breaker as a small state machine over a `BreakerRule`, with time from an injected Clock.
 *
 * closed --rule says open--> open --openDuration elapsed, tryAcquire--> half_open (one probe in flight)
 * half_open --probe success--> closed; --probe failure--> open again, for longer (backoff, capped);
 * --releaseProbe (no verdict)--> open, already elapsed, so the next caller probes;
 * --yieldProbe (another instance probes)--> open for the first open period, after which it asks again.
 *
 * The state is a plain discriminated union that survives `JSON.stringify`, so breakers can be shared
 * through Redis later with `toJSON()` and `restore()`.
 *
 * Results are not tied to a permit: while half-open, whichever result is recorded first is the verdict,
 * and results recorded while open (calls admitted before the circuit opened) are ignored. Giving the probe
 * back without a verdict is: only the holder of the probe's ticket can, so an attempt that never held it (one
 * admitted while closed, cancelled while another caller probes) cannot let a second probe through.
 */

import type { Clock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { defaultBreakerRule, type BreakerRule } from './breaker-rule.js';
import { ListenerSet, type Unsubscribe } from './listener-set.js';

export type BreakerState =
  | { readonly name: 'closed' }
  | {
      readonly name: 'open';
      readonly openedAtMs: number;
      /** How many probes failed in a row before this opening (0 for the first opening). */
      readonly reopenCount: number;
      /** Epoch ms from which a probe is allowed (`openedAtMs` + the open period). */
      readonly halfOpenAfterMs: number;
    }
  | {
      readonly name: 'half_open';
      readonly reopenCount: number;
      /** When the probe in flight was let through; a probe older than `probeTimeoutMs` counts as lost. */
      readonly probeStartedAtMs: number;
    };

export type BreakerStateName = BreakerState['name'];

/** What `tryAcquire` grants: a normal call, the single half-open probe, or nothing. */
export type BreakerPermit = 'allowed' | 'probe' | 'rejected';

/**
 * Names one probe a breaker granted (see `CircuitBreaker.probeTicket`): the attempt that holds it gives it back
 * with it. A number, so holding one costs nothing.
 */
export type ProbeTicket = number;

export interface BreakerStateChange {
  readonly from: BreakerStateName;
  readonly to: BreakerStateName;
  readonly state: BreakerState;
}

export interface CircuitBreakerOptions {
  clock: Clock;
  /** When to open. Default: `defaultBreakerRule()` (5 in a row, or 50% of >= 10 calls in 30 s). */
  rule?: BreakerRule;
  /** First open period. Default 5_000. */
  openDurationMs?: number;
  /** Cap on the open period after repeated probe failures. Default 60_000. */
  maxOpenDurationMs?: number;
  /** Each failed probe multiplies the open period by this. Default 2. */
  backoffFactor?: number;
  /**
   * A probe that never reports back (a caller that forgot `releaseProbe`, or an instance that died while
   * holding a shared half-open state) is considered lost after this long, and a new probe is let through.
   * Default: `maxOpenDurationMs`.
   */
  probeTimeoutMs?: number;
}

const closedState: BreakerState = Object.freeze({ name: 'closed' });

export class CircuitBreaker {
  private readonly clock: Clock;
  private readonly rule: BreakerRule;
  private readonly openDurationMs: number;
  private readonly maxOpenDurationMs: number;
  private readonly backoffFactor: number;
  private readonly probeTimeoutMs: number;
  private readonly changes = new ListenerSet<BreakerStateChange>();
  private current: BreakerState = closedState;
  /** The ticket of the latest probe granted; the one in flight while half-open. 0 before any. */
  private latestProbe: ProbeTicket = 0;

  constructor(options: CircuitBreakerOptions) {
    this.clock = options.clock;
    this.rule = options.rule ?? defaultBreakerRule();
    this.openDurationMs = options.openDurationMs ?? 5_000;
    this.maxOpenDurationMs = options.maxOpenDurationMs ?? 60_000;
    this.backoffFactor = options.backoffFactor ?? 2;
    this.probeTimeoutMs = options.probeTimeoutMs ?? this.maxOpenDurationMs;
    requireDuration('openDurationMs', this.openDurationMs);
    requireDuration('maxOpenDurationMs', this.maxOpenDurationMs);
    requireDuration('probeTimeoutMs', this.probeTimeoutMs);
    if (this.maxOpenDurationMs < this.openDurationMs) {
      throw new InvalidArgumentError({ argument: 'maxOpenDurationMs', message: 'maxOpenDurationMs must be >= openDurationMs' });
    }
    if (!(Number.isFinite(this.backoffFactor) && this.backoffFactor >= 1)) {
      throw new InvalidArgumentError({ argument: 'backoffFactor', message: 'backoffFactor must be a number >= 1' });
    }
  }

  get state(): BreakerState {
    return this.current;
  }

  get stateName(): BreakerStateName {
    return this.current.name;
  }

  /**
   * When an open circuit lets a probe through (epoch ms, the open state's `halfOpenAfterMs`); undefined
   * when closed or half-open. It may lie in the past: the state only changes when someone calls `tryAcquire`.
   */
  get retryAtMs(): number | undefined {
    const state = this.current;
    return state.name === 'open' ? state.halfOpenAfterMs : undefined;
  }

  /**
   * The ticket of the probe `tryAcquire` has just granted (read it then): the holder reports the probe's result,
   * or gives it back with `releaseProbe(ticket)` or `yieldProbe(ticket)`.
   */
  get probeTicket(): ProbeTicket {
    return this.latestProbe;
  }

  /** Ask to make a call. 'probe' is granted once per half-open period; report its result or release it. */
  tryAcquire(): BreakerPermit {
    const state = this.current;
    if (state.name === 'closed') return 'allowed';
    const nowMs = this.clock.now();
    if (state.name === 'open') {
      if (nowMs < state.halfOpenAfterMs) return 'rejected';
      this.latestProbe += 1;
      this.transition({ name: 'half_open', reopenCount: state.reopenCount, probeStartedAtMs: nowMs });
      return 'probe';
    }
    if (nowMs - state.probeStartedAtMs < this.probeTimeoutMs) return 'rejected';
    // The probe in flight is lost: let another one through (same state name, so no event). The lost one's ticket
    // no longer gives anything back.
    this.latestProbe += 1;
    this.current = { name: 'half_open', reopenCount: state.reopenCount, probeStartedAtMs: nowMs };
    return 'probe';
  }

  /** A call succeeded. While half-open this closes the circuit. `nowMs` saves a read of the clock. */
  recordSuccess(nowMs?: number): void {
    const state = this.current;
    if (state.name === 'closed') {
      this.rule.success(nowMs ?? this.clock.now());
    } else if (state.name === 'half_open') {
      this.rule.reset();
      this.transition(closedState);
    }
  }

  /** A call failed for a health reason. May open the circuit; while half-open it reopens it for longer. */
  recordFailure(atMs?: number): void {
    const state = this.current;
    const nowMs = atMs ?? this.clock.now();
    if (state.name === 'closed') {
      if (this.rule.failure(nowMs)) this.open(nowMs, 0);
    } else if (state.name === 'half_open') {
      this.open(nowMs, state.reopenCount + 1);
    }
  }

  /**
   * Evidence that the provider is back (its health check answered): an open circuit lets the next call probe now
   * instead of at the end of its open period, which after failed probes may be a minute away. Only a probe closes
   * it, and its backoff is kept: a health check proves the provider answers, not that its calls do (a models list
   * can answer while completions are overloaded), so a probe that fails reopens it for longer, and at worst one
   * call a health check fails over. Nothing when closed or half-open.
   */
  allowProbeNow(): void {
    const state = this.current;
    if (state.name !== 'open') return;
    const nowMs = this.clock.now();
    // Same state name, so no event: as when a probe is given back (`releaseProbe`).
    if (nowMs < state.halfOpenAfterMs) this.current = { name: 'open', openedAtMs: state.openedAtMs, reopenCount: state.reopenCount, halfOpenAfterMs: nowMs };
  }

  /**
   * The probe of this ticket ended without a verdict (aborted as a race loser, an invalid request, a rate limit):
   * go back to open with the period already over, so the next `tryAcquire` probes again. Nothing when the
   * ticket is not the probe in flight (a verdict came first, or the probe was lost and granted again).
   */
  releaseProbe(ticket: ProbeTicket): void {
    this.reopenWithoutVerdict(ticket, 0);
  }

  /**
   * Another party probes in this probe's place (another instance holds the cluster's probe lock): give it back
   * and stay open for the first open period, after which `tryAcquire` grants a probe again, to ask once more.
   * The other party's verdict, when it comes, arrives through `restore`. Nothing when the ticket is not the
   * probe in flight.
   */
  yieldProbe(ticket: ProbeTicket): void {
    this.reopenWithoutVerdict(ticket, this.openDurationMs);
  }

  /** The probe of `ticket`, if it is the one in flight, ends without a verdict: open again, probing after `waitMs`. */
  private reopenWithoutVerdict(ticket: ProbeTicket, waitMs: number): void {
    const state = this.current;
    if (state.name !== 'half_open' || ticket !== this.latestProbe) return;
    const nowMs = this.clock.now();
    this.transition({ name: 'open', openedAtMs: nowMs, reopenCount: state.reopenCount, halfOpenAfterMs: nowMs + waitMs });
  }

  /** Subscribe to state changes (by name: closed, open, half_open). Returns the disposer. */
  onStateChange(listener: (change: BreakerStateChange) => void): Unsubscribe {
    return this.changes.subscribe(listener);
  }

  toJSON(): BreakerState {
    return this.current;
  }

  /**
   * Adopt a state, e.g. one shared by another instance. Throws `InvalidArgumentError` on a malformed value
   * (it may come from outside as parsed JSON). Emits a change when the state name differs.
   */
  restore(state: BreakerState): void {
    if (!isBreakerState(state)) {
      throw new InvalidArgumentError({ argument: 'state', message: 'Not a circuit breaker state' });
    }
    if (state.name !== 'closed' || this.current.name !== 'closed') this.rule.reset();
    // Whatever this instance's probe was, it is not the one in force now: its ticket gives nothing back.
    this.latestProbe += 1;
    this.transition(copyState(state));
  }

  private open(nowMs: number, reopenCount: number): void {
    const openForMs = Math.min(this.maxOpenDurationMs, this.openDurationMs * Math.pow(this.backoffFactor, reopenCount));
    this.transition({ name: 'open', openedAtMs: nowMs, reopenCount, halfOpenAfterMs: nowMs + openForMs });
  }

  private transition(next: BreakerState): void {
    const from = this.current.name;
    this.current = next;
    if (from !== next.name) this.changes.emit({ from, to: next.name, state: next });
  }
}

/** Only the fields of the variant: a state parsed from JSON may carry anything else. */
function copyState(state: BreakerState): BreakerState {
  switch (state.name) {
    case 'closed':
      return closedState;
    case 'open':
      return {
        name: 'open',
        openedAtMs: state.openedAtMs,
        reopenCount: state.reopenCount,
        halfOpenAfterMs: state.halfOpenAfterMs,
      };
    case 'half_open':
      return { name: 'half_open', reopenCount: state.reopenCount, probeStartedAtMs: state.probeStartedAtMs };
  }
}

/** Runtime check for a breaker state, e.g. one parsed from JSON. */
export function isBreakerState(value: unknown): value is BreakerState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  switch (state.name) {
    case 'closed':
      return true;
    case 'open':
      return (
        isFiniteNumber(state.openedAtMs) && isCount(state.reopenCount) && isFiniteNumber(state.halfOpenAfterMs)
      );
    case 'half_open':
      return isCount(state.reopenCount) && isFiniteNumber(state.probeStartedAtMs);
    default:
      return false;
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function requireDuration(argument: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new InvalidArgumentError({ argument, message: `${argument} must be a finite number of milliseconds >= 0` });
  }
}
