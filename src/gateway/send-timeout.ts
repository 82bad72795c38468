/**
 * A bound on handing an answer to a client that does not read it. Node's HTTP server has no write timeout: an
 * answer larger than the socket's buffers, written whole to a client that never reads, waited in the process
 * for good, holding its socket and its bytes. Once the gateway has written an answer to its end, the answer
 * has `timeoutMs` to be handed to the kernel (the response's 'finish'); past that its socket is destroyed.
 *
 * As a stream's `maxStreamDurationMs` (stream-model-call.ts), which bounds a stream while it is written (this
 * bounds its last write too): on the gateway's clock, the response destroyed, and a timer only for an answer
 * that is not handed over at once, which an answer to a client that keeps up, or one that fits in the
 * buffers, never is.
 */
import type { Clock } from '../clock.js';
import type { GatewayAnswer } from './gateway-answer.js';

export interface SendTimeoutOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Called before the socket is destroyed, with the bytes still waiting in the process to be sent (and the answer's id to log). */
  readonly onTimeout: (answer: GatewayAnswer, unsentBytes: number) => void;
}

/** Bound the sending of `answer`, when it has been written whole and not yet handed over. */
export function boundAnswerSending(answer: GatewayAnswer, options: SendTimeoutOptions): void {
  const { response } = answer;
  if (!response.writableEnded || response.writableFinished || response.destroyed) return;
  armSendTimeout(answer, options);
}

/**
 * Apart from the check above: V8 makes the closures' shared state when a function starts, so with the timer in
 * the same function every answer paid for it, and most never need it.
 */
function armSendTimeout(answer: GatewayAnswer, options: SendTimeoutOptions): void {
  const { clock } = options;
  const { response } = answer;
  const stop = (): void => {
    clock.clearTimeout(timer);
    response.off('finish', stop);
    response.off('close', stop);
  };
  const timer = clock.setTimeout(() => {
    stop();
    options.onTimeout(answer, response.socket?.writableLength ?? 0);
    response.destroy();
  }, options.timeoutMs);
  response.on('finish', stop);
  response.on('close', stop);
}
