/**
 * What the provider test server does with one request. A discriminated union on `kind`; every kind takes
 * `latencyMs` (a delay before the status line), and the kinds that send a recorded response take the same
 * knobs to pick and shape it.
 */

/** A delay in milliseconds, or a function called once per request for one (jitter, a distribution). */
export type LatencyMs = number | (() => number);

interface BehaviorTiming {
  /** Delay before the status line is sent. */
  readonly latencyMs?: LatencyMs;
}

/** Which recording to send and how: shared by every kind that sends one. */
export interface RecordedResponseOptions extends BehaviorTiming {
  /**
   * A recording's base name in the provider's fixture folder, such as `chat-completion-tool-call` or
   * `messages-stream-tool-use`, or a full file name. Defaults to the provider's plain text recording.
   */
  readonly fixture?: string;
  /** Delay between stream events. */
  readonly chunkDelayMs?: number;
  /** Replace the recorded assistant text; a stream sends it as `textPieces` recorded delta events. */
  readonly text?: string;
  /** Default 4. */
  readonly textPieces?: number;
}

/** The provider's recorded success: the body bytes, or the stream event by event. */
export interface SuccessBehavior extends RecordedResponseOptions {
  readonly kind: 'success';
}

/** A recorded error body with its recorded status and headers. */
export interface ErrorBehavior extends BehaviorTiming {
  readonly kind: 'error';
  /** An error recording's base name, such as `error-429-rate-limit-tpm`. */
  readonly fixture: string;
  /** The headers of another recording to add, such as Groq's `ratelimit.docs`. */
  readonly headersFixture?: string;
  /** Extra or replacing headers, such as `{ 'retry-after': '2' }`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Any status with any body (HTML from a proxy, an empty 502). */
export interface StatusBehavior extends BehaviorTiming {
  readonly kind: 'status';
  readonly status: number;
  /** Default empty. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `text/plain` when there is a body. */
  readonly contentType?: string;
}

/** Accept the request and never answer, until the client goes away or the server closes. */
export interface StallBeforeHeadersBehavior extends BehaviorTiming {
  readonly kind: 'stall-before-headers';
}

/** Reset the connection (TCP RST) without answering. */
export interface ResetBeforeHeadersBehavior extends BehaviorTiming {
  readonly kind: 'reset-before-headers';
}

/**
 * The `*-after-events` kinds send the status, the headers and `events` recorded events, then fail. `events`
 * is capped at one less than the recording has, so the fault always lands before the end. A plain (not
 * streamed) request counts as a body cut in two: `events: 0` sends none of it, any other count the first half.
 */
interface AfterEventsOptions extends RecordedResponseOptions {
  readonly events: number;
}

/** Then destroy the socket. */
export interface ResetAfterEventsBehavior extends AfterEventsOptions {
  readonly kind: 'reset-after-events';
}

/** Then end the response cleanly, without the protocol's end marker. */
export interface TruncateAfterEventsBehavior extends AfterEventsOptions {
  readonly kind: 'truncate-after-events';
}

/** Then go silent with the socket open. */
export interface StallAfterEventsBehavior extends AfterEventsOptions {
  readonly kind: 'stall-after-events';
}

/**
 * Then send an error event and end: Anthropic's recorded `event: error` payload, Groq's recorded error event,
 * and for the others `data: <the provider's recorded error body>` (or `errorFixture`'s). A plain request
 * gets that error body as an error response instead.
 */
export interface ErrorEventAfterEventsBehavior extends AfterEventsOptions {
  readonly kind: 'error-event-after-events';
  /** An error recording whose body the event carries. */
  readonly errorFixture?: string;
}

/** A 200 stream that only ever sends keep-alives: Anthropic's recorded `event: ping`, `: ping` comments elsewhere. */
export interface PingsOnlyBehavior extends RecordedResponseOptions {
  readonly kind: 'pings-only';
  readonly intervalMs: number;
}

/** The recorded response, `bytesPerWrite` bytes every `intervalMs` (cutting through UTF-8 characters and events). */
export interface TrickleBehavior extends RecordedResponseOptions {
  readonly kind: 'trickle';
  readonly bytesPerWrite: number;
  readonly intervalMs: number;
}

/**
 * A 200 whose JSON is cut: a plain request gets the first half of the body (with a matching content-length),
 * a stream gets its first data event cut in half, then the rest of the recording.
 */
export interface MalformedJsonBehavior extends RecordedResponseOptions {
  readonly kind: 'malformed-json';
}

/**
 * The recorded response made larger by `paddingBytes` of what a JSON reader skips, so that a client without a bound
 * of its own takes it whole as the real answer (a broken proxy, a base URL pointing at a file server): a body (the
 * recorded success, or `errorFixture`'s recorded error with its status and headers) followed by spaces; in a stream,
 * the first event carrying JSON from the `events`-th on (default 0) padded, its data line by trailing spaces
 * (`padding: 'line'`, the default: one line that grows) or followed by empty `data:` lines, which join as newlines
 * (`padding: 'data-lines'`: one event that grows line by line). The padding is written 64 KiB at a time, each
 * write waited on, and stops when the client goes away.
 */
export interface OversizedBehavior extends RecordedResponseOptions {
  readonly kind: 'oversized';
  readonly paddingBytes: number;
  readonly events?: number;
  readonly padding?: 'line' | 'data-lines';
  /** An error recording to pad instead of the success (a plain request and a stream get it as a body alike). */
  readonly errorFixture?: string;
  /**
   * The `content-length` a body announces: by default its padded length, as a file server announces a file's;
   * `'none'` announces nothing (a chunked body, whose size only reading it tells); a number announces that many
   * bytes whatever is written (5 GB, say), and a body written shorter than it is then held open, as by a server still
   * sending, until the client leaves. `paddingBytes` may then be 0. A stream announces nothing either way.
   */
  readonly announcedBytes?: number | 'none';
  /**
   * A `status` behaviour's answer to pad instead: a recording kept outside the fixtures directory, such as OpenAI's
   * embeddings answer in test/fixtures (src/testing/openai-embeddings-recordings.test-support.ts).
   */
  readonly replay?: Omit<StatusBehavior, 'kind' | 'latencyMs'>;
}

export type ProviderBehavior =
  | SuccessBehavior
  | ErrorBehavior
  | StatusBehavior
  | StallBeforeHeadersBehavior
  | ResetBeforeHeadersBehavior
  | ResetAfterEventsBehavior
  | TruncateAfterEventsBehavior
  | StallAfterEventsBehavior
  | ErrorEventAfterEventsBehavior
  | PingsOnlyBehavior
  | TrickleBehavior
  | MalformedJsonBehavior
  | OversizedBehavior;

export type ProviderBehaviorKind = ProviderBehavior['kind'];
