/**
 * The Responses API's kept answers in this process's memory, bounded by their size: past `maxBytes` (their texts' UTF-8
 * bytes), the least recently kept or read go first (a conversation still going reads its earlier items at each turn, so
 * they stay), and an entry past it on its own is not kept. An expired entry is dropped when read, or in its turn. No
 * timers.
 */
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import type { ResponseStore, ResponseStoreEntry } from './response-store.js';

interface Kept {
  readonly text: string;
  readonly bytes: number;
  readonly expiresAtMs: number;
}

export interface MemoryResponseStoreOptions {
  readonly clock?: Clock;
  /** Default 64 MiB. */
  readonly maxBytes?: number;
}

export const defaultResponseStoreMaxBytes = 64 * 1024 * 1024;

const done: Promise<void> = Promise.resolve();
const forgotten: Promise<true> = Promise.resolve(true);

export class MemoryResponseStore implements ResponseStore {
  readonly #clock: Clock;
  readonly #maxBytes: number;
  /** By scope and name, least recently kept or read first (Map order is insertion order: delete, then set again). */
  readonly #entries = new Map<string, Kept>();
  #bytes = 0;

  constructor(options: MemoryResponseStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxBytes = options.maxBytes ?? defaultResponseStoreMaxBytes;
    if (!Number.isInteger(this.#maxBytes) || this.#maxBytes < 1) {
      throw new InvalidArgumentError({ argument: 'maxBytes', message: 'maxBytes must be an integer >= 1' });
    }
  }

  /** The UTF-8 bytes of the texts held, expired ones not yet dropped included. */
  get bytes(): number {
    return this.#bytes;
  }

  set(scope: string, entries: readonly ResponseStoreEntry[], ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }));
    }
    const expiresAtMs = this.#clock.now() + ttlSeconds * 1_000;
    for (const entry of entries) {
      const key = keyOf(scope, entry.name);
      this.#remove(key);
      const bytes = Buffer.byteLength(entry.text, 'utf8');
      if (bytes > this.#maxBytes) continue;
      this.#entries.set(key, { text: entry.text, bytes, expiresAtMs });
      this.#bytes += bytes;
    }
    for (const [key] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(key);
    }
    return done;
  }

  get(scope: string, names: readonly string[]): Promise<readonly (string | undefined)[]> {
    const nowMs = this.#clock.now();
    return Promise.resolve(
      names.map((name) => {
        const key = keyOf(scope, name);
        const kept = this.#entries.get(key);
        if (kept === undefined) return undefined;
        this.#entries.delete(key);
        if (kept.expiresAtMs <= nowMs) {
          this.#bytes -= kept.bytes;
          return undefined;
        }
        this.#entries.set(key, kept);
        return kept.text;
      }),
    );
  }

  touch(scope: string, names: readonly string[], ttlSeconds: number): Promise<void> {
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      return Promise.reject(new InvalidArgumentError({ argument: 'ttlSeconds', message: 'ttlSeconds must be a finite number > 0' }));
    }
    const nowMs = this.#clock.now();
    for (const name of names) {
      const key = keyOf(scope, name);
      const kept = this.#entries.get(key);
      if (kept === undefined) continue;
      this.#entries.delete(key);
      if (kept.expiresAtMs <= nowMs) {
        this.#bytes -= kept.bytes;
        continue;
      }
      // Moved to the end: a conversation still going is the last its entries are evicted from.
      this.#entries.set(key, { text: kept.text, bytes: kept.bytes, expiresAtMs: nowMs + ttlSeconds * 1_000 });
    }
    return done;
  }

  delete(scope: string, names: readonly string[]): Promise<true> {
    for (const name of names) this.#remove(keyOf(scope, name));
    return forgotten;
  }

  #remove(key: string): void {
    const kept = this.#entries.get(key);
    if (kept === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= kept.bytes;
  }
}

/** A scope is the gateway's own (`gateway-key:<digest>`) and holds no NUL: no two scope and name pairs meet. */
function keyOf(scope: string, name: string): string {
  return `${scope}\u0000${name}`;
}
