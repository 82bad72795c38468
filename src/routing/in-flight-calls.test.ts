import { describe, expect, it } from 'vitest';
import { CancelScope } from '../cancellation.js';
import { InFlightCalls } from './in-flight-calls.js';

describe('InFlightCalls', () => {
  it('cancels what is in flight and resolves only once all of it has left', async () => {
    const inFlight = new InFlightCalls();
    const first = new CancelScope();
    const second = new CancelScope();
    const firstEntry = inFlight.enter(first);
    const secondEntry = inFlight.enter(second);
    expect(inFlight.size).toBe(2);
    let closed = false;
    const closing = inFlight.cancelAll('closed').then(() => (closed = true));
    expect([first.reason, second.reason]).toEqual(['closed', 'closed']);
    inFlight.leave(firstEntry);
    inFlight.leave(firstEntry);
    expect(inFlight.size).toBe(1);
    await Promise.resolve();
    expect(closed).toBe(false);
    inFlight.leave(secondEntry);
    await closing;
    expect(closed).toBe(true);
  });

  it('cancels at once what enters after closing began, and resolves at once when nothing is in flight', async () => {
    const inFlight = new InFlightCalls();
    await inFlight.cancelAll('closed');
    const late = new CancelScope();
    inFlight.enter(late);
    expect(late.aborted).toBe(true);
    expect(late.reason).toBe('closed');
  });
});
