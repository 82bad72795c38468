/**
 * The dashboard's server-sent event clients: each update is serialised once and written to every client.
 * A client that stops reading (its buffer passes `maxBufferedBytes`) is dropped rather than buffered forever.
 * Each client is kept with the session it opened on (none for an admin key sent as a header), so a session's
 * streams can be ended when it is signed out.
 */
import type { ServerResponse } from 'node:http';

export interface DashboardEventStreamOptions {
  /** Default 64: more open streams are refused with 503. */
  readonly maxClients?: number;
  /** Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Sent once as `retry:`; the browser waits this long before reconnecting. Default 1000. */
  readonly reconnectDelayMs?: number;
}

/** One server-sent event: `event: <name>` and its JSON on one `data:` line (JSON.stringify leaves no newline). */
export function formatServerSentEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class DashboardEventStream {
  /** Each client and the session id it opened on, or undefined for one let in by a key or with no keys. */
  readonly #clients = new Map<ServerResponse, string | undefined>();
  readonly #maxClients: number;
  readonly #maxBufferedBytes: number;
  readonly #reconnectDelayMs: number;

  constructor(options: DashboardEventStreamOptions = {}) {
    this.#maxClients = options.maxClients ?? 64;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 1000;
  }

  get size(): number {
    return this.#clients.size;
  }

  get isFull(): boolean {
    return this.#clients.size >= this.#maxClients;
  }

  /** Start the stream on `response` with a first event (the snapshot); `sessionId`: the session it opened on. */
  open(response: ServerResponse, options: { readonly first: string; readonly sessionId?: string | undefined }): void {
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
    this.#clients.set(response, options.sessionId);
    response.once('close', () => this.#clients.delete(response));
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

  /** The sessions of the open streams, each once. */
  sessionIds(): Set<string> {
    const sessionIds = new Set<string>();
    for (const sessionId of this.#clients.values()) if (sessionId !== undefined) sessionIds.add(sessionId);
    return sessionIds;
  }

  /**
   * End every stream of session `sessionId` (signed out). The browser reconnects, is refused, and its page
   * goes to the sign-in form.
   */
  closeSession(sessionId: string): void {
    for (const [client, clientSessionId] of this.#clients) {
      if (clientSessionId !== sessionId) continue;
      this.#clients.delete(client);
      client.end();
    }
  }

  /** End every stream (the browser reconnects to whoever serves next). */
  closeAll(): void {
    for (const client of this.#clients.keys()) client.end();
    this.#clients.clear();
  }
}
