/**
 * Providers (or provider/model keys) told to wait: a 429 with Retry-After, an exhausted quota.
 * Expiry is lazy: an entry past its end vanishes when read, without timers and without an event.
 */

import type { Clock } from '../clock.js';
import { InvalidArgumentError, type FailureReason } from '../errors.js';
import { ListenerSet, type Unsubscribe } from './listener-set.js';

export interface Cooldown {
  /** Epoch ms at which the key may be tried again. */
  readonly untilMs: number;
  readonly reason: FailureReason;
}

export interface CooldownChange {
  readonly key: string;
  /** The cooldown now in force, or undefined when it was cleared. */
  readonly cooldown: Cooldown | undefined;
}

/** Live cooldowns by key, as `toJSON` gives them and `restore` takes them. */
export type CooldownSnapshot = { readonly [key: string]: Cooldown };

export class CooldownTracker {
  private readonly clock: Clock;
  private readonly entries = new Map<string, Cooldown>();
  private readonly changes = new ListenerSet<CooldownChange>();

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
  }

  /**
   * Keep `key` out until `untilMs`. A cooldown never shortens one already in force: the later end wins
   * (a one-second rate limit does not cut short a quota exhausted until tomorrow).
   * Emits a change only when the cooldown in force changed.
   */
  coolDown(key: string, cooldown: Cooldown): void {
    if (!Number.isFinite(cooldown.untilMs)) {
      throw new InvalidArgumentError({ argument: 'untilMs', message: 'untilMs must be a finite epoch time in ms' });
    }
    if (cooldown.untilMs <= this.clock.now()) return;
    const existing = this.cooldownOf(key);
    if (existing !== undefined && existing.untilMs >= cooldown.untilMs) return;
    const entry: Cooldown = { untilMs: cooldown.untilMs, reason: cooldown.reason };
    this.entries.set(key, entry);
    this.changes.emit({ key, cooldown: entry });
  }

  isCoolingDown(key: string): boolean {
    return this.cooldownOf(key) !== undefined;
  }

  /** The cooldown in force for `key`, or undefined (expired entries are dropped here). */
  cooldownOf(key: string): Cooldown | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.untilMs > this.clock.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** End a cooldown early (e.g. the provider answered). Emits a change when there was one. */
  clear(key: string): void {
    if (this.cooldownOf(key) === undefined) return;
    this.entries.delete(key);
    this.changes.emit({ key, cooldown: undefined });
  }

  /** Subscribe to cooldowns set, extended or cleared. Expiry emits nothing. Returns the disposer. */
  onChange(listener: (change: CooldownChange) => void): Unsubscribe {
    return this.changes.subscribe(listener);
  }

  /** Live cooldowns only. */
  toJSON(): CooldownSnapshot {
    const nowMs = this.clock.now();
    const snapshot: Record<string, Cooldown> = {};
    for (const [key, entry] of this.entries) {
      if (entry.untilMs > nowMs) snapshot[key] = entry;
      else this.entries.delete(key);
    }
    return snapshot;
  }

  /**
   * Replace every cooldown with `snapshot` (expired entries skipped). Emits nothing.
   * Throws `InvalidArgumentError` on a malformed entry (the snapshot may come from outside as parsed JSON).
   */
  restore(snapshot: CooldownSnapshot): void {
    if (typeof snapshot !== 'object' || snapshot === null) {
      throw new InvalidArgumentError({ argument: 'snapshot', message: 'A cooldown snapshot must be an object' });
    }
    const nowMs = this.clock.now();
    const restored = new Map<string, Cooldown>();
    for (const [key, value] of Object.entries(snapshot)) {
      const entry = value as Partial<Cooldown> | null;
      if (typeof entry?.untilMs !== 'number' || !Number.isFinite(entry.untilMs) || typeof entry.reason !== 'string') {
        throw new InvalidArgumentError({ argument: 'snapshot', message: `Malformed cooldown for ${JSON.stringify(key)}` });
      }
      if (entry.untilMs > nowMs) restored.set(key, { untilMs: entry.untilMs, reason: entry.reason });
    }
    this.entries.clear();
    for (const [key, entry] of restored) this.entries.set(key, entry);
  }
}
