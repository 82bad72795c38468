/**
 * An OpenTelemetry SDK exporting spans over OTLP, for the gateway. Its packages are loaded here, on the first
 * call, by dynamic import: a process that never starts tracing loads none of them (`serve` without an OTLP endpoint).
 *
 * Packages (the official ones, on the versions that match our `@opentelemetry/api` ~1.9, whose peer range they accept):
 * `@opentelemetry/sdk-trace-node` (the tracer provider, batching, and the AsyncLocalStorage context manager that
 * makes a request's span the parent of the router's spans), the exporter of the protocol asked for
 * (otlp-span-exporter.ts), `@opentelemetry/resources` (`service.name` and the other resource attributes) and
 * `@opentelemetry/core` (the W3C Trace Context propagator).
 */
import type { GatewayTracing } from '../gateway/request-tracing.js';
import { createSpanExporter, type OtlpProtocol } from './otlp-span-exporter.js';

export interface OtlpTracingOptions {
  /** Where spans go: over OTLP/HTTP the signal's full URL (`.../v1/traces`), over gRPC the collector's address. */
  readonly tracesUrl: string;
  /** How the spans are sent. Default `http/protobuf`, as the specification's. */
  readonly protocol?: OtlpProtocol;
  /** Sent with every export (a backend's API key, say): never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** The resource's `service.name`. */
  readonly serviceName: string;
  /** The resource's other attributes (`OTEL_RESOURCE_ATTRIBUTES`: `deployment.environment`, `service.version`...). */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /**
   * Which traces are kept (`OTEL_TRACES_SAMPLER`'s names; `ratio` for the `traceidratio` ones). Default
   * `parentbased_always_on`: every request without a caller's decision, and every one the caller sampled.
   */
  readonly sampler?: { readonly name: TracesSamplerName; readonly ratio?: number };
}

/** The samplers of `OTEL_TRACES_SAMPLER`'s list that the SDK has (not `jaeger_remote` nor `xray`), its default first. */
export const tracesSamplerNames = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;

export type TracesSamplerName = (typeof tracesSamplerNames)[number];

export interface OtlpTracing {
  /** The gateway's `tracing` option. */
  readonly tracing: GatewayTracing;
  /** Export what is still buffered, then stop: call it after the gateway has drained. */
  shutdown(): Promise<void>;
}

/**
 * Start a tracer provider exporting over OTLP and register it globally (tracer provider, AsyncLocalStorage
 * context manager, W3C propagators), so that spans follow async calls. Spans are batched (the SDK's defaults:
 * every 5 s or 512 spans, up to 2,048 queued, then dropped rather than held).
 */
export async function startOtlpTracing(options: OtlpTracingOptions): Promise<OtlpTracing> {
  const [sdk, exporter, { resourceFromAttributes }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    createSpanExporter({ protocol: options.protocol ?? 'http/protobuf', url: options.tracesUrl, headers: options.headers }),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  const { NodeTracerProvider, BatchSpanProcessor } = sdk;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...options.resourceAttributes, 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
    sampler: samplerOf(sdk, options.sampler ?? { name: 'parentbased_always_on' }),
  });
  const propagator = new W3CTraceContextPropagator();
  provider.register({ propagator });
  return {
    tracing: { tracer: provider.getTracer('backup-models'), propagator },
    shutdown: () => provider.shutdown(),
  };
}

type SamplerClasses = Pick<typeof import('@opentelemetry/sdk-trace-node'), 'AlwaysOnSampler' | 'AlwaysOffSampler' | 'ParentBasedSampler' | 'TraceIdRatioBasedSampler'>;

/** The SDK's sampler of that name: a `parentbased_` one follows a caller's decision and decides the rest as its root. */
function samplerOf(sdk: SamplerClasses, options: NonNullable<OtlpTracingOptions['sampler']>) {
  const { AlwaysOnSampler, AlwaysOffSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = sdk;
  const parentBased = options.name.startsWith('parentbased_');
  const rootName = parentBased ? options.name.slice('parentbased_'.length) : options.name;
  const root = rootName === 'always_on' ? new AlwaysOnSampler() : rootName === 'always_off' ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(options.ratio ?? 1);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}
