import { describe, expect, it } from 'vitest';
import { ListenerSet } from './listener-set.js';

describe('ListenerSet', () => {
  it('calls every listener in the order they subscribed, until each unsubscribes', () => {
    const events = new ListenerSet<number>();
    const seen: string[] = [];
    const stopFirst = events.subscribe((value) => seen.push(`first ${value}`));
    events.subscribe((value) => seen.push(`second ${value}`));
    events.emit(1);
    stopFirst();
    events.emit(2);
    expect(seen).toEqual(['first 1', 'second 1', 'second 2']);
    expect(events.size).toBe(1);
  });

  it('lets a listener unsubscribe itself and others during an emit without skipping anyone of that emit', () => {
    const events = new ListenerSet<number>();
    const seen: string[] = [];
    let stopSecond: () => void = () => undefined;
    const stopFirst = events.subscribe((value) => {
      seen.push(`first ${value}`);
      stopFirst();
      stopSecond();
    });
    stopSecond = events.subscribe((value) => seen.push(`second ${value}`));
    events.subscribe((value) => seen.push(`third ${value}`));
    events.emit(1);
    events.emit(2);
    expect(seen).toEqual(['first 1', 'second 1', 'third 1', 'third 2']);
  });

  it('gives the same function subscribed twice two independent subscriptions', () => {
    const events = new ListenerSet<string>();
    const seen: string[] = [];
    const listener = (value: string): void => {
      seen.push(value);
    };
    const stopOne = events.subscribe(listener);
    events.subscribe(listener);
    events.emit('a');
    stopOne();
    stopOne();
    events.emit('b');
    expect(seen).toEqual(['a', 'a', 'b']);
  });

  it('keeps calling the others when a listener throws, and reports the error on a microtask', async () => {
    const events = new ListenerSet<number>();
    const seen: number[] = [];
    const reported: unknown[] = [];
    const onError = (error: unknown): void => {
      reported.push(error);
    };
    process.on('uncaughtException', onError);
    try {
      events.subscribe(() => {
        throw new Error('a broken hook');
      });
      events.subscribe((value) => seen.push(value));
      expect(() => events.emit(7)).not.toThrow();
      expect(seen).toEqual([7]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(reported).toHaveLength(1);
      expect((reported[0] as Error).message).toBe('a broken hook');
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
