/**
 * Carries out one behaviour on one response: the recorded bytes, sent whole, slowly, cut or broken.
 */
import type { FixtureStore, ResponsePlan } from './fixture-store.js';
import { modelsListBody } from './models-list.js';
import type { ProviderBehavior, RecordedResponseOptions, StatusBehavior } from './provider-behavior.js';
import { hasHeader, type HeaderList } from './recorded-headers.js';
import { replaceBodyText, replaceStreamText, splitTextIntoPieces } from './replace-assistant-text.js';
import type { ResponseSession } from './response-session.js';
import { sendOversized } from './send-oversized.js';
import { eventJson, parseRawEvent, streamLineEnding, withCutEventData, withEventData } from './sse-events.js';
import { wireOf, type TestProviderSpec } from './test-providers.js';

export interface ServeContext {
  readonly session: ResponseSession;
  readonly store: FixtureStore;
  readonly provider: TestProviderSpec;
  readonly route: 'chat' | 'models' | 'embeddings';
  /** The request asked for a stream (`stream: true`, or Gemini's `:streamGenerateContent`). */
  readonly stream: boolean;
}

const defaultTextPieces = 4;

export async function serveBehavior(context: ServeContext, behavior: ProviderBehavior): Promise<void> {
  const { session } = context;
  const latencyMs = typeof behavior.latencyMs === 'function' ? behavior.latencyMs() : (behavior.latencyMs ?? 0);
  if (!(await session.delay(latencyMs))) return;
  switch (behavior.kind) {
    case 'success':
      return sendPlan(session, recordedPlan(context, behavior), behavior.chunkDelayMs ?? 0);
    case 'error':
      return sendPlan(session, context.store.errorPlan(context.provider, behavior), 0);
    case 'status':
      return sendPlan(session, statusPlan(behavior), 0);
    case 'stall-before-headers':
      return session.untilClosed();
    case 'reset-before-headers':
      session.destroySocket({ reset: true });
      return;
    case 'reset-after-events':
      if (await sendBeforeFault({ session, plan: recordedPlan(context, behavior), events: behavior.events, chunkDelayMs: behavior.chunkDelayMs, announceLength: true })) {
        session.destroySocket({ reset: false });
      }
      return;
    case 'truncate-after-events':
      if (await sendBeforeFault({ session, plan: recordedPlan(context, behavior), events: behavior.events, chunkDelayMs: behavior.chunkDelayMs, announceLength: false })) {
        session.end({ outcome: 'fault' });
      }
      return;
    case 'stall-after-events':
      if (await sendBeforeFault({ session, plan: recordedPlan(context, behavior), events: behavior.events, chunkDelayMs: behavior.chunkDelayMs, announceLength: true })) {
        await session.untilClosed();
      }
      return;
    case 'error-event-after-events': {
      const plan = recordedPlan(context, behavior);
      if (plan.type === 'body') {
        const fixture = behavior.errorFixture ?? context.provider.defaultFixtures.streamError;
        return sendPlan(session, context.store.errorPlan(context.provider, { fixture }), 0);
      }
      const errorEvent = streamErrorEvent(context, { events: plan.events, errorFixture: behavior.errorFixture });
      if (await sendBeforeFault({ session, plan, events: behavior.events, chunkDelayMs: behavior.chunkDelayMs, announceLength: false })) {
        if (await session.write(errorEvent)) session.end({ outcome: 'fault' });
      }
      return;
    }
    case 'pings-only':
      return sendPings(context, behavior.intervalMs, recordedPlan(context, behavior));
    case 'trickle':
      return trickle(session, recordedPlan(context, behavior), behavior);
    case 'malformed-json': {
      const plan = recordedPlan(context, behavior);
      if (plan.type === 'body') {
        const cut = plan.body.subarray(0, Math.floor(plan.body.length / 2));
        return sendPlan(session, { ...plan, body: cut }, 0, 'fault');
      }
      const firstJson = plan.events.findIndex((raw) => eventJson(raw) !== undefined);
      const events = plan.events.map((raw, index) => (index === firstJson ? withCutEventData(raw) : raw));
      return sendPlan(session, { ...plan, events }, behavior.chunkDelayMs ?? 0, 'fault');
    }
    case 'oversized': {
      const { errorFixture, replay } = behavior;
      const plan =
        replay !== undefined
          ? statusPlan(replay)
          : errorFixture === undefined
            ? recordedPlan(context, behavior)
            : context.store.errorPlan(context.provider, { fixture: errorFixture });
      return sendOversized(session, plan, behavior);
    }
  }
}

