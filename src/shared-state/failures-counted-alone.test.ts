import { describe, expect, it } from 'vitest';
import { FailuresCountedAlone } from './failures-counted-alone.js';

const limit = { maxFailures: 3, windowMs: 60_000 };

describe('FailuresCountedAlone', () => {
  it('hands over each address failures once, with what remains of the window that began at the first', () => {
    const kept = new FailuresCountedAlone({ maxAddresses: 10 });
    kept.add('198.51.100.1', { ...limit, nowMs: 1_000 });
    kept.add('198.51.100.1', { ...limit, nowMs: 11_000 });
    kept.add('2001:db8:1:2::/64', { ...limit, nowMs: 21_000 });
    expect(kept.takeAll(31_000)).toEqual([
      { address: '198.51.100.1', failures: 2, maxFailures: 3, windowRemainingMs: 30_000 },
      { address: '2001:db8:1:2::/64', failures: 1, maxFailures: 3, windowRemainingMs: 50_000 },
    ]);
    expect(kept.size).toBe(0);
    expect(kept.takeAll(31_000)).toEqual([]);
  });

  it('drops the failures whose window has ended: they could refuse nobody', () => {
    const kept = new FailuresCountedAlone({ maxAddresses: 10 });
    kept.add('198.51.100.1', { ...limit, nowMs: 0 });
    kept.add('198.51.100.2', { ...limit, nowMs: 30_000 });
    expect(kept.takeAll(60_000)).toEqual([{ address: '198.51.100.2', failures: 1, maxFailures: 3, windowRemainingMs: 30_000 }]);
    // Ended ones go at the next failure too, and a failure after its window starts a new one.
    kept.add('198.51.100.1', { ...limit, nowMs: 100_000 });
    kept.add('198.51.100.2', { ...limit, nowMs: 170_000 });
    expect(kept.size).toBe(1);
    kept.add('198.51.100.2', { ...limit, nowMs: 171_000 });
    expect(kept.takeAll(171_000)).toEqual([{ address: '198.51.100.2', failures: 2, maxFailures: 3, windowRemainingMs: 59_000 }]);
  });

  it('keeps at most maxAddresses, forgetting the one kept longest', () => {
    const kept = new FailuresCountedAlone({ maxAddresses: 2 });
    for (const [index, address] of ['198.51.100.1', '198.51.100.2', '198.51.100.3'].entries()) kept.add(address, { ...limit, nowMs: index });
    expect(kept.takeAll(10).map((failures) => failures.address)).toEqual(['198.51.100.2', '198.51.100.3']);
  });
});
