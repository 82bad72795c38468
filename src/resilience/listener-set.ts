/**
 * Typed events without EventEmitter: `subscribe` returns a disposer, `emit` calls every listener.
 * A listener that throws does not stop the others or the caller: its error is reported on a microtask,
 * the way EventTarget reports exceptions, so a bug in a metrics hook cannot change a breaker's verdict.
 */

export type Unsubscribe = () => void;

export class ListenerSet<T> {
  /**
   * Replaced, never changed in place: `emit` iterates the array it found, so a listener may unsubscribe
   * itself (or others) meanwhile, and an emit costs no copy. Subscribing is rare; emitting is per call.
   */
  private listeners: readonly ((value: T) => void)[] = [];

  subscribe(listener: (value: T) => void): Unsubscribe {
    // A wrapper makes subscribing the same function twice give two independent subscriptions.
    const entry = (value: T): void => listener(value);
    this.listeners = [...this.listeners, entry];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== entry);
    };
  }

  get size(): number {
    return this.listeners.length;
  }

  emit(value: T): void {
    const listeners = this.listeners;
    for (let index = 0; index < listeners.length; index += 1) {
      try {
        (listeners[index] as (value: T) => void)(value);
      } catch (error: unknown) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
