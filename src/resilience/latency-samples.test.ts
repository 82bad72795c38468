import { describe, expect, it } from 'vitest';
import { LatencySamples } from './latency-samples.js';
import { ManualClock } from './manual-clock.js';

/** Samples whose p95 is read afresh: the clock moves past the 100 ms a p95 is kept between reads. */
function freshP95(samples: LatencySamples, clock: ManualClock): number | undefined {
  clock.advance(100);
  return samples.p95Ms();
}

describe('LatencySamples', () => {
  it('has no p95 before any sample, then the nearest-rank p95 of those in the window', () => {
    const clock = new ManualClock(1_000_000);
    const samples = new LatencySamples({ clock });
    expect(samples.p95Ms()).toBeUndefined();
    // 1..100 ms, recorded out of order.
    for (let index = 0; index < 100; index += 1) samples.record(((index * 37) % 100) + 1);
    expect(freshP95(samples, clock)).toBe(95);
    clock.advance(60_000);
    expect(samples.p95Ms()).toBeUndefined();
  });

  it('keeps at most its ring of samples, the newest', () => {
    const clock = new ManualClock(1_000_000);
    const samples = new LatencySamples({ clock, maxSamples: 20 });
    for (let index = 0; index < 20; index += 1) samples.record(5_000);
    for (let index = 0; index < 20; index += 1) samples.record(10);
    expect(freshP95(samples, clock)).toBe(10);
  });

  it('reads a p95 up to 100 ms or 16 samples old, so reading it on every call costs no sort', () => {
    const clock = new ManualClock(1_000_000);
    const samples = new LatencySamples({ clock });
    samples.record(100);
    expect(samples.p95Ms()).toBe(100);
    for (let index = 0; index < 15; index += 1) samples.record(900);
    expect(samples.p95Ms()).toBe(100);
    samples.record(900);
    expect(samples.p95Ms()).toBe(900);
  });

  describe('a cancelled call, known only to have taken at least so long', () => {
    it('counts when it is past the p95: the call surely was in the tail', () => {
      const clock = new ManualClock(1_000_000);
      const samples = new LatencySamples({ clock });
      for (let index = 0; index < 20; index += 1) samples.record(100);
      expect(freshP95(samples, clock)).toBe(100);
      samples.recordAtLeast(400);
      samples.recordAtLeast(400);
      // 22 samples: the p95 is the 21st, one of the two cancelled calls.
      expect(freshP95(samples, clock)).toBe(400);
    });

    it('is left out when it is not past the p95, or when there is no p95 yet: it may have been fast', () => {
      const clock = new ManualClock(1_000_000);
      const samples = new LatencySamples({ clock });
      samples.recordAtLeast(5_000);
      expect(freshP95(samples, clock)).toBeUndefined();
      for (let index = 0; index < 20; index += 1) samples.record(100);
      expect(freshP95(samples, clock)).toBe(100);
      for (let index = 0; index < 20; index += 1) samples.recordAtLeast(index < 10 ? 100 : 50);
      samples.record(400);
      samples.record(400);
      // 22 samples, the 21st of them 400 ms; with the twenty cancelled calls counted it would still be 100 ms.
      expect(freshP95(samples, clock)).toBe(400);
    });
  });
});
