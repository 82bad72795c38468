/**
 * What the test server saw: one entry per request, updated as the request ends, with waits on it.
 */
import type { Clock } from '../clock.js';
import type { ProviderBehaviorKind } from './provider-behavior.js';
import type { FinishedOutcome } from './response-session.js';

/** `in-flight` until the response closes. `fault`: the server broke it on purpose (or was closing). */
export type RequestOutcome = 'in-flight' | FinishedOutcome;

export interface RecordedRequest {
  /** 1, 2, 3, ... in arrival order; keeps counting across `reset()`. */
  readonly id: number;
  /** The provider id the path names, or `unknown`. */
  readonly provider: string;
  readonly route: 'chat' | 'models' | 'embeddings' | 'unknown';
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The query string with its `?`, or empty. */
  readonly query: string;
  /** A `key=` query parameter was sent: a key in a URL ends up in logs, so tests assert this stays false. */
  readonly keyInUrl: boolean;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  readonly body: unknown;
  /** The request asked for a stream. */
  readonly stream: boolean;
  /** The behaviour served; absent for unknown routes and requests refused for a missing key. */
  readonly behavior?: ProviderBehaviorKind;
  /** The status line sent, once sent. */
  readonly status?: number;
  readonly startedAtMs: number;
  readonly endedAtMs?: number;
  readonly outcome: RequestOutcome;
  /** Set when the server could not carry out the behaviour (it then answers 500 and says why). */
  readonly serverError?: string;
}

export interface WaitOptions {
  /** Default 5000. */
  readonly timeoutMs?: number;
}

type MutableRecord = { -readonly [Key in keyof RecordedRequest]: RecordedRequest[Key] };

interface Waiter {
  readonly check: () => boolean;
  readonly fail: (error: Error) => void;
}

export class RequestLog {
  private readonly clock: Clock;
  private records: MutableRecord[] = [];
  private nextId = 1;
  private readonly listeners = new Set<(request: RecordedRequest) => void>();
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  add(fields: Omit<RecordedRequest, 'id' | 'startedAtMs' | 'outcome'>): RecordedRequest {
    const record: MutableRecord = { id: this.nextId, ...fields, startedAtMs: this.clock.now(), outcome: 'in-flight' };
    this.nextId += 1;
    this.records.push(record);
    this.changed(record);
    return record;
  }

  update(record: RecordedRequest, fields: Partial<Pick<RecordedRequest, 'status' | 'behavior' | 'serverError'>>): void {
    Object.assign(record as MutableRecord, fields);
  }

  finish(record: RecordedRequest, outcome: FinishedOutcome): void {
    Object.assign(record as MutableRecord, { outcome, endedAtMs: this.clock.now() });
    this.changed(record);
  }

  entries(): readonly RecordedRequest[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
  }

  subscribe(listener: (request: RecordedRequest) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  waitFor(predicate: (requests: readonly RecordedRequest[]) => boolean, options: WaitOptions = {}): Promise<readonly RecordedRequest[]> {
    if (predicate(this.records)) return Promise.resolve(this.entries());
    if (this.closed) return Promise.reject(new Error('the provider test server is closed'));
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      // Real time on purpose: a test waiting on the server must not depend on a fake clock moving.
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting on the provider test server; requests seen: ${this.describe()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          if (!predicate(this.records)) return false;
          clearTimeout(timer);
          resolve(this.entries());
          return true;
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Rejects every pending wait. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters) waiter.fail(new Error('the provider test server closed'));
    this.waiters.clear();
  }

  private changed(record: RecordedRequest): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) this.waiters.delete(waiter);
    }
    for (const listener of [...this.listeners]) listener(record);
  }

  private describe(): string {
    if (this.records.length === 0) return 'none';
    return this.records.map((record) => `#${record.id} ${record.method} ${record.path} ${record.outcome}`).join('; ');
  }
}