/** The answer of a `status` behaviour: its status, headers and body, a content type added to a body without one. */
function statusPlan(behavior: Omit<StatusBehavior, 'kind'>): ResponsePlan {
  const body = behavior.body ?? '';
  let headers: HeaderList = Object.entries(behavior.headers ?? {});
  if (body !== '' && !hasHeader(headers, 'content-type')) headers = [...headers, ['content-type', behavior.contentType ?? 'text/plain']];
  else if (behavior.contentType !== undefined) headers = [...headers, ['content-type', behavior.contentType]];
  return { type: 'body', status: behavior.status, headers, body: Buffer.from(body, 'utf8') };
}

/** The recorded response a behaviour starts from: the models list, or the fixture with its text replaced. */
export function recordedPlan(context: Omit<ServeContext, 'session'>, options: RecordedResponseOptions): ResponsePlan {
  if (context.route === 'models') {
    const body = Buffer.from(modelsListBody({ protocol: context.provider.protocol, definition: context.provider.definition }), 'utf8');
    return { type: 'body', status: 200, headers: [['content-type', 'application/json']], body };
  }
  // An embeddings request is answered with the provider's embeddings recording unless a behaviour names another.
  const fixture = options.fixture ?? (context.route === 'embeddings' ? context.provider.defaultFixtures.embeddings : undefined);
  const plan = context.store.successPlan(context.provider, { fixture, stream: context.stream });
  if (options.text === undefined) return plan;
  const protocol = wireOf(context.provider);
  if (plan.type === 'body') {
    return { ...plan, body: Buffer.from(replaceBodyText({ protocol, body: plan.body.toString('utf8'), text: options.text }), 'utf8') };
  }
  const pieces = splitTextIntoPieces(options.text, options.textPieces ?? defaultTextPieces);
  return { ...plan, events: replaceStreamText({ protocol, events: plan.events, pieces }) };
}

async function sendPlan(session: ResponseSession, plan: ResponsePlan, chunkDelayMs: number, outcome: 'completed' | 'fault' = 'completed'): Promise<void> {
  if (plan.type === 'body') {
    session.writeHead({ ...plan, contentLength: plan.body.length });
    session.end({ chunk: plan.body, outcome });
    return;
  }
  session.writeHead(plan);
  for (const [index, event] of plan.events.entries()) {
    if (index > 0 && !(await session.delay(chunkDelayMs))) return;
    if (!(await session.write(event))) return;
  }
  session.end({ outcome });
}

/**
 * Sends the status, the headers and the first `events` events (at most all but the last), or for a body the
 * first half when `events` > 0. Resolves true when the response is still open for the fault that follows.
 */
async function sendBeforeFault(options: {
  readonly session: ResponseSession;
  readonly plan: ResponsePlan;
  readonly events: number;
  readonly chunkDelayMs: number | undefined;
  /** Send the full body's content-length, so a cut is visible as a premature close. */
  readonly announceLength: boolean;
}): Promise<boolean> {
  const { session, plan } = options;
  if (plan.type === 'body') {
    session.writeHead({ ...plan, ...(options.announceLength ? { contentLength: plan.body.length } : {}) });
    if (options.events > 0 && !(await session.write(plan.body.subarray(0, Math.floor(plan.body.length / 2))))) return false;
    return !session.isClosed;
  }
  session.writeHead(plan);
  const count = Math.max(0, Math.min(Math.floor(options.events), plan.events.length - 1));
  for (const [index, event] of plan.events.slice(0, count).entries()) {
    if (index > 0 && !(await session.delay(options.chunkDelayMs ?? 0))) return false;
    if (!(await session.write(event))) return false;
  }
  if (count > 0 && !(await session.delay(options.chunkDelayMs ?? 0))) return false;
  return !session.isClosed;
}

