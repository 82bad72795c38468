/**
 * An OpenTelemetry SDK exporting spans over OTLP/HTTP, for the gateway. Its packages are loaded here, on the first
 * call, by dynamic import: a process that never starts tracing loads none of them (`serve` without an OTLP endpoint).
 *
 * Packages (the official ones, on the versions that match our `@opentelemetry/api` ~1.9, whose peer range they accept):
 * `@opentelemetry/sdk-trace-node` (the tracer provider, batching, and the AsyncLocalStorage context manager that
 * makes a request's span the parent of the router's spans), `@opentelemetry/exporter-trace-otlp-http` (OTLP/HTTP
 * with JSON bodies, which every OTLP/HTTP receiver accepts; it also reads the standard `OTEL_EXPORTER_OTLP_*`
 * variables of the process), `@opentelemetry/resources` (`service.name` and the other resource attributes) and `@opentelemetry/core` (the W3C Trace
 * Context propagator).
 */
import type { GatewayTracing } from '../gateway/request-tracing.js';

export interface OtlpTracingOptions {
  /** Where spans are POSTed: the signal's full URL (`.../v1/traces`). */
  readonly tracesUrl: string;
  /** Sent with every export (a backend's API key, say): never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** The resource's `service.name`. */
  readonly serviceName: string;
  /** The resource's other attributes (`OTEL_RESOURCE_ATTRIBUTES`: `deployment.environment`, `service.version`...). */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
}

export interface OtlpTracing {
  /** The gateway's `tracing` option. */
  readonly tracing: GatewayTracing;
  /** Export what is still buffered, then stop: call it after the gateway has drained. */
  shutdown(): Promise<void>;
}

/**
 * Start a tracer provider exporting over OTLP/HTTP and register it globally (tracer provider, AsyncLocalStorage
 * context manager, W3C propagators), so that spans follow async calls. Spans are batched (the SDK's defaults:
 * every 5 s or 512 spans, up to 2,048 queued, then dropped rather than held).
 */
export async function startOtlpTracing(options: OtlpTracingOptions): Promise<OtlpTracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  const exporter = new OTLPTraceExporter({ url: options.tracesUrl, headers: { ...options.headers } });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...options.resourceAttributes, 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const propagator = new W3CTraceContextPropagator();
  provider.register({ propagator });
  return {
    tracing: { tracer: provider.getTracer('backup-models'), propagator },
    shutdown: () => provider.shutdown(),
  };
}
