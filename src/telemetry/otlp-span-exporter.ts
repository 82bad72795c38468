/**
 * The OTLP exporter of each protocol `OTEL_EXPORTER_OTLP_PROTOCOL` names, loaded when tracing starts (only the one
 * asked for): `@opentelemetry/exporter-trace-otlp-proto` (OTLP/HTTP with protobuf bodies, the specification's
 * default, which every OTLP/HTTP receiver takes and some take alone: Dynatrace answers any other a 415),
 * `@opentelemetry/exporter-trace-otlp-http` (OTLP/HTTP with JSON bodies) and `@opentelemetry/exporter-trace-otlp-grpc`
 * (OTLP/gRPC). The gRPC one is an optional peer dependency, installed by who asks for it: it brings `@grpc/grpc-js`
 * and its protobuf loader, several megabytes that a gateway sending OTLP/HTTP has no use for.
 */
import { createRequire } from 'node:module';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';

/** `OTEL_EXPORTER_OTLP_PROTOCOL`'s values, the specification's default first. */
export const otlpProtocols = ['http/protobuf', 'http/json', 'grpc'] as const;

export type OtlpProtocol = (typeof otlpProtocols)[number];

/** The package whose `OTLPTraceExporter` sends each protocol. */
export const otlpExporterPackages: Readonly<Record<OtlpProtocol, string>> = {
  'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
  'http/json': '@opentelemetry/exporter-trace-otlp-http',
  grpc: '@opentelemetry/exporter-trace-otlp-grpc',
};

/** Resolves packages as this module's imports find them (the exporters are CommonJS packages). */
const requireHere = createRequire(import.meta.url);

/** Whether the exporter package of `protocol` is installed where this module can load it. */
export function canLoadSpanExporter(protocol: OtlpProtocol): boolean {
  try {
    requireHere.resolve(otlpExporterPackages[protocol]);
    return true;
  } catch {
    return false;
  }
}

export interface SpanExporterOptions {
  readonly protocol: OtlpProtocol;
  /** OTLP/HTTP: the signal's full URL (`.../v1/traces`); gRPC: the collector's address (`http://collector:4317`). */
  readonly url: string;
  /** Sent with every export, as HTTP headers or gRPC metadata. */
  readonly headers: Readonly<Record<string, string>>;
}

export async function createSpanExporter(options: SpanExporterOptions): Promise<SpanExporter> {
  const headers = { ...options.headers };
  switch (options.protocol) {
    case 'http/protobuf': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter({ url: options.url, headers });
    }
    case 'http/json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url: options.url, headers });
    }
    case 'grpc': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      // The headers go as gRPC metadata, made with the @grpc/grpc-js the exporter itself loads (found from where it
      // is installed: it is the exporter's dependency, not ours). An http:// address is sent in plain text, https:// over TLS.
      const { Metadata } = grpcOfExporter();
      const metadata = new Metadata();
      for (const [name, value] of Object.entries(headers)) metadata.set(name, value);
      return new OTLPTraceExporter({ url: options.url, metadata });
    }
  }
}

/** `@grpc/grpc-js` as the gRPC exporter resolves it. */
function grpcOfExporter(): typeof import('@grpc/grpc-js') {
  const exporterRequire = createRequire(requireHere.resolve(otlpExporterPackages.grpc));
  const exporterBase = exporterRequire.resolve('@opentelemetry/otlp-grpc-exporter-base');
  return createRequire(exporterBase)('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
}
