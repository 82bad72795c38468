/** Shapes shared by the HTTP layer and the wire protocols. */

/** A response's headers, read by name (response-headers.ts). */
export interface ResponseHeaders {
  /** The header's value, a repeated header's values joined with ", " in their order; undefined when it is absent. Any case. */
  get(name: string): string | undefined;
}

/** One server-sent event, after framing: `data` lines joined with "\n". */
export interface SseEvent {
  /** The `event:` field, when the server sent one (Anthropic does; OpenAI and Gemini do not). */
  readonly event?: string;
  readonly data: string;
  readonly id?: string;
}

/** A request a wire protocol wants sent. Built by pure converters; sent by the HTTP client. */
export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}
