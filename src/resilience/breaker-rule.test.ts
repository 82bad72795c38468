import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ConsecutiveFailuresRule, FailureRateRule, anyOf, defaultBreakerRule } from './breaker-rule.js';

describe('ConsecutiveFailuresRule', () => {
  it('opens on the Nth failure in a row, and a success starts the count again', () => {
    const rule = new ConsecutiveFailuresRule({ threshold: 3 });
    expect(rule.failure(0)).toBe(false);
    expect(rule.failure(0)).toBe(false);
    rule.success(0);
    expect(rule.failure(0)).toBe(false);
    expect(rule.failure(0)).toBe(false);
    expect(rule.failure(0)).toBe(true);
    rule.reset();
    expect(rule.failure(0)).toBe(false);
  });

  it('rejects a threshold below 1', () => {
    expect(() => new ConsecutiveFailuresRule({ threshold: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('FailureRateRule', () => {
  const options = { failureRate: 0.5, windowMs: 30_000, minimumCalls: 10 };

  it('does not open below the minimum number of calls, however bad the rate', () => {
    const rule = new FailureRateRule(options);
    for (let index = 0; index < 9; index++) expect(rule.failure(index)).toBe(false);
    expect(rule.failure(9)).toBe(true);
  });

  it('opens when failures reach the rate among at least minimumCalls calls in the window', () => {
    const rule = new FailureRateRule(options);
    for (let index = 0; index < 6; index++) rule.success(1_000);
    for (let index = 0; index < 5; index++) expect(rule.failure(2_000)).toBe(false); // 5 of 11
    expect(rule.failure(3_000)).toBe(true); // 6 of 12
  });

  it('forgets calls that slid out of the window', () => {
    const rule = new FailureRateRule(options);
    for (let index = 0; index < 9; index++) rule.failure(0);
    // 31 s later the nine old failures are gone: one failure alone is below the minimum.
    expect(rule.failure(31_000)).toBe(false);
    // Old successes also leave: 10 successes long ago do not dilute new failures.
    const diluted = new FailureRateRule(options);
    for (let index = 0; index < 10; index++) diluted.success(0);
    for (let index = 0; index < 9; index++) expect(diluted.failure(40_000)).toBe(false);
    expect(diluted.failure(40_000)).toBe(true);
  });

  it('counts calls spread over the whole window', () => {
    const rule = new FailureRateRule(options);
    for (let index = 0; index < 9; index++) rule.failure(index * 3_000); // 0 .. 24 s
    expect(rule.failure(29_000)).toBe(true);
  });

  it('reset forgets everything', () => {
    const rule = new FailureRateRule(options);
    for (let index = 0; index < 9; index++) rule.failure(0);
    rule.reset();
    expect(rule.failure(0)).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => new FailureRateRule({ ...options, failureRate: 0 })).toThrow(InvalidArgumentError);
    expect(() => new FailureRateRule({ ...options, failureRate: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new FailureRateRule({ ...options, windowMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => new FailureRateRule({ ...options, minimumCalls: 0.5 })).toThrow(InvalidArgumentError);
  });
});

describe('anyOf', () => {
  it('opens when any rule says so, and every rule sees every failure', () => {
    const consecutive = new ConsecutiveFailuresRule({ threshold: 2 });
    const rate = new FailureRateRule({ failureRate: 0.5, windowMs: 1_000, minimumCalls: 4 });
    const rule = anyOf(consecutive, rate);
    rule.success(0);
    rule.success(0);
    expect(rule.failure(0)).toBe(false);
    expect(rule.failure(0)).toBe(true); // consecutive says open; rate has seen 2 of 4 as well
    rule.reset();
    rule.success(0);
    expect(rule.failure(0)).toBe(false);
    rule.success(0);
    rule.success(0);
    expect(rule.failure(0)).toBe(false); // 2 of 5 failed, never twice in a row
  });

  it('the default opens after 5 failures in a row', () => {
    const rule = defaultBreakerRule();
    for (let index = 0; index < 4; index++) expect(rule.failure(index)).toBe(false);
    expect(rule.failure(5)).toBe(true);
  });
});

describe('defaultBreakerRule', () => {
  it('does not open on a chance run of failures amid many successes', () => {
    const rule = defaultBreakerRule();
    for (let call = 0; call < 30; call++) rule.success(call);
    const verdicts = [30, 31, 32, 33, 34].map((nowMs) => rule.failure(nowMs));
    expect(verdicts).toEqual([false, false, false, false, false]);
  });

  it('opens a quiet provider after five failures in a row', () => {
    const rule = defaultBreakerRule();
    const verdicts = [0, 1, 2, 3, 4].map((nowMs) => rule.failure(nowMs));
    expect(verdicts).toEqual([false, false, false, false, true]);
  });

  it('opens a provider that just went down after its run, however many successes came before', () => {
    const rule = defaultBreakerRule();
    for (let call = 0; call < 40; call++) rule.success(call * 500);
    const verdicts = [0, 1, 2, 3, 4].map((index) => rule.failure(30_000 + index * 500));
    expect(verdicts).toEqual([false, false, false, false, true]);
  });

  it('opens a busy provider when half its window failed, without a run', () => {
    const rule = defaultBreakerRule();
    let opened = false;
    for (let call = 0; call < 20 && !opened; call++) {
      if (call % 2 === 0) rule.success(call);
      else opened = rule.failure(call);
    }
    expect(opened).toBe(true);
  });
});
