/**
 * A list its entries are linked into and unlinked from, for what long-lived code tracks while it is in flight
 * (the gateway's open answers, a router's calls) so that a drain or a close can reach all of it: `add` gives the
 * entry, `remove` takes it back, in constant time, with no lookup.
 *
 * Not a Set: measured (bench/README.md, "Session 20: what outlives a request"), on Node 20 a long-lived Set or
 * Map that every request added to and deleted from kept finished requests alive through the young generation's
 * collections, which then copied them to the old one: in the gateway, about 1.4 MB more a scavenge, each
 * scavenge about 3 times as long, and the old generation filled for the major collections to sweep. The bench's
 * JSON proxy given such a Set of its responses does the same; given this list, it does not.
 */
export interface LinkedListEntry<T> {
  readonly value: T;
  /** @internal */
  previous: LinkedListEntry<T> | undefined;
  /** @internal */
  next: LinkedListEntry<T> | undefined;
  /** @internal Taken out: removing it again does nothing. */
  removed: boolean;
}

export class LinkedList<T> {
  #first: LinkedListEntry<T> | undefined;
  #last: LinkedListEntry<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(value: T): LinkedListEntry<T> {
    const entry: LinkedListEntry<T> = { value, previous: this.#last, next: undefined, removed: false };
    if (this.#last === undefined) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    this.#size += 1;
    return entry;
  }

  /** Idempotent: true when the entry was in the list and is now out of it. */
  remove(entry: LinkedListEntry<T>): boolean {
    if (entry.removed) return false;
    entry.removed = true;
    if (entry.previous === undefined) this.#first = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.#last = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
    this.#size -= 1;
    return true;
  }

  /** Removes every entry. */
  clear(): void {
    for (let entry = this.#first; entry !== undefined; ) {
      const next = entry.next;
      entry.removed = true;
      entry.previous = undefined;
      entry.next = undefined;
      entry = next;
    }
    this.#first = undefined;
    this.#last = undefined;
    this.#size = 0;
  }

  /** The values now, first added first: a copy, so that what is done to each may add or remove entries. */
  values(): T[] {
    const values: T[] = [];
    for (let entry = this.#first; entry !== undefined; entry = entry.next) values.push(entry.value);
    return values;
  }
}
