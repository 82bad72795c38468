/**
 * A streaming chat completion seen from the client: the time to the first chunk that carries text (the
 * first token a user sees), the time to the end, and whether the stream ended with `[DONE]`.
 */
import { performance } from 'node:perf_hooks';

const textDelta = /"content":"[^"]/;

/** Send one streamed request through `dispatcher` (an undici Pool) and read it to the end; `onFirstText` is told when the first token arrived. */
export async function timeStream({ dispatcher, path = '/v1/chat/completions', headers = {}, body, signal, onFirstText }) {
  const startedAt = performance.now();
  const response = await dispatcher.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body,
    signal,
  });
  let firstTextMs;
  let head = '';
  // The end of what arrived so far: enough to find `[DONE]` split across two chunks.
  let tail = '';
  for await (const chunk of response.body) {
    const piece = chunk.toString('utf8');
    if (firstTextMs === undefined) {
      head += piece;
      if (textDelta.test(head)) {
        firstTextMs = performance.now() - startedAt;
        head = '';
        onFirstText?.();
      }
    }
    tail = (tail + piece).slice(-64);
  }
  return {
    statusCode: response.statusCode,
    firstTextMs,
    totalMs: performance.now() - startedAt,
    completed: response.statusCode === 200 && tail.includes('[DONE]'),
  };
}
