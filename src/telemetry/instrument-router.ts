import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Tracer,
} from '@opentelemetry/api';
import type { Attempt } from '../errors.js';
import type { RouterEvent } from '../routing/router-events.js';
import { BackupModelsAttribute, GenAiAttribute, genAiProviderName } from './gen-ai-attributes.js';

/** What instrumenting needs of a router: its event subscription. */
export interface RouterEventSource {
  onEvent(listener: (event: RouterEvent) => void): () => void;
}

export interface InstrumentRouterOptions {
  /** Default: `trace.getTracer('backup-models')`, a no-op until an OpenTelemetry SDK is registered. */
  readonly tracer?: Tracer;
}

type CallEndEvent = Extract<RouterEvent, { type: 'call-end' }>;

/** Calls whose end we never saw (a stream its reader abandoned) are forgotten past this many. */
const maximumOpenCalls = 10_000;

/**
 * Trace every router call with OpenTelemetry, following the GenAI semantic conventions: one `chat {model}`
 * span per call (`embeddings {model}` for `embed`, operation `embeddings`), with a child span per provider attempt (outcome, failure reason) and an event per skipped
 * candidate. A call's `gen_ai.request.model` is its first attempt's model or, with none (a cache hit), the
 * model it asked for when it named one; never the answer's. Spans are written when the call ends, with the
 * start and end times the router measured; the parent is the context active when the call started its first
 * attempt (or ended, for a cache hit). A call whose parent span the sampler dropped is not traced (isSampledOut).
 * Uses `@opentelemetry/api` only: without a registered SDK every span is a no-op and nothing more is done.
 * Returns the function that stops the instrumentation.
 */
export function instrumentRouter(router: RouterEventSource, options: InstrumentRouterOptions = {}): () => void {
  const tracer = options.tracer ?? trace.getTracer('backup-models');
  const parentByCallId = new Map<number, Context>();
  const unsubscribe = router.onEvent((event) => {
    if (event.type === 'attempt-start') {
      if (parentByCallId.has(event.callId)) return;
      if (parentByCallId.size >= maximumOpenCalls) {
        const oldest = parentByCallId.keys().next();
        if (!oldest.done) parentByCallId.delete(oldest.value);
      }
      parentByCallId.set(event.callId, context.active());
      return;
    }
    if (event.type !== 'call-end') return;
    const parent = parentByCallId.get(event.callId) ?? context.active();
    parentByCallId.delete(event.callId);
    if (isSampledOut(parent)) return;
    recordCall({ tracer, event, parent, endMs: event.startedAtMs + event.latencyMs });
  });
  return () => {
    unsubscribe();
    parentByCallId.clear();
  };
}

/**
 * The call's parent is a span the sampler dropped (not recording, its trace not sampled): the call is not traced
 * either. Every sampler OpenTelemetry's variables name (`OTEL_TRACES_SAMPLER`) would drop it too: the parent-based
 * ones follow the parent, `traceidratio` decides on the trace id the parent has, and `always_on` records every parent.
 * Not asking the tracer saves the call's attributes and span (measured in the gateway sampling 1% of its requests:
 * bench/README.md, "Session 21"). A sampler of one's own that records children of dropped parents gets no call spans.
 */
function isSampledOut(parent: Context): boolean {
  const parentSpan = trace.getSpan(parent);
  if (parentSpan === undefined || parentSpan.isRecording()) return false;
  const spanContext = parentSpan.spanContext();
  return isSpanContextValid(spanContext) && (spanContext.traceFlags & TraceFlags.SAMPLED) === 0;
}

function recordCall(options: { tracer: Tracer; event: CallEndEvent; parent: Context; endMs: number }): void {
  const { tracer, event, parent, endMs } = options;
  const started = event.attempts.filter((attempt) => attempt.outcome !== 'skipped');
  // Never the answer's model: a provider names a dated snapshot of the model asked for.
  const requestModel = started[0]?.model ?? event.requestModel;
  const providerId = event.provider ?? started[0]?.provider;
  const operation = event.operation ?? 'chat';
  const callSpan = tracer.startSpan(
    requestModel !== undefined ? `${operation} ${requestModel}` : operation,
    { kind: SpanKind.INTERNAL, startTime: event.startedAtMs, attributes: callAttributes(event, requestModel, providerId, started.length) },
    parent,
  );
  if (!callSpan.isRecording()) {
    callSpan.end(endMs);
    return;
  }
  if (event.outcome !== 'success') {
    const errorType = event.errorName ?? (event.outcome === 'aborted' ? 'AbortError' : '_OTHER');
    callSpan.setAttribute(GenAiAttribute.errorType, errorType);
    callSpan.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  }
  const callContext = trace.setSpan(parent, callSpan);
  for (const attempt of event.attempts) {
    if (attempt.outcome === 'skipped') {
      recordSkipped(callSpan, attempt);
      continue;
    }
    const isWinner = event.outcome === 'success' && attempt.outcome === 'success' && attempt.provider === event.provider;
    recordAttempt({ tracer, attempt, parent: callContext, winner: isWinner ? event : undefined, operation });
  }
  callSpan.end(endMs);
}

