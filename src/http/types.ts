/** Shapes shared by the HTTP layer and the wire protocols. */

/** Response headers with lower-case names. Repeated headers are joined with ", ". */
export type ResponseHeaders = Readonly<Record<string, string>>;

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
