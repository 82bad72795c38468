import type { ResponseHeaders } from '../http/types.js';

/** The provider's id for a request, from its response headers (OpenAI and Groq, Anthropic, Moonshot). */
export function requestIdOf(headers: ResponseHeaders): string | undefined {
  return headers.get('x-request-id') ?? headers.get('request-id') ?? headers.get('msh-request-id');
}
