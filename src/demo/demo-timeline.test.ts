import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { defaultDemoTimeline, describeDemoTimeline, resolveDemoTimeline, scriptedFaultsAt } from './demo-timeline.js';

describe('the demo timeline', () => {
  it('takes the outage provider down from 10 s to 30 s and rate-limits the other from 20 s to 35 s, every minute', () => {
    const at = (elapsedMs: number) => scriptedFaultsAt(defaultDemoTimeline, elapsedMs);
    expect(at(9_999)).toEqual({ outage: false, rateLimit: false });
    expect(at(10_000)).toEqual({ outage: true, rateLimit: false });
    expect(at(20_000)).toEqual({ outage: true, rateLimit: true });
    expect(at(30_000)).toEqual({ outage: false, rateLimit: true });
    expect(at(35_000)).toEqual({ outage: false, rateLimit: false });
    expect(at(70_000)).toEqual({ outage: true, rateLimit: false });
  });

  it('plays once with cycleMs 0', () => {
    const timeline = resolveDemoTimeline({ outageStartMs: 1_000, outageDurationMs: 1_000, rateLimitStartMs: 0, rateLimitDurationMs: 500, cycleMs: 0 });
    expect(scriptedFaultsAt(timeline, 1_500).outage).toBe(true);
    expect(scriptedFaultsAt(timeline, 61_500)).toEqual({ outage: false, rateLimit: false });
  });

  it('refuses a negative time and a cycle shorter than the script', () => {
    expect(() => resolveDemoTimeline({ outageStartMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => resolveDemoTimeline({ cycleMs: 20_000 })).toThrow(/cycleMs must be 0 or at least 35000/);
  });

  it('says the script in one sentence, with the providers named as simulated', () => {
    const text = describeDemoTimeline(defaultDemoTimeline, (id) => `${id} (simulated)`);
    expect(text).toBe(
      'at 10 s groq (simulated) goes down for 20 s; at 20 s anthropic (simulated) rate-limits for 15 s (Retry-After: 5); the script repeats every 60 s.',
    );
  });
});
