/**
 * The load the counting tools (per-request-counts, gc-survival, instructions-per-request) put on a server: one
 * chat completion asked of OpenAI's model through the gateway, whole or streamed, by autocannon, for a number of
 * requests or of seconds. Any answer not 2xx, error or timeout fails the measurement rather than being counted.
 */
import autocannon from 'autocannon';

export function chatCompletionBody(stream) {
  return JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with the word SUCCESS.' }], stream });
}

/** `size`: `{ amount }` requests or `{ duration }` seconds; `timeout`: autocannon's per-request limit in seconds. Returns the requests made. */
export async function loadChatCompletions(server, { body, connections, size, timeout }) {
  const result = await autocannon({
    url: `${server.url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    ...size,
    ...(timeout !== undefined ? { timeout } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${result.non2xx} answers not 2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result.requests.total;
}