/** The error event a provider sends inside a 200 stream. */
function streamErrorEvent(context: ServeContext, options: { readonly events: readonly string[]; readonly errorFixture: string | undefined }): string {
  const { store, provider } = context;
  const lineEnding = streamLineEnding(options.events);
  const errorBody = (fixture: string): string => JSON.stringify(JSON.parse(store.errorPlan(provider, { fixture }).body.toString('utf8')));
  if (provider.id === 'groq' && options.errorFixture === undefined) {
    // Groq's mid-stream error, recorded whole: the last event of this stream.
    return store.events(provider, 'chat-stream-error-tool-use-failed.sse').at(-1) ?? '';
  }
  if (wireOf(provider) === 'openai-responses') {
    // The Responses API's `error` event as recorded (vercel/ai openai-error.1.chunks.txt), or one carrying the
    // named recording's error object in the same shape.
    const data =
      options.errorFixture === undefined
        ? (parseRawEvent(store.events(provider, 'responses-stream-error-event.chunks.txt').find((raw) => parseRawEvent(raw).event === 'error') ?? '').data ?? '')
        : JSON.stringify({ type: 'error', error: (JSON.parse(errorBody(options.errorFixture)) as { error?: unknown }).error });
    return withEventData(`event: error${lineEnding}data: ${lineEnding}${lineEnding}`, data);
  }
  if (provider.protocol === 'anthropic') {
    const data =
      options.errorFixture === undefined
        ? store.bytes(provider, 'stream-error-event-data.json').toString('utf8').trim()
        : errorBody(options.errorFixture);
    return withEventData(`event: error${lineEnding}data: ${lineEnding}${lineEnding}`, data);
  }
  return `data: ${errorBody(options.errorFixture ?? provider.defaultFixtures.streamError)}${lineEnding}${lineEnding}`;
}

/** A 200 event stream that never sends anything but keep-alives. */
async function sendPings(context: ServeContext, intervalMs: number, plan: ResponsePlan): Promise<void> {
  const { session } = context;
  const events = plan.type === 'events' ? plan.events : [];
  const recordedPing = events.find((raw) => parseRawEvent(raw).event === 'ping');
  const lineEnding = streamLineEnding(events);
  const ping = context.provider.protocol === 'anthropic' && recordedPing ? recordedPing : `: ping${lineEnding}${lineEnding}`;
  const headers: HeaderList = plan.type === 'events' ? plan.headers : [['content-type', 'text/event-stream']];
  session.writeHead({ status: 200, headers });
  while (await session.delay(Math.max(1, intervalMs))) {
    if (!(await session.write(ping))) return;
  }
}

async function trickle(session: ResponseSession, plan: ResponsePlan, options: { readonly bytesPerWrite: number; readonly intervalMs: number }): Promise<void> {
  const bytes = plan.type === 'body' ? plan.body : Buffer.from(plan.events.join(''), 'utf8');
  session.writeHead({ ...plan, ...(plan.type === 'body' ? { contentLength: bytes.length } : {}) });
  const step = Math.max(1, Math.floor(options.bytesPerWrite));
  for (let offset = 0; offset < bytes.length; offset += step) {
    if (offset > 0 && !(await session.delay(options.intervalMs))) return;
    if (!(await session.write(bytes.subarray(offset, offset + step)))) return;
  }
  session.end();
}
