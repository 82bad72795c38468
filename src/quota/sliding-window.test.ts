import { describe, expect, it } from 'vitest';
import { admitsOneMore, msUntilAdmitted, requestWindowMs, slidingCount, utcDay, windowPosition } from './sliding-window.js';

describe('the sliding minute', () => {
  it('weighs the previous window by how much of it the minute still covers', () => {
    expect(windowPosition(requestWindowMs * 5 + 15_000)).toEqual({ index: 5, elapsed: 0.25 });
    expect(slidingCount({ previous: 40, current: 10 }, 0.25)).toBe(40);
    expect(slidingCount({ previous: 40, current: 10 }, 1)).toBe(10);
    expect(admitsOneMore({ previous: 40, current: 10 }, 0.25, 41)).toBe(true);
    expect(admitsOneMore({ previous: 40, current: 10 }, 0.25, 40)).toBe(false);
  });

  it('says when a refused request would be admitted: as the previous window slides out, or in the next one', () => {
    const start = requestWindowMs * 10;
    // 30 of the limit of 30 came in the previous window, none yet in this one, a quarter in: 22.5 counted;
    // room for one more at once.
    expect(msUntilAdmitted({ previous: 30, current: 0 }, start + 15_000, 30)).toBe(0);
    // 10 now and 30 before, limit 30, a quarter in: 32.5 counted; one more fits once 30 * (1 - e) + 10 + 1 <= 30,
    // at e = 11/30 of the window.
    const wait = msUntilAdmitted({ previous: 30, current: 10 }, start + 15_000, 30);
    expect(Math.abs(wait - (11 / 30 - 0.25) * requestWindowMs)).toBeLessThan(2);
    expect(admitsOneMore({ previous: 30, current: 10 }, 0.25 + wait / requestWindowMs, 30)).toBe(true);
    expect(admitsOneMore({ previous: 30, current: 10 }, 0.25 + (wait - 5) / requestWindowMs, 30)).toBe(false);
    // The current window alone is full: into the next, until enough of this one has slid out.
    const full = msUntilAdmitted({ previous: 0, current: 30 }, start + 45_000, 30);
    expect(Math.abs(full - (15_000 + requestWindowMs / 30))).toBeLessThan(2);
    expect(admitsOneMore({ previous: 30, current: 0 }, (full - 15_000) / requestWindowMs, 30)).toBe(true);
    expect(admitsOneMore({ previous: 30, current: 0 }, (full - 15_000 - 10) / requestWindowMs, 30)).toBe(false);
  });

  it('counts spend by UTC day', () => {
    const noon = Date.UTC(2026, 10, 26, 12);
    expect(utcDay(noon)).toEqual({ index: Math.floor(noon / 86_400_000), msLeft: 12 * 3_600_000 });
    expect(utcDay(Date.UTC(2026, 10, 27)).index).toBe(utcDay(noon).index + 1);
  });
});
