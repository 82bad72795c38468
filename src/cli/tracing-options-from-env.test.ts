import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders, tracingOptionsFromEnv } from './tracing-options-from-env.js';

describe('tracingOptionsFromEnv', () => {
  it('is off without an endpoint, or with OTEL_SDK_DISABLED=true', () => {
    expect(tracingOptionsFromEnv({})).toBeUndefined();
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' })).toBeDefined();
  });

  it('adds v1/traces to the general endpoint and takes the traces endpoint as it is, over it', () => {
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })?.tracesUrl).toBe('http://collector:4318/v1/traces');
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example/base/' })?.tracesUrl).toBe('https://otlp.example/base/v1/traces');
    expect(
      tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9000/in' })?.tracesUrl,
    ).toBe('http://traces:9000/in');
  });

  it('names the service backup-models-gateway unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })?.serviceName).toBe('backup-models-gateway');
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'edge' })?.serviceName).toBe('edge');
  });

  it('gives the resource the attributes of OTEL_RESOURCE_ATTRIBUTES, its service.name unless OTEL_SERVICE_NAME is set', () => {
    const fromAttributes = tracingOptionsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=production,service.version=1.4%2B2,service.name=from-attributes',
    });
    expect(fromAttributes?.resourceAttributes).toEqual({ 'deployment.environment': 'production', 'service.version': '1.4+2', 'service.name': 'from-attributes' });
    expect(fromAttributes?.serviceName).toBe('from-attributes');
    const named = tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes', OTEL_SERVICE_NAME: 'edge' });
    expect(named?.serviceName).toBe('edge');
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })?.resourceAttributes).toEqual({});
  });

  it('merges the traces headers over the general ones', () => {
    const options = tracingOptionsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=general,team=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key=traces',
    });
    expect(options?.headers).toEqual({ 'api-key': 'traces', team: 'a' });
  });

  it('refuses an endpoint that is not an http URL, without repeating it', () => {
    expect(() => tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://user:secret@collector:4317' })).toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL/,
    );
    expect(() => tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/);
  });
});

describe('parseOtlpHeaders', () => {
  it('reads comma-separated key=value pairs, values percent-decoded, skipping what is not a pair', () => {
    expect(parseOtlpHeaders('a=1, b = two%20words ,broken,=nameless,c=x=y,d=%E0%A4%A')).toEqual({ a: '1', b: 'two words', c: 'x=y', d: '%E0%A4%A' });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});

describe('the OTLP protocol', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };

  it('sends http/protobuf, the specification\'s default, unless another is asked for, the traces variable over the general one', () => {
    expect(tracingOptionsFromEnv(endpoint)?.protocol).toBe('http/protobuf');
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: ' HTTP/JSON ' })?.protocol).toBe('http/json');
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })?.protocol).toBe(
      'http/protobuf',
    );
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })?.protocol).toBe('http/json');
    // An empty traces variable is not set: the general one holds.
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: ' ' })?.protocol).toBe('http/json');
  });

  it('over gRPC, takes the general endpoint as the collector\'s address, adding no path', () => {
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      protocol: 'grpc',
      tracesUrl: 'http://collector:4317',
    });
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })?.tracesUrl).toBe(
      'https://traces:4317',
    );
    expect(tracingOptionsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.tracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
  });

  it('refuses a protocol the specification does not name, naming the variable it was in', () => {
    expect(() => tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuff' })).toThrow(
      /^OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json, grpc$/,
    );
    expect(() => tracingOptionsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'json' })).toThrow(
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be one of/,
    );
  });
});

describe('the sampler', () => {

  it('takes the sampler OTEL_TRACES_SAMPLER names, with the ratio of OTEL_TRACES_SAMPLER_ARG (default 1) for a traceidratio one', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(tracingOptionsFromEnv(endpoint)?.sampler).toBeUndefined();
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: ' Always_Off ' })?.sampler).toEqual({ name: 'always_off' });
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.01' })?.sampler).toEqual({
      name: 'parentbased_traceidratio',
      ratio: 0.01,
    });
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio' })?.sampler).toEqual({ name: 'traceidratio', ratio: 1 });
    // A ratio beside a sampler that takes none is not read.
    expect(tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'x' })?.sampler).toEqual({ name: 'always_on' });
  });

  it('refuses a sampler the SDK does not have, or a ratio outside 0 to 1, naming the variable', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    for (const sampler of ['jaeger_remote', 'sometimes']) {
      expect(() => tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: sampler })).toThrow(/OTEL_TRACES_SAMPLER must be one of parentbased_always_on/);
    }
    for (const ratio of ['1.5', '-0.1', 'half']) {
      expect(() => tracingOptionsFromEnv({ ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio })).toThrow(/OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1/);
    }
  });
});
