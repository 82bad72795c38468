import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ConsecutiveFailuresRule, FailureRateRule } from './breaker-rule.js';
import { CircuitBreaker, isBreakerState, type BreakerState, type BreakerStateChange } from './circuit-breaker.js';
import { ManualClock } from './manual-clock.js';

function setup(options: { threshold?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const breaker = new CircuitBreaker({
    clock,
    rule: new ConsecutiveFailuresRule({ threshold: options.threshold ?? 3 }),
    openDurationMs: 5_000,
    maxOpenDurationMs: 60_000,
    backoffFactor: 2,
  });
  const changes: BreakerStateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  return { clock, breaker, changes };
}

function failTimes(breaker: CircuitBreaker, count: number): void {
  for (let index = 0; index < count; index++) breaker.recordFailure();
}

describe('CircuitBreaker', () => {
  it('starts closed and allows calls', () => {
    const { breaker } = setup();
    expect(breaker.stateName).toBe('closed');
    expect(breaker.state).toEqual({ name: 'closed' });
    expect(breaker.tryAcquire()).toBe('allowed');
    expect(breaker.retryAtMs).toBeUndefined();
  });

  it('opens after N consecutive failures, not before, and a success in between resets the count', () => {
    const { clock, breaker, changes } = setup();
    failTimes(breaker, 2);
    breaker.recordSuccess();
    failTimes(breaker, 2);
    expect(breaker.stateName).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toEqual({ name: 'open', openedAtMs: clock.now(), reopenCount: 0, halfOpenAfterMs: clock.now() + 5_000 });
    expect(breaker.retryAtMs).toBe(clock.now() + 5_000);
    expect(breaker.tryAcquire()).toBe('rejected');
    expect(changes.map((change) => `${change.from}->${change.to}`)).toEqual(['closed->open']);
    expect(changes[0]?.state).toBe(breaker.state);
  });

  it('opens on failure rate once the minimum number of calls is reached', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      rule: new FailureRateRule({ failureRate: 0.5, windowMs: 30_000, minimumCalls: 10 }),
    });
    for (let index = 0; index < 5; index++) {
      breaker.recordSuccess();
      clock.advance(1_000);
    }
    for (let index = 0; index < 4; index++) {
      breaker.recordFailure();
      clock.advance(1_000);
    }
    expect(breaker.stateName).toBe('closed'); // 4 of 9: below the minimum
    breaker.recordFailure();
    expect(breaker.stateName).toBe('open'); // 5 of 10
  });

  it('becomes half-open after the open duration and grants exactly one probe', () => {
    const { clock, breaker, changes } = setup();
    failTimes(breaker, 3);
    clock.advance(4_999);
    expect(breaker.tryAcquire()).toBe('rejected');
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe('probe');
    expect(breaker.state).toEqual({ name: 'half_open', reopenCount: 0, probeStartedAtMs: clock.now() });
    expect(breaker.tryAcquire()).toBe('rejected');
    expect(breaker.tryAcquire()).toBe('rejected');
    expect(changes.map((change) => change.to)).toEqual(['open', 'half_open']);
  });

  it('closes when the probe succeeds and forgets earlier failures', () => {
    const { clock, breaker, changes } = setup();
    failTimes(breaker, 3);
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.recordSuccess();
    expect(breaker.state).toEqual({ name: 'closed' });
    expect(breaker.tryAcquire()).toBe('allowed');
    failTimes(breaker, 2);
    expect(breaker.stateName).toBe('closed');
    expect(changes.map((change) => change.to)).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens when the probe fails, for a period growing by the factor up to the cap', () => {
    const { clock, breaker } = setup();
    failTimes(breaker, 3);
    const periods: number[] = [];
    for (let round = 0; round < 7; round++) {
      const state = breaker.state;
      if (state.name !== 'open') throw new Error('expected open');
      periods.push(state.halfOpenAfterMs - state.openedAtMs);
      expect(breaker.retryAtMs).toBe(state.halfOpenAfterMs);
      clock.advance(state.halfOpenAfterMs - clock.now() - 1);
      expect(breaker.tryAcquire()).toBe('rejected');
      clock.advance(1);
      expect(breaker.tryAcquire()).toBe('probe');
      breaker.recordFailure();
      expect(breaker.state).toMatchObject({ name: 'open', reopenCount: round + 1, openedAtMs: clock.now() });
    }
    expect(periods).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    // A successful probe resets the growth.
    clock.advance(60_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.recordSuccess();
    failTimes(breaker, 3);
    expect(breaker.state).toMatchObject({ name: 'open', reopenCount: 0, halfOpenAfterMs: clock.now() + 5_000 });
  });

  it('releaseProbe lets the next caller probe at once, keeping the reopen count', () => {
    const { clock, breaker, changes } = setup();
    failTimes(breaker, 3);
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.recordFailure(); // reopenCount 1, 10 s
    clock.advance(10_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.releaseProbe(breaker.probeTicket);
    expect(breaker.state).toEqual({ name: 'open', openedAtMs: clock.now(), reopenCount: 1, halfOpenAfterMs: clock.now() });
    expect(breaker.tryAcquire()).toBe('probe');
    expect(breaker.tryAcquire()).toBe('rejected');
    breaker.recordFailure();
    expect(breaker.state).toMatchObject({ name: 'open', reopenCount: 2, halfOpenAfterMs: clock.now() + 20_000 });
    expect(changes.map((change) => change.to)).toEqual(['open', 'half_open', 'open', 'half_open', 'open', 'half_open', 'open']);
  });

  it('allowProbeNow ends an open period early, keeping the reopen count, and does nothing unless open', () => {
    const { clock, breaker, changes } = setup();
    breaker.allowProbeNow();
    expect(breaker.state).toEqual({ name: 'closed' });
    failTimes(breaker, 3);
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.allowProbeNow(); // half-open: the probe in flight decides
    expect(breaker.tryAcquire()).toBe('rejected');
    breaker.recordFailure(); // reopenCount 1, 10 s
    const openedAtMs = clock.now();
    clock.advance(1_000);
    expect(breaker.tryAcquire()).toBe('rejected');
    breaker.allowProbeNow();
    expect(breaker.state).toEqual({ name: 'open', openedAtMs, reopenCount: 1, halfOpenAfterMs: clock.now() });
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.recordFailure();
    expect(breaker.state).toMatchObject({ name: 'open', reopenCount: 2, halfOpenAfterMs: clock.now() + 20_000 });
    expect(changes.map((change) => change.to)).toEqual(['open', 'half_open', 'open', 'half_open', 'open']);
  });

  it('releaseProbe does nothing unless half-open', () => {
    const { breaker, changes } = setup();
    breaker.releaseProbe(breaker.probeTicket);
    failTimes(breaker, 3);
    const open = breaker.state;
    breaker.releaseProbe(breaker.probeTicket);
    expect(breaker.state).toBe(open);
    expect(changes).toHaveLength(1);
  });

  it('gives a probe back only for the ticket of the probe in flight', () => {
    const { clock, breaker } = setup();
    failTimes(breaker, 3);
    clock.advance(5_000);
    const beforeTheProbe = breaker.probeTicket;
    expect(breaker.tryAcquire()).toBe('probe');
    const probe = breaker.probeTicket;
    // An attempt admitted before the probe (while closed) ends without a verdict: the probe stays in flight.
    breaker.releaseProbe(beforeTheProbe);
    breaker.yieldProbe(beforeTheProbe);
    expect(breaker.stateName).toBe('half_open');
    expect(breaker.tryAcquire()).toBe('rejected');

    // A probe lost (past the probe timeout) and granted again: the lost one's ticket gives nothing back.
    clock.advance(60_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.releaseProbe(probe);
    expect(breaker.tryAcquire()).toBe('rejected');
    breaker.releaseProbe(breaker.probeTicket);
    expect(breaker.tryAcquire()).toBe('probe');

    // A state adopted from another instance is nobody's probe here.
    const adopted = breaker.probeTicket;
    breaker.restore({ name: 'half_open', reopenCount: 0, probeStartedAtMs: clock.now() });
    breaker.releaseProbe(adopted);
    expect(breaker.stateName).toBe('half_open');
  });

  it('yieldProbe stays open for the first open period, then lets a probe through again', () => {
    const { clock, breaker, changes } = setup();
    failTimes(breaker, 3);
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.recordFailure(); // reopenCount 1, 10 s
    clock.advance(10_000);
    expect(breaker.tryAcquire()).toBe('probe');
    breaker.yieldProbe(breaker.probeTicket);
    expect(breaker.state).toEqual({ name: 'open', openedAtMs: clock.now(), reopenCount: 1, halfOpenAfterMs: clock.now() + 5_000 });
    clock.advance(4_999);
    expect(breaker.tryAcquire()).toBe('rejected');
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe('probe');
    expect(changes.map((change) => change.to)).toEqual(['open', 'half_open', 'open', 'half_open', 'open', 'half_open']);
  });

  it('ignores results recorded while open (calls admitted before it opened)', () => {
    const { clock, breaker } = setup();
    failTimes(breaker, 3);
    const open = breaker.state;
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe(open);
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
  });

  it('lets a new probe through when the one in flight never reports back', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({
      clock,
      rule: new ConsecutiveFailuresRule({ threshold: 1 }),
      probeTimeoutMs: 30_000,
    });
    breaker.recordFailure();
    clock.advance(5_000);
    expect(breaker.tryAcquire()).toBe('probe');
    clock.advance(29_999);
    expect(breaker.tryAcquire()).toBe('rejected');
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe('probe');
    expect(breaker.state).toEqual({ name: 'half_open', reopenCount: 0, probeStartedAtMs: clock.now() });
  });

  it('round-trips its state through JSON into another breaker', () => {
    const { clock, breaker } = setup();
    failTimes(breaker, 3);
    clock.advance(5_000);
    breaker.tryAcquire();
    breaker.recordFailure();
    const json = JSON.stringify(breaker);
    const parsed: unknown = JSON.parse(json);
    expect(isBreakerState(parsed)).toBe(true);

    const other = new CircuitBreaker({ clock, rule: new ConsecutiveFailuresRule({ threshold: 3 }) });
    const seen: BreakerStateChange[] = [];
    other.onStateChange((change) => seen.push(change));
    other.restore(parsed as BreakerState);
    expect(other.state).toEqual(breaker.state);
    expect(seen.map((change) => `${change.from}->${change.to}`)).toEqual(['closed->open']);
    expect(other.tryAcquire()).toBe('rejected');
    clock.advance(10_000);
    expect(other.tryAcquire()).toBe('probe');

    for (const state of [
      { name: 'closed' },
      { name: 'half_open', reopenCount: 2, probeStartedAtMs: 5 },
    ] as const) {
      const copy = new CircuitBreaker({ clock });
      copy.restore(JSON.parse(JSON.stringify(state)) as BreakerState);
      expect(copy.toJSON()).toEqual(state);
    }
  });

  it('restore drops unknown fields and rejects malformed states', () => {
    const { breaker } = setup();
    const withExtra = { name: 'open', openedAtMs: 1, reopenCount: 0, halfOpenAfterMs: 5, extra: 'x' };
    breaker.restore(withExtra as BreakerState);
    expect(breaker.state).toEqual({ name: 'open', openedAtMs: 1, reopenCount: 0, halfOpenAfterMs: 5 });
    for (const bad of [null, {}, { name: 'open' }, { name: 'half_open', reopenCount: -1, probeStartedAtMs: 0 }, { name: 'ajar' }]) {
      expect(() => breaker.restore(bad as unknown as BreakerState)).toThrow(InvalidArgumentError);
    }
  });

  it('stops calling a listener once its disposer ran; other listeners keep hearing', () => {
    const { breaker, changes } = setup({ threshold: 1 });
    const second: string[] = [];
    const dispose = breaker.onStateChange((change) => second.push(change.to));
    breaker.recordFailure();
    dispose();
    dispose();
    breaker.restore({ name: 'closed' });
    expect(second).toEqual(['open']);
    expect(changes.map((change) => change.to)).toEqual(['open', 'closed']);
  });

  it('a throwing listener does not change the outcome or silence other listeners', async () => {
    const { breaker, changes } = setup({ threshold: 1 });
    const reported: unknown[] = [];
    const onUncaught = (error: unknown): void => {
      reported.push(error);
    };
    process.prependListener('uncaughtException', onUncaught);
    try {
      breaker.onStateChange(() => {
        throw new Error('listener bug');
      });
      const after: string[] = [];
      breaker.onStateChange((change) => after.push(change.to));
      expect(() => breaker.recordFailure()).not.toThrow();
      expect(breaker.stateName).toBe('open');
      expect(after).toEqual(['open']);
      expect(changes).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
    expect(reported).toHaveLength(1);
  });

  it('rejects bad options', () => {
    const clock = new ManualClock();
    expect(() => new CircuitBreaker({ clock, openDurationMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new CircuitBreaker({ clock, openDurationMs: 10_000, maxOpenDurationMs: 5_000 })).toThrow(InvalidArgumentError);
    expect(() => new CircuitBreaker({ clock, backoffFactor: 0.5 })).toThrow(InvalidArgumentError);
  });
});
