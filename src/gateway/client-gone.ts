/** Whether, and when, a model call's client left before its answer was finished. */
import type { ServerResponse } from 'node:http';

/**
 * A response the gateway destroyed itself (closing) before finishing it: its client is gone even when the
 * 'close' event that onClientGone listens for has not come yet.
 */
export function destroyedBeforeFinished(response: ServerResponse): boolean {
  return response.destroyed && !response.writableFinished;
}

/**
 * Calls `onGone` once when the client closes the connection before the answer is finished, with the
 * reason to cancel by. Returns the function that stops listening.
 */
export function onClientGone(response: ServerResponse, onGone: (reason: DOMException) => void): () => void {
  const onClose = (): void => {
    if (!response.writableFinished) onGone(new DOMException('The client closed the connection.', 'AbortError'));
  };
  // `on`, not `once`: a response emits 'close' once (Node guards it), and `once` would wrap the listener in two
  // objects of its own on every call.
  response.on('close', onClose);
  return () => response.off('close', onClose);
}
