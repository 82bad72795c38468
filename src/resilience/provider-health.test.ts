import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { ManualClock } from './manual-clock.js';
import { ProviderHealth } from './provider-health.js';

describe('ProviderHealth', () => {
  it('reports a healthy, unknown provider before any call', () => {
    const health = new ProviderHealth({ clock: new ManualClock() });
    expect(health.snapshot()).toEqual({
      successRate: 1,
      latencyP50Ms: undefined,
      latencyP95Ms: undefined,
      sampleCount: 0,
      consecutiveFailures: 0,
      lastFailureReason: undefined,
      lastFailureAtMs: undefined,
      totalCalls: 0,
      totalFailures: 0,
    });
    expect(health.latencyQuantileMs(0.95)).toBeUndefined();
  });

  it('computes quantiles over successful calls (nearest rank)', () => {
    const health = new ProviderHealth({ clock: new ManualClock() });
    // 1..100 ms, recorded out of order.
    for (let index = 0; index < 100; index++) health.recordSuccess(((index * 37) % 100) + 1);
    expect(health.latencyQuantileMs(0)).toBe(1);
    expect(health.latencyQuantileMs(0.5)).toBe(50);
    expect(health.latencyQuantileMs(0.95)).toBe(95);
    expect(health.latencyQuantileMs(1)).toBe(100);
    health.recordFailure('timeout', 60_000);
    expect(health.latencyQuantileMs(1)).toBe(100); // a failure's latency is not an answer's latency
    const snapshot = health.snapshot();
    expect(snapshot.latencyP50Ms).toBe(50);
    expect(snapshot.latencyP95Ms).toBe(95);
  });

  it('sees a new sample right after recording it (the cached sort is invalidated)', () => {
    const health = new ProviderHealth({ clock: new ManualClock() });
    health.recordSuccess(100);
    expect(health.latencyQuantileMs(0.95)).toBe(100);
    health.recordSuccess(900);
    expect(health.latencyQuantileMs(0.95)).toBe(900);
    expect(health.latencyQuantileMs(0.5)).toBe(100);
  });

  it('tracks success rate, consecutive failures and the last failure', () => {
    const clock = new ManualClock(1_000);
    const health = new ProviderHealth({ clock });
    health.recordSuccess(100);
    health.recordFailure('server_error', 50);
    clock.advance(10);
    health.recordFailure('overloaded', 70);
    let snapshot = health.snapshot();
    expect(snapshot.successRate).toBeCloseTo(1 / 3);
    expect(snapshot.consecutiveFailures).toBe(2);
    expect(snapshot.lastFailureReason).toBe('overloaded');
    expect(snapshot.lastFailureAtMs).toBe(1_010);
    expect(snapshot.totalCalls).toBe(3);
    expect(snapshot.totalFailures).toBe(2);
    health.recordSuccess(100);
    snapshot = health.snapshot();
    expect(snapshot.consecutiveFailures).toBe(0);
    expect(snapshot.successRate).toBe(0.5);
    expect(snapshot.lastFailureReason).toBe('overloaded');
  });

  it('forgets samples older than the window, including from the cached quantiles', () => {
    const clock = new ManualClock();
    const health = new ProviderHealth({ clock, windowMs: 60_000 });
    health.recordSuccess(5_000);
    health.recordFailure('timeout', 1);
    clock.advance(30_000);
    health.recordSuccess(200);
    expect(health.latencyQuantileMs(1)).toBe(5_000);
    expect(health.snapshot().successRate).toBeCloseTo(2 / 3);
    clock.advance(30_000); // the first two samples are now exactly 60 s old
    expect(health.latencyQuantileMs(1)).toBe(200);
    expect(health.snapshot()).toMatchObject({ successRate: 1, sampleCount: 1, totalCalls: 3, totalFailures: 1 });
    clock.advance(30_000);
    expect(health.latencyQuantileMs(0.5)).toBeUndefined();
    expect(health.snapshot().successRate).toBe(1);
  });

  it('raises the success rate when an old failure leaves the window, with no new call', () => {
    const clock = new ManualClock();
    const health = new ProviderHealth({ clock, windowMs: 60_000 });
    health.recordFailure('timeout', 1);
    clock.advance(10_000);
    health.recordSuccess(100);
    expect(health.snapshot().successRate).toBe(0.5);
    expect(health.recentFigures().successRate).toBe(0.5);
    clock.advance(50_000); // the failure is now 60 s old; the success 50 s
    expect(health.snapshot()).toMatchObject({ successRate: 1, sampleCount: 1 });
    expect(health.recentFigures()).toMatchObject({ successRate: 1, sampleCount: 1, latencyP50Ms: 100 });
  });

  it('gives routing figures at most 100 ms or 16 records old', () => {
    const clock = new ManualClock();
    const health = new ProviderHealth({ clock });
    health.recordSuccess(100);
    expect(health.recentFigures()).toMatchObject({ successRate: 1, sampleCount: 1 });
    for (let index = 0; index < 15; index += 1) health.recordFailure('overloaded', 5);
    expect(health.recentFigures().sampleCount).toBe(1);
    clock.advance(100);
    expect(health.recentFigures()).toMatchObject({ sampleCount: 16, successRate: 1 / 16 });
    for (let index = 0; index < 16; index += 1) health.recordSuccess(100);
    expect(health.recentFigures().sampleCount).toBe(32);
  });

  it('keeps at most maxSamples samples, dropping the oldest', () => {
    const health = new ProviderHealth({ clock: new ManualClock(), maxSamples: 4 });
    for (const latencyMs of [1_000, 1_000, 10, 20, 30, 40]) health.recordSuccess(latencyMs);
    expect(health.latencyQuantileMs(1)).toBe(40);
    expect(health.latencyQuantileMs(0)).toBe(10);
    expect(health.snapshot()).toMatchObject({ sampleCount: 4, totalCalls: 6 });
    health.recordFailure('network', 5);
    health.recordFailure('network', 5);
    expect(health.snapshot().successRate).toBe(0.5);
  });

  it('rejects a quantile outside [0, 1]', () => {
    const health = new ProviderHealth({ clock: new ManualClock() });
    expect(() => health.latencyQuantileMs(1.5)).toThrow(InvalidArgumentError);
    expect(() => health.latencyQuantileMs(Number.NaN)).toThrow(InvalidArgumentError);
  });
});
