import { describe, expect, it } from 'vitest';
import { CancelScope } from '../cancellation.js';
import { InFlightCalls } from './in-flight-calls.js';

describe('InFlightCalls', () => {
  it('cancels what is in flight and resolves only once all of it has left', async () => {
    const inFlight = new InFlightCalls();
    const first = new CancelScope();
    const second = new CancelScope();
    inFlight.enter(first);
    inFlight.enter(second);
    let closed = false;
    const closing = inFlight.cancelAll('closed').then(() => (closed = true));
    expect([first.reason, second.reason]).toEqual(['closed', 'closed']);
    inFlight.leave(first);
    inFlight.leave(first);
    await Promise.resolve();
    expect(closed).toBe(false);
    inFlight.leave(second);
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
