/**
 * Whether `serve` traces, from OpenTelemetry's standard variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/ and .../configuration/sdk-environment-variables/):
 * on when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the signal's URL, used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (a
 * base URL, to which `v1/traces` is added over OTLP/HTTP; over gRPC the collector's address, as is) is set, unless `OTEL_SDK_DISABLED` is `true`. The resource's attributes
 * come from `OTEL_RESOURCE_ATTRIBUTES`, its `service.name` from `OTEL_SERVICE_NAME` over them; the sampler from
 * `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`; the encoding from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or
 * `OTEL_EXPORTER_OTLP_PROTOCOL`. All are read from the environment `serve` reads (the process's
 * and its configuration's `envFile`), not left to the SDK, which would read the process's alone.
 */
import { InvalidArgumentError } from '../errors.js';
import { canLoadSpanExporter, otlpExporterPackages, type OtlpProtocol, otlpProtocols } from '../telemetry/otlp-span-exporter.js';
import { type OtlpTracingOptions, type TracesSamplerName, tracesSamplerNames } from '../telemetry/start-otlp-tracing.js';

export const tracingEnvironmentVariables = {
  endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  tracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  headers: 'OTEL_EXPORTER_OTLP_HEADERS',
  tracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  sdkDisabled: 'OTEL_SDK_DISABLED',
  protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  tracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  sampler: 'OTEL_TRACES_SAMPLER',
  samplerArgument: 'OTEL_TRACES_SAMPLER_ARG',
} as const;


/**
 * The protocol spans are sent in: `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` over `OTEL_EXPORTER_OTLP_PROTOCOL` (an empty one is
 * unset), default `http/protobuf` as the specification's. A value it does not name is a mistake in a setting, refused
 * naming the variable it was in; `grpc` without its exporter installed (an optional peer dependency) is refused
 * saying what to install, where the SDK would fail each export.
 */
function otlpProtocolFromEnv(env: Readonly<Record<string, string | undefined>>): OtlpProtocol {
  const names = tracingEnvironmentVariables;
  const tracesProtocol = env[names.tracesProtocol]?.trim();
  const argument = tracesProtocol ? names.tracesProtocol : names.protocol;
  const asked = (tracesProtocol || env[names.protocol]?.trim())?.toLowerCase();
  if (!asked) return otlpProtocols[0];
  if (!(otlpProtocols as readonly string[]).includes(asked)) {
    throw new InvalidArgumentError({ argument, message: `${argument} must be one of ${otlpProtocols.join(', ')}` });
  }
  const protocol = asked as OtlpProtocol;
  if (!canLoadSpanExporter(protocol)) {
    const packageName = otlpExporterPackages[protocol];
    throw new InvalidArgumentError({
      argument,
      message: `${argument}=${protocol} needs ${packageName} installed beside backup-models (npm install ${packageName}@~0.223), or send http/protobuf`,
    });
  }
  return protocol;
}

export const defaultServiceName = 'backup-models-gateway';

/** The tracing options the environment asks for, or undefined when it asks for none. */
export function tracingOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): OtlpTracingOptions | undefined {
  const names = tracingEnvironmentVariables;
  if (env[names.sdkDisabled]?.trim().toLowerCase() === 'true') return undefined;
  const tracesEndpoint = env[names.tracesEndpoint]?.trim();
  const endpoint = env[names.endpoint]?.trim();
  if (!tracesEndpoint && !endpoint) return undefined;
  const protocol = otlpProtocolFromEnv(env);
  // Over gRPC the collector's address is used as it is, for every signal; over HTTP the general one is a base URL.
  const tracesUrl = tracesEndpoint || (protocol === 'grpc' ? endpoint! : `${endpoint!.endsWith('/') ? endpoint : `${endpoint}/`}v1/traces`);
  if (!isHttpUrl(tracesUrl)) {
    // The value is not repeated: a URL may carry a user name and password. Exit code 2, as any setting's mistake.
    const argument = tracesEndpoint ? names.tracesEndpoint : names.endpoint;
    throw new InvalidArgumentError({ argument, message: `${argument} must be an http or https URL (over gRPC too: https for TLS)` });
  }
  const resourceAttributes = parseW3cBaggageList(env[names.resourceAttributes]);
  const sampler = tracesSamplerFromEnv(env);
  return {
    tracesUrl,
    protocol,
    // The signal's own headers over the general ones, key by key (as the exporter merges them).
    headers: { ...parseOtlpHeaders(env[names.headers]), ...parseOtlpHeaders(env[names.tracesHeaders]) },
    // The specification's order: OTEL_SERVICE_NAME over a service.name in OTEL_RESOURCE_ATTRIBUTES, over the default.
    serviceName: env[names.serviceName]?.trim() || resourceAttributes['service.name']?.trim() || defaultServiceName,
    resourceAttributes,
    ...(sampler !== undefined && { sampler }),
  };
}

/**
 * The sampler `OTEL_TRACES_SAMPLER` names (default, unset: the SDK's `parentbased_always_on`), with the ratio of a
 * `traceidratio` one from `OTEL_TRACES_SAMPLER_ARG` (default 1, as the specification says). A name or ratio it does
 * not take is a mistake in a setting, refused as the endpoint's is, where the SDK would warn and trace everything.
 */
function tracesSamplerFromEnv(env: Readonly<Record<string, string | undefined>>): OtlpTracingOptions['sampler'] {
  const names = tracingEnvironmentVariables;
  const name = env[names.sampler]?.trim().toLowerCase();
  if (!name) return undefined;
  if (!(tracesSamplerNames as readonly string[]).includes(name)) {
    throw new InvalidArgumentError({ argument: names.sampler, message: `${names.sampler} must be one of ${tracesSamplerNames.join(', ')}` });
  }
  const sampler = name as TracesSamplerName;
  if (!sampler.endsWith('traceidratio')) return { name: sampler };
  const text = env[names.samplerArgument]?.trim();
  const ratio = text ? Number(text) : 1;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new InvalidArgumentError({ argument: names.samplerArgument, message: `${names.samplerArgument} must be a number from 0 to 1 (the share of traces kept)` });
  }
  return { name: sampler, ratio };
}

/** The exporter's headers: `key1=value1,key2=value2`, values percent-encoded (W3C Baggage's format, as the specification says). */
export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  return parseW3cBaggageList(text);
}

/** `key1=value1,key2=value2`, values percent-encoded: the format of the OTLP headers and of the resource's attributes. */
function parseW3cBaggageList(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (text === undefined) return headers;
  for (const entry of text.split(',')) {
    const equals = entry.indexOf('=');
    if (equals <= 0) continue;
    const name = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (name === '') continue;
    try {
      headers[name] = decodeURIComponent(value);
    } catch {
      headers[name] = value;
    }
  }
  return headers;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
