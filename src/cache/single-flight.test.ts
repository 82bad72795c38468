import { describe, expect, it } from 'vitest';
import { CancelScope, type Cancellation } from '../cancellation.js';
import { SingleFlight } from './single-flight.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs fn once for N concurrent callers of one key, and all get its value', async () => {
    const flights = new SingleFlight<string>();
    const work = deferred<string>();
    let calls = 0;
    const fn = (): Promise<string> => {
      calls++;
      return work.promise;
    };
    const results = Array.from({ length: 10 }, () => flights.run('key', fn));
    expect(flights.inFlightCount).toBe(1);
    work.resolve('answer');
    expect(await Promise.all(results)).toEqual(Array(10).fill('answer'));
    expect(calls).toBe(1);
    expect(flights.inFlightCount).toBe(0);
  });

  it('runs different keys separately', async () => {
    const flights = new SingleFlight<string>();
    const results = await Promise.all([
      flights.run('a', async () => 'A'),
      flights.run('b', async () => 'B'),
    ]);
    expect(results).toEqual(['A', 'B']);
  });

  it('does not memoise: after settling, the next call runs fn again, and an error reaches every waiter once', async () => {
    const flights = new SingleFlight<string>();
    let calls = 0;
    const failure = new Error('provider down');
    const failing = (): Promise<string> => {
      calls++;
      return Promise.reject(failure);
    };
    const first = flights.run('key', failing);
    const second = flights.run('key', failing);
    await expect(first).rejects.toBe(failure);
    await expect(second).rejects.toBe(failure);
    expect(calls).toBe(1);
    await expect(flights.run('key', async () => 'recovered')).resolves.toBe('recovered');
    await expect(flights.run('key', async () => 'again')).resolves.toBe('again');
  });

  it('turns a synchronous throw from fn into a rejection and forgets the key', async () => {
    const flights = new SingleFlight<string>();
    const failure = new Error('sync');
    await expect(
      flights.run('key', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(flights.inFlightCount).toBe(0);
  });

  it("one waiter aborting rejects that waiter only; the others get the value and fn's signal stays live", async () => {
    const flights = new SingleFlight<string>();
    const work = deferred<string>();
    let workSignal: Cancellation | undefined;
    const fn = (signal: Cancellation): Promise<string> => {
      workSignal = signal;
      return work.promise;
    };
    const leaving = new AbortController();
    const staying = new AbortController();
    const first = flights.run('key', fn, { signal: leaving.signal }); // the one that started the work
    const second = flights.run('key', fn, { signal: staying.signal });
    const third = flights.run('key', fn);
    const reason = new Error('first caller left');
    leaving.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(workSignal?.aborted).toBe(false);
    work.resolve('answer');
    await expect(second).resolves.toBe('answer');
    await expect(third).resolves.toBe('answer');
  });

  it('aborts the shared work when every waiter has left, and the next caller starts afresh', async () => {
    const flights = new SingleFlight<string>();
    let workSignal: Cancellation | undefined;
    let calls = 0;
    const fn = (signal: Cancellation): Promise<string> => {
      calls++;
      workSignal = signal;
      return new Promise<string>((_resolve, reject) => {
        signal.onAbort(() => reject(signal.reason));
      });
    };
    const callers = [new AbortController(), new AbortController()];
    const results = callers.map((controller) => flights.run('key', fn, { signal: controller.signal }));
    callers[0]?.abort(new Error('one'));
    await expect(results[0]).rejects.toThrow('one');
    expect(workSignal?.aborted).toBe(false);
    const lastReason = new Error('two');
    callers[1]?.abort(lastReason);
    await expect(results[1]).rejects.toBe(lastReason);
    expect(workSignal?.aborted).toBe(true);
    expect(workSignal?.reason).toBe(lastReason);
    expect(flights.inFlightCount).toBe(0);

    await expect(flights.run('key', async () => 'fresh')).resolves.toBe('fresh');
    expect(calls).toBe(1);
  });

  it('rejects at once with an already aborted signal, without starting or joining', async () => {
    const flights = new SingleFlight<string>();
    let calls = 0;
    await expect(
      flights.run(
        'key',
        async () => {
          calls++;
          return 'x';
        },
        { signal: AbortSignal.abort('gone') },
      ),
    ).rejects.toBe('gone');
    expect(calls).toBe(0);
    expect(flights.inFlightCount).toBe(0);
  });

  it('takes a CancelScope as a caller signal, and cancels the work when the last scope leaves', async () => {
    const flights = new SingleFlight<string>();
    let work: Cancellation | undefined;
    const fn = (cancellation: Cancellation): Promise<string> => {
      work = cancellation;
      return new Promise<string>((_resolve, reject) => {
        cancellation.onAbort(() => reject(cancellation.reason));
      });
    };
    const callers = [new CancelScope(), new CancelScope()];
    const results = callers.map((scope) => flights.run('key', fn, { signal: scope }));
    callers[0]?.abort(new Error('one'));
    await expect(results[0]).rejects.toThrow('one');
    expect(work?.aborted).toBe(false);
    callers[1]?.abort(new Error('two'));
    await expect(results[1]).rejects.toThrow('two');
    expect(work?.aborted).toBe(true);
    expect(flights.inFlightCount).toBe(0);
  });

  it('removes its abort listener from a caller signal once settled', async () => {
    const flights = new SingleFlight<string>();
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof signal.removeEventListener;
    for (let index = 0; index < 5; index++) await flights.run('key', async () => 'x', { signal });
    expect(listeners).toBe(0);
  });
});
