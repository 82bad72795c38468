/**
 * The dashboard's server-sent event clients: each update is serialised once and written to every client.
 * A client that stops reading (its buffer passes `maxBufferedBytes`) is dropped rather than buffered forever.
 * Each client is kept with the session it opened on (none for an admin key sent as a header): its stream ends
 * when that session expires, and a session's streams can be ended when it is signed out.
 */
import type { ServerResponse } from 'node:http';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { DashboardSession } from './dashboard-session-signer.js';

export interface DashboardEventStreamOptions {
  /** Default 64: more open streams are refused with 503. */
  readonly maxClients?: number;
  /** Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Sent once as `retry:`; the browser waits this long before reconnecting. Default 1000. */
  readonly reconnectDelayMs?: number;
  /** What a session's expiry is read on. Default the system clock. */
  readonly clock?: Clock;
}

/** Node's longest timer: a longer delay fires at once. A later expiry is waited for in steps. */
const maxTimerDelayMs = 2_147_483_647;

/** One server-sent event: `event: <name>` and its JSON on one `data:` line (JSON.stringify leaves no newline). */
export function formatServerSentEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class DashboardEventStream {
  /** Each client and the session it opened on, or undefined for one let in by a key or with no keys. */
  readonly #clients = new Map<ServerResponse, DashboardSession | undefined>();
  readonly #maxClients: number;
  readonly #maxBufferedBytes: number;
  readonly #reconnectDelayMs: number;
  readonly #clock: Clock;

  constructor(options: DashboardEventStreamOptions = {}) {
    this.#maxClients = options.maxClients ?? 64;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 1000;
    this.#clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.#clients.size;
  }

  get isFull(): boolean {
    return this.#clients.size >= this.#maxClients;
  }

  /**
   * Start the stream on `response` with a first event (the snapshot). `session`: the session it opened on, at
   * whose expiry it ends.
   */
  open(response: ServerResponse, options: { readonly first: string; readonly session?: DashboardSession | undefined }): void {
    // Its client left before the stream opened (while its session was checked): its 'close' has fired already.
    if (response.destroyed) return;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies that buffer (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    response.write(`retry: ${this.#reconnectDelayMs}\n\n${options.first}`);
    this.#clients.set(response, options.session);
    const stopWaiting = options.session === undefined ? undefined : this.#endAt(response, options.session.expiresAtMs);
    response.once('close', () => {
      stopWaiting?.();
      this.#clients.delete(response);
    });
  }

  /** Write one formatted event to every client. */
  broadcast(eventText: string): void {
    for (const client of this.#clients.keys()) {
      if (client.destroyed || client.writableEnded) {
        this.#clients.delete(client);
        continue;
      }
      if (client.writableLength > this.#maxBufferedBytes) {
        this.#clients.delete(client);
        client.destroy();
        continue;
      }
      client.write(eventText);
    }
  }

  /** The responses of the open streams. */
  responses(): ServerResponse[] {
    return [...this.#clients.keys()];
  }

  /** End the stream on `response` (its client no longer allowed), if it is open. */
  closeResponse(response: ServerResponse): void {
    if (this.#clients.has(response)) this.#end(response);
  }

  /** The sessions of the open streams, each once. */
  sessionIds(): Set<string> {
    const sessionIds = new Set<string>();
    for (const session of this.#clients.values()) if (session !== undefined) sessionIds.add(session.sessionId);
    return sessionIds;
  }

  /**
   * End every stream of session `sessionId` (signed out). The browser reconnects, is refused, and its page
   * goes to the sign-in form.
   */
  closeSession(sessionId: string): void {
    for (const [client, session] of this.#clients) {
      if (session?.sessionId === sessionId) this.#end(client);
    }
  }

  /** End every stream (the browser reconnects to whoever serves next). */
  closeAll(): void {
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
  }

  #end(client: ServerResponse): void {
    this.#clients.delete(client);
    client.end();
  }

  /** End `client`'s stream at `expiresAtMs` unless it is gone first; returns what stops waiting. */
  #endAt(client: ServerResponse, expiresAtMs: number): () => void {
    let timer: TimerHandle | undefined;
    const wait = (): void => {
      timer = undefined;
      const remainingMs = expiresAtMs - this.#clock.now();
      if (remainingMs > 0) timer = this.#clock.setTimeout(wait, Math.min(remainingMs, maxTimerDelayMs));
      else if (this.#clients.has(client)) this.#end(client);
    };
    wait();
    return () => {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
    };
  }
}
