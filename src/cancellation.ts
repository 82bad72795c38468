/**
 * Cancellation inside the library. In Node 20 an AbortController with one listener added and removed
 * costs about 5 µs, more than the rest of a call's routing; a call's deadline and its attempts use this
 * plain object instead, and make an AbortSignal only when something asks for one (a custom provider, a
 * stream, the caller).
 */

export interface Cancellation {
  readonly aborted: boolean;
  /** What the abort was given; undefined until aborted. */
  readonly reason: unknown;
  /**
   * Calls `listener` once, when this aborts. A cancellation already aborted never calls it: check
   * `aborted` first. Returns the function that removes the listener.
   */
  onAbort(listener: () => void): () => void;
  /** An AbortSignal that follows this cancellation, made on first use. */
  readonly signal: AbortSignal;
  /** Throws the reason when aborted. */
  throwIfAborted(): void;
}

const removeNothing = (): void => undefined;

/** A cancellation that its owner aborts. */
export class CancelScope implements Cancellation {
  #aborted = false;
  #reason: unknown;
  /** One listener alone, as most calls have (an attempt's request): an array only once there are two. */
  #listeners: (() => void) | (() => void)[] | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts once; later calls change nothing. Every listener runs even when one throws. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (typeof listeners === 'function') {
      callListener(listeners);
    } else if (listeners !== undefined) {
      for (const listener of listeners) callListener(listener);
    }
    this.#controller?.abort(reason);
  }

  onAbort(listener: () => void): () => void {
    if (this.#aborted) return removeNothing;
    const listeners = this.#listeners;
    if (listeners === undefined) this.#listeners = listener;
    else if (typeof listeners === 'function') this.#listeners = [listeners, listener];
    else listeners.push(listener);
    return () => this.#removeListener(listener);
  }

  #removeListener(listener: () => void): void {
    const listeners = this.#listeners;
    if (listeners === listener) {
      this.#listeners = undefined;
    } else if (typeof listeners === 'object') {
      const index = listeners.indexOf(listener);
      if (index !== -1) listeners.splice(index, 1);
    }
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /**
   * Abort with `parent`'s reason when it aborts, or at once when it already has. Returns the function that
   * stops following.
   */
  follow(parent: Cancellation): () => void {
    if (parent.aborted) {
      this.abort(parent.reason);
      return removeNothing;
    }
    return parent.onAbort(() => this.abort(parent.reason));
  }
}

/** Every listener runs even when one throws: as an EventTarget does, the error is reported, and the others still run. */
function callListener(listener: () => void): void {
  try {
    listener();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** A caller's AbortSignal seen as a Cancellation; a Cancellation is returned as it is. */
export function cancellationOf(signal: AbortSignal | Cancellation): Cancellation {
  if (isCancellation(signal)) return signal;
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason(): unknown {
      return signal.reason;
    },
    signal,
    onAbort(listener) {
      if (signal.aborted) return removeNothing;
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
    throwIfAborted: () => signal.throwIfAborted(),
  };
}

function isCancellation(signal: AbortSignal | Cancellation): signal is Cancellation {
  // AbortSignal has `onabort`, never `onAbort`.
  return 'onAbort' in signal;
}

/**
 * `promise`'s outcome, unless `cancellation` aborts first (or has already): the result then rejects at once
 * with what `onAbort` returns (whatever `promise` does later is ignored). The listener is removed when it
 * settles.
 */
export function untilAborted<T>(promise: Promise<T>, cancellation: Cancellation, onAbort: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Aborted already (a listener never fires then): reject at once, as an abort now would.
    if (cancellation.aborted) {
      // Nobody waits for it now: its own rejection (it may honour the abort) must not go unhandled.
      promise.catch(() => undefined);
      reject(onAbort());
      return;
    }
    const stopListening = cancellation.onAbort(() => reject(onAbort()));
    promise.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (error: unknown) => {
        stopListening();
        reject(error);
      },
    );
  });
}
