/**
 * One request's answer as the gateway keeps it apart from Node's response: the id the answer carries and the
 * headers every answer to the request carries, whichever answer it turns out to be (a success, an error, a
 * stream, the server's last-resort answer to a handler that threw). They are kept here rather than set on the
 * response with `setHeader`, so that every answer writes all its headers in one `writeHead` (answerHeaders in
 * http-responses.ts says why). The server makes one for each request; a refusal, or the handler that names the
 * answer (a model call, with its answer's id), sets its id; the server's last-resort answer and the send
 * timeout's log line read it. It also holds what a client that leaves cancels, told by the dispatcher's one
 * 'close' listener of the response (a listener of the call's own cost every call one added and removed, and
 * three closures).
 */
import type { ServerResponse } from 'node:http';
import type { GatewayDialect } from './gateway-dialect.js';

/** What a client that leaves cancels: a model call's CancelScope, or a stream's own cancel. */
export interface ClientGoneCancellation {
  abort(reason: DOMException): void;
}

export class GatewayAnswer {
  /** Undefined until the answer is named: the routes that name none (the models list, liveness) carry none. */
  requestId: string | undefined = undefined;
  /** The header besides `x-request-id` that carries the id, where the API's clients read it (Anthropic's `request-id`). */
  requestIdHeader: string | undefined = undefined;
  /** A key's `x-ratelimit-*` headers, once its request was admitted: every answer after that carries them. */
  quotaHeaders: Readonly<Record<string, string>> | undefined = undefined;

  /**
   * Cancelled, once, if the client closes the connection before the answer is finished: a handler sets it while its
   * call runs, and clears it once the call ended.
   */
  cancelOnClientGone: ClientGoneCancellation | undefined = undefined;

  constructor(readonly response: ServerResponse) {}

  /** The response closed (Node emits 'close' once): before the answer was finished, its client left. */
  responseClosed(): void {
    const cancellation = this.cancelOnClientGone;
    if (cancellation === undefined || this.response.writableFinished) return;
    this.cancelOnClientGone = undefined;
    cancellation.abort(new DOMException('The client closed the connection.', 'AbortError'));
  }

  /**
   * Name the answer with its request id, whatever the answer turns out to be (an error included): `x-request-id`,
   * and the dialect's own header (Anthropic's `request-id`), which the official clients read into
   * `error.requestID`, so a failure a user reports leads to its log line.
   */
  name(requestId: string, dialect?: Pick<GatewayDialect, 'requestIdHeader'>): void {
    this.requestId = requestId;
    this.requestIdHeader = dialect?.requestIdHeader;
  }
}
