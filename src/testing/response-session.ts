/**
 * One response of the test server, from the first delay to the closed socket. Every wait it starts ends when
 * the response closes (the client went away, the server destroyed the socket, or the server is closing), and
 * every timer it sets is cleared then.
 */
import type { ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '../clock.js';
import type { HeaderList } from './recorded-headers.js';

export type FinishedOutcome = 'completed' | 'client-aborted' | 'fault';

export interface ResponseSessionOptions {
  readonly response: ServerResponse;
  readonly clock: Clock;
  /** Called once, when the response closes. */
  readonly onClose: (outcome: FinishedOutcome) => void;
  /** Called when the status line is written. */
  readonly onStatus: (status: number) => void;
}

export class ResponseSession {
  private readonly response: ServerResponse;
  private readonly clock: Clock;
  private readonly timers = new Set<TimerHandle>();
  private readonly wakers = new Set<() => void>();
  private closed = false;
  /** The server broke the response on purpose (a fault, or the server closing). */
  private brokenByServer = false;
  private outcomeWhenFinished: FinishedOutcome = 'completed';
  private readonly options: ResponseSessionOptions;

  constructor(options: ResponseSessionOptions) {
    this.options = options;
    this.response = options.response;
    this.clock = options.clock;
    this.response.on('close', () => this.handleClose());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves true after `delayMs`, or false as soon as the response closes. */
  delay(delayMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (delayMs <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        this.clock.clearTimeout(handle);
        this.timers.delete(handle);
        resolve(false);
      };
      const handle = this.clock.setTimeout(() => {
        this.timers.delete(handle);
        this.wakers.delete(wake);
        resolve(true);
      }, delayMs);
      this.timers.add(handle);
      this.wakers.add(wake);
    });
  }

  /** Resolves when the response closes, whoever closes it. */
  untilClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.wakers.add(resolve));
  }

  writeHead(options: {
    readonly status: number;
    readonly statusMessage?: string;
    readonly headers: HeaderList;
    readonly contentLength?: number;
  }): void {
    if (this.closed) return;
    const grouped = new Map<string, { name: string; values: string[] }>();
    for (const [name, value] of options.headers) {
      const entry = grouped.get(name.toLowerCase());
      if (entry) entry.values.push(value);
      else grouped.set(name.toLowerCase(), { name, values: [value] });
    }
    for (const { name, values } of grouped.values()) {
      this.response.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
    }
    if (options.contentLength !== undefined) this.response.setHeader('content-length', options.contentLength);
    this.options.onStatus(options.status);
    if (options.statusMessage !== undefined) this.response.writeHead(options.status, options.statusMessage);
    else this.response.writeHead(options.status);
    this.response.flushHeaders();
  }

  /** Writes `chunk` and resolves once it is handed to the socket: true, or false when the response closed first. */
  write(chunk: string | Buffer): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => resolve(false);
      this.wakers.add(wake);
      this.response.write(chunk, (error) => {
        this.wakers.delete(wake);
        resolve(!error && !this.closed);
      });
    });
  }

  /** Ends the response; the request's outcome is `outcome` once the last byte is out. */
  end(options: { readonly chunk?: string | Buffer; readonly outcome?: FinishedOutcome } = {}): void {
    if (this.closed) return;
    this.outcomeWhenFinished = options.outcome ?? 'completed';
    if (options.chunk === undefined) this.response.end();
    else this.response.end(options.chunk);
  }

  /** Destroys the socket: a TCP reset (`reset: true`) or a plain close. The outcome is `fault`. */
  destroySocket(options: { readonly reset: boolean }): void {
    if (this.closed) return;
    this.brokenByServer = true;
    const socket = this.response.socket;
    if (!socket) {
      this.response.destroy();
      return;
    }
    if (options.reset) socket.resetAndDestroy();
    else socket.destroy();
  }

  /** The server is closing: stop every wait and timer; the socket is destroyed by the server. */
  cancel(): void {
    if (this.closed) return;
    this.brokenByServer = true;
    this.response.destroy();
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
    let outcome: FinishedOutcome;
    if (this.response.writableFinished) outcome = this.outcomeWhenFinished;
    else outcome = this.brokenByServer ? 'fault' : 'client-aborted';
    this.options.onClose(outcome);
  }
}
