import { describe, expect, it } from 'vitest';
import { UnansweredFailureCounts } from './unanswered-failure-counts.js';

const address = '198.51.100.1';
const window = { windowMs: 60_000 };

describe('UnansweredFailureCounts', () => {
  it('keeps nothing for a count that was answered, whichever of its answer and the message came first', () => {
    const counts = new UnansweredFailureCounts({ maxAddresses: 10 });
    counts.sent(address, 0);
    expect(counts.heard({ address, retryAfterMs: 50_000 }, 10)).toBeUndefined();
    counts.answered(address, 20);
    expect(counts.size).toBe(0);
    counts.sent(address, 100);
    counts.answered(address, 110);
    expect(counts.heard({ address, retryAfterMs: 50_000 }, 120)).toBeUndefined();
    // Never sent: nothing to keep.
    expect(counts.heard({ address: '198.51.100.2', retryAfterMs: 50_000 }, 120)).toBeUndefined();
  });

  it('keeps once the refusal heard after a count went unanswered, until its window would have ended', () => {
    const counts = new UnansweredFailureCounts({ maxAddresses: 10 });
    counts.sent(address, 0);
    expect(counts.unanswered(address, { ...window, nowMs: 200 })).toBeUndefined();
    expect(counts.heard({ address, retryAfterMs: 59_000 }, 1_000)).toEqual({ address, retryAfterMs: 59_000 });
    expect(counts.heard({ address, retryAfterMs: 58_000 }, 2_000)).toBeUndefined();
    expect(counts.size).toBe(0);
    // Heard only after the window: not this count's refusal.
    counts.sent(address, 100_000);
    counts.unanswered(address, { ...window, nowMs: 100_200 });
    expect(counts.heard({ address, retryAfterMs: 60_000 }, 160_200)).toBeUndefined();
  });

  it('keeps, with what remains of it, a refusal heard while a count was in flight that then went unanswered', () => {
    const counts = new UnansweredFailureCounts({ maxAddresses: 10 });
    counts.sent(address, 0);
    counts.sent(address, 5);
    expect(counts.heard({ address, retryAfterMs: 50_000 }, 10)).toBeUndefined();
    // One answer came (it said the count was below the limit, say): the other may still have published it.
    counts.answered(address, 20);
    expect(counts.unanswered(address, { ...window, nowMs: 210 })).toEqual({ address, retryAfterMs: 49_800 });
    expect(counts.size).toBe(0);
  });

  it('tracks at most maxAddresses, forgetting the first', () => {
    const counts = new UnansweredFailureCounts({ maxAddresses: 2 });
    for (const each of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      counts.sent(each, 0);
      counts.unanswered(each, { ...window, nowMs: 0 });
    }
    expect(counts.size).toBe(2);
    expect(counts.heard({ address: '198.51.100.1', retryAfterMs: 1_000 }, 10)).toBeUndefined();
    expect(counts.heard({ address: '198.51.100.3', retryAfterMs: 1_000 }, 10)).toEqual({ address: '198.51.100.3', retryAfterMs: 1_000 });
    // Settled ones are dropped as counts come.
    counts.sent('198.51.100.4', 70_000);
    expect(counts.size).toBe(1);
  });
});