function callAttributes(event: CallEndEvent, requestModel: string | undefined, providerId: string | undefined, attemptCount: number): Attributes {
  const attributes: Attributes = {};
  attributes[GenAiAttribute.operationName] = event.operation ?? 'chat';
  if (providerId !== undefined) {
    attributes[GenAiAttribute.providerName] = genAiProviderName(providerId);
    attributes[BackupModelsAttribute.provider] = providerId;
  }
  setDefined(attributes, GenAiAttribute.requestModel, requestModel);
  setDefined(attributes, GenAiAttribute.responseModel, event.model);
  setDefined(attributes, GenAiAttribute.responseId, event.responseId);
  if (event.finishReason !== undefined) attributes[GenAiAttribute.responseFinishReasons] = [event.finishReason];
  setDefined(attributes, GenAiAttribute.inputTokens, event.inputTokens);
  setDefined(attributes, GenAiAttribute.outputTokens, event.outputTokens);
  attributes[BackupModelsAttribute.outcome] = event.outcome;
  setDefined(attributes, BackupModelsAttribute.cached, event.cached);
  setDefined(attributes, BackupModelsAttribute.streaming, event.streaming);
  attributes[BackupModelsAttribute.attemptCount] = attemptCount;
  setDefined(attributes, BackupModelsAttribute.costUsd, event.costUsd);
  setDefined(attributes, BackupModelsAttribute.timeToFirstTokenMs, event.timeToFirstTokenMs);
  return attributes;
}

function recordAttempt(options: {
  tracer: Tracer;
  attempt: Attempt;
  parent: Context;
  winner: CallEndEvent | undefined;
  /** `chat`, or `embeddings` (GenAI's operation names). */
  operation: string;
}): void {
  const { tracer, attempt, winner } = options;
  const span = tracer.startSpan(`${options.operation} ${attempt.model}`, { kind: SpanKind.CLIENT, startTime: attempt.startedAtMs, attributes: attemptAttributes(attempt, winner, options.operation) }, options.parent);
  if (attempt.outcome === 'failure') {
    const errorType = attempt.reason ?? '_OTHER';
    span.setAttribute(GenAiAttribute.errorType, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  }
  span.end(attempt.startedAtMs + attempt.durationMs);
}

function attemptAttributes(attempt: Attempt, winner: CallEndEvent | undefined, operation: string): Attributes {
  const attributes: Attributes = {};
  attributes[GenAiAttribute.operationName] = operation;
  attributes[GenAiAttribute.providerName] = genAiProviderName(attempt.provider);
  attributes[BackupModelsAttribute.provider] = attempt.provider;
  attributes[GenAiAttribute.requestModel] = attempt.model;
  if (winner !== undefined) {
    setDefined(attributes, GenAiAttribute.responseModel, winner.model);
    setDefined(attributes, GenAiAttribute.inputTokens, winner.inputTokens);
    setDefined(attributes, GenAiAttribute.outputTokens, winner.outputTokens);
  }
  attributes[BackupModelsAttribute.outcome] = attempt.outcome;
  setDefined(attributes, BackupModelsAttribute.failureReason, attempt.reason);
  setDefined(attributes, BackupModelsAttribute.detail, attempt.detail);
  setDefined(attributes, GenAiAttribute.httpStatusCode, attempt.statusCode);
  setDefined(attributes, BackupModelsAttribute.estimatedCostUsd, attempt.estimatedCostUsd);
  return attributes;
}

function recordSkipped(callSpan: Span, attempt: Attempt): void {
  const attributes: Attributes = {};
  attributes[BackupModelsAttribute.provider] = attempt.provider;
  attributes[GenAiAttribute.requestModel] = attempt.model;
  setDefined(attributes, BackupModelsAttribute.detail, attempt.detail);
  callSpan.addEvent('backup_models.candidate_skipped', attributes, attempt.startedAtMs);
}

/**
 * Set when defined: OpenTelemetry drops an undefined attribute anyway, but only after the span has taken it. The
 * attributes are built by assignment rather than from a literal with computed keys filtered afterwards, which V8
 * builds slowly (the router's answer headers were the same finding, bench/README.md): this runs for every traced call.
 */
function setDefined(attributes: Attributes, key: string, value: string | number | boolean | undefined): void {
  if (value !== undefined) attributes[key] = value;
}
