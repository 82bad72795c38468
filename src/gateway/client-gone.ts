/**
 * Whether a model call's client left before its answer was finished. When it leaves, the call is cancelled through
 * its answer (GatewayAnswer.cancelOnClientGone, told by the dispatcher's 'close' listener).
 */
import type { ServerResponse } from 'node:http';

/**
 * A response the gateway destroyed itself (closing) before finishing it: its client is gone even when the
 * response's 'close' event has not come yet.
 */
export function destroyedBeforeFinished(response: ServerResponse): boolean {
  return response.destroyed && !response.writableFinished;
}
