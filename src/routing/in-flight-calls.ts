import { LinkedList, type LinkedListEntry } from '../linked-list.js';

/** What cancels one piece of work in flight: a CancelScope, a call's deadline. */
export interface Abortable {
  abort(reason: unknown): void;
}

/** A piece's place among those in flight, given by `enter`. */
export type InFlightEntry = LinkedListEntry<Abortable>;

/**
 * What a router has in flight (calls, streams, the shared work of identical calls, health checks), so that
 * `close()` can cancel all of it and wait until it has settled. Each piece enters with what cancels it and
 * leaves once it has settled; a piece that enters after closing began is cancelled at once. A linked list, not a
 * Set: every call enters and leaves it (linked-list.ts says what a Set cost).
 */
export class InFlightCalls {
  readonly #scopes = new LinkedList<Abortable>();
  #closeReason: unknown;
  #closing = false;
  #whenEmpty: (() => void) | undefined;

  get size(): number {
    return this.#scopes.size;
  }

  /** Returns the piece's place, for `leave`. */
  enter(scope: Abortable): InFlightEntry {
    const entry = this.#scopes.add(scope);
    if (this.#closing) scope.abort(this.#closeReason);
    return entry;
  }

  /** Idempotent: a piece may leave early (a stream waiting on its reader) and again when it ends. */
  leave(entry: InFlightEntry): void {
    if (!this.#scopes.remove(entry)) return;
    if (this.#scopes.size === 0) this.#whenEmpty?.();
  }

  /** Cancel everything in flight with `reason`, and everything that enters later; resolves once all has left. */
  cancelAll(reason: unknown): Promise<void> {
    this.#closing = true;
    this.#closeReason = reason;
    const settled = new Promise<void>((resolve) => {
      this.#whenEmpty = resolve;
    });
    for (const scope of this.#scopes.values()) scope.abort(reason);
    if (this.#scopes.size === 0) this.#whenEmpty?.();
    return settled;
  }
}
