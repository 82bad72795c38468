/**
 * Typed events without EventEmitter: `subscribe` returns a disposer, `emit` calls every listener.
 * A listener that throws does not stop the others or the caller: its error is reported on a microtask,
 * the way EventTarget reports exceptions, so a bug in a metrics hook cannot change a breaker's verdict.
 */

export type Unsubscribe = () => void;

export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  subscribe(listener: (value: T) => void): Unsubscribe {
    // A wrapper makes subscribing the same function twice give two independent subscriptions.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(value: T): void {
    if (this.listeners.size === 0) return;
    // A snapshot, so a listener may unsubscribe itself (or others) while we iterate.
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error: unknown) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
