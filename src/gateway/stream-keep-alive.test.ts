import { describe, expect, it } from 'vitest';
import { ManualClock } from '../resilience/manual-clock.js';
import { StreamKeepAlive } from './stream-keep-alive.js';

describe('StreamKeepAlive', () => {
  it('pings a stream silent for the whole silence, and again after each further silence', () => {
    const clock = new ManualClock();
    const keepAlive = new StreamKeepAlive({ clock, silenceMs: 15_000 });
    let pings = 0;
    keepAlive.track(() => (pings += 1));
    clock.advance(14_999);
    expect(pings).toBe(0);
    clock.advance(1);
    expect(pings).toBe(1);
    clock.advance(15_000);
    expect(pings).toBe(2);
  });

  it('never pings a stream that keeps writing, and pings it once it falls silent', () => {
    const clock = new ManualClock();
    const keepAlive = new StreamKeepAlive({ clock, silenceMs: 15_000 });
    let pings = 0;
    const stream = keepAlive.track(() => (pings += 1));
    for (let second = 0; second < 60; second += 1) {
      stream.activity += 1;
      clock.advance(1_000);
    }
    expect(pings).toBe(0);
    clock.advance(20_000);
    expect(pings).toBe(1);
  });

  it('holds no timer while no stream is open, and none after the last one stops', () => {
    const clock = new ManualClock();
    const keepAlive = new StreamKeepAlive({ clock, silenceMs: 3_000 });
    expect(clock.pendingTimerCount).toBe(0);
    const first = keepAlive.track(() => undefined);
    const second = keepAlive.track(() => undefined);
    expect(clock.pendingTimerCount).toBe(1);
    first.stop();
    second.stop();
    clock.advance(1_000);
    expect(clock.pendingTimerCount).toBe(0);
    expect(keepAlive.size).toBe(0);
    keepAlive.track(() => undefined);
    keepAlive.dispose();
    expect(clock.pendingTimerCount).toBe(0);
  });
});
