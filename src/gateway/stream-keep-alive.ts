/**
 * Keep-alives for streams whose headers have gone out: a stream silent for `silenceMs` (a model thinking
 * before its next token, a long tool call being written) gets its dialect's ping, so proxies and load
 * balancers with idle timeouts, and clients that watch for stalls, do not cut an answer that is still
 * coming. One timer for the whole gateway, armed only while streams are open, sweeps every third of
 * `silenceMs`; a stream's own cost is a counter it bumps when it writes.
 */
import type { Clock, TimerHandle } from '../clock.js';
import { LinkedList } from '../linked-list.js';

export interface KeptStream {
  /** Bumped on every write of the stream's own; a sweep that sees it unchanged counts a silent sweep. */
  activity: number;
  /** Stop watching: the stream ended. */
  stop(): void;
}

interface Watched extends KeptStream {
  readonly ping: () => void;
  seenActivity: number;
  silentSweeps: number;
}

const sweepsPerSilence = 3;

export class StreamKeepAlive {
  readonly #clock: Clock;
  readonly #sweepMs: number;
  /** A linked list, not a Set: every stream is added and removed (linked-list.ts says what a Set cost). */
  readonly #streams = new LinkedList<Watched>();
  #timer: TimerHandle | undefined;

  constructor(options: { readonly clock: Clock; readonly silenceMs: number }) {
    this.#clock = options.clock;
    this.#sweepMs = Math.max(1, Math.floor(options.silenceMs / sweepsPerSilence));
  }

  /** Watch a stream; `ping` writes its keep-alive. */
  track(ping: () => void): KeptStream {
    const streams = this.#streams;
    const watched: Watched = {
      activity: 0,
      seenActivity: 0,
      silentSweeps: 0,
      ping,
      stop: () => streams.remove(entry),
    };
    const entry = streams.add(watched);
    this.#arm();
    return watched;
  }

  /** Streams being watched. */
  get size(): number {
    return this.#streams.size;
  }

  /** Stop the timer (the gateway closed). */
  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#streams.clear();
  }

  #arm(): void {
    if (this.#timer !== undefined || this.#streams.size === 0) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#sweep();
      this.#arm();
    }, this.#sweepMs);
  }

  #sweep(): void {
    for (const stream of this.#streams.values()) {
      if (stream.activity !== stream.seenActivity) {
        stream.seenActivity = stream.activity;
        stream.silentSweeps = 0;
        continue;
      }
      stream.silentSweeps += 1;
      if (stream.silentSweeps >= sweepsPerSilence) {
        stream.silentSweeps = 0;
        stream.ping();
      }
    }
  }
}
