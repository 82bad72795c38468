import { describe, expect, it } from 'vitest';
import { CancelScope, cancellationOf } from './cancellation.js';

describe('CancelScope', () => {
  it('calls each listener once with the reason readable, and ignores a second abort', () => {
    const scope = new CancelScope();
    const seen: unknown[] = [];
    scope.onAbort(() => seen.push(scope.reason));
    scope.onAbort(() => seen.push('second listener'));
    expect(scope.aborted).toBe(false);
    scope.abort('first reason');
    scope.abort('later reason');
    expect(seen).toEqual(['first reason', 'second listener']);
    expect(scope.aborted).toBe(true);
    expect(() => scope.throwIfAborted()).toThrow('first reason');
  });

  it('does not call a removed listener', () => {
    const scope = new CancelScope();
    const seen: string[] = [];
    const remove = scope.onAbort(() => seen.push('removed'));
    scope.onAbort(() => seen.push('kept'));
    remove();
    scope.abort(new Error('stop'));
    expect(seen).toEqual(['kept']);
  });

  it('keeps the order of its listeners however they come and go, one alone or several, the same one twice', () => {
    const scope = new CancelScope();
    const seen: string[] = [];
    const listener = (name: string) => () => seen.push(name);
    scope.onAbort(listener('gone'))();
    const stopFirst = scope.onAbort(listener('first, then removed'));
    const twice = listener('twice');
    const stopTwice = scope.onAbort(twice);
    scope.onAbort(listener('third'));
    scope.onAbort(twice);
    stopFirst();
    stopFirst();
    stopTwice();
    scope.onAbort(listener('last'));
    scope.abort('stop');
    stopTwice();
    expect(seen).toEqual(['third', 'twice', 'last']);
  });

  it('runs the other listeners when one throws, and reports the error instead of losing it', async () => {
    const scope = new CancelScope();
    const seen: string[] = [];
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    scope.onAbort(() => {
      throw new Error('listener failed');
    });
    scope.onAbort(() => seen.push('still ran'));
    scope.abort('stop');
    expect(seen).toEqual(['still ran']);
    expect(await reported).toMatchObject({ message: 'listener failed' });
  });

  it('gives an AbortSignal that follows it, made when asked for, before or after the abort', () => {
    const before = new CancelScope();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    before.abort('reason one');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('reason one');

    const after = new CancelScope();
    after.abort('reason two');
    expect(after.signal.reason).toBe('reason two');
    expect(after.onAbort(() => expect.unreachable())).toBeTypeOf('function');
  });
});

describe('CancelScope.follow', () => {
  it("aborts with the parent's reason, at once when the parent already aborted, and no more once stopped", () => {
    const parent = new CancelScope();
    const child = new CancelScope();
    child.follow(parent);
    parent.abort('parent reason');
    expect(child.reason).toBe('parent reason');

    const late = new CancelScope();
    late.follow(parent);
    expect(late.aborted).toBe(true);

    const other = new CancelScope();
    const stopped = new CancelScope();
    stopped.follow(other)();
    other.abort('ignored');
    expect(stopped.aborted).toBe(false);
  });
});

describe('cancellationOf', () => {
  it('follows an AbortSignal, and a removed listener is not called', () => {
    const controller = new AbortController();
    const cancellation = cancellationOf(controller.signal);
    const seen: string[] = [];
    const remove = cancellation.onAbort(() => seen.push('removed'));
    cancellation.onAbort(() => seen.push(String(cancellation.reason)));
    remove();
    controller.abort('caller stopped');
    expect(cancellation.aborted).toBe(true);
    expect(seen).toEqual(['caller stopped']);
    expect(cancellation.signal).toBe(controller.signal);
  });
});
