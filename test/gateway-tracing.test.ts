/**
 * Distributed tracing of `backup-models serve`, end to end: the CLI's gateway in a child process, with the real
 * OpenTelemetry SDK and OTLP/HTTP exporters, against the provider test server, exporting to a collector this test
 * runs on loopback. The exporters send OTLP's protobuf encoding (`@opentelemetry/exporter-trace-otlp-proto`, the
 * default) or its JSON encoding (`@opentelemetry/exporter-trace-otlp-http`, asked for;
 * https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: ids as hex, enums as numbers), each decoded here
 * by its content type. Spans are batched every 5 s: these reach the collector by the flush of the SIGTERM drain.
 */
import { startServeChild } from './serve-child.js';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';
import { decodeOtlpTraceExport } from './otlp-protobuf.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const mainScript = join(root, 'dist', 'cli', 'main.js');
const hooksScript = join(root, 'test', 'loaded-modules-hooks.mjs');
const secretKey = 'tracing-secret-key-0123456789abcdef';
const prompt = 'A secret prompt: purple elephants.';
const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';
const spanKind = { internal: 1, server: 2, client: 3 } as const;

interface OtlpValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly boolValue?: boolean;
  readonly doubleValue?: number;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: readonly { readonly key: string; readonly value: OtlpValue }[];
}
interface ExportedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean | undefined>;
  readonly serviceName: unknown;
  readonly resource: Record<string, string | number | boolean | undefined>;
}

/** A collector's OTLP/HTTP receiver: every body it was sent, as bytes. */
class TestCollector {
  readonly bodies: Buffer[] = [];
  readonly paths: string[] = [];
  readonly headers: Record<string, string | string[] | undefined>[] = [];
  /** Each body's content type: how the exporter encoded it. */
  get contentTypes(): (string | undefined)[] {
    return this.headers.map((headers) => headers['content-type'] as string | undefined);
  }
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.bodies.push(Buffer.concat(chunks));
      this.paths.push(request.url ?? '');
      this.headers.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  spans(): ExportedSpan[] {
    return spansOf(this.bodies, this.contentTypes);
  }

  rawText(): string {
    return Buffer.concat(this.bodies).toString('latin1');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The spans of OTLP export bodies, each decoded as its content type says: OTLP's JSON or its protobuf. */
function spansOf(bodies: readonly Buffer[], contentTypes: readonly (string | undefined)[]): ExportedSpan[] {
  return bodies.flatMap((body, index) => {
    const encoding = contentTypes[index];
    if (encoding !== 'application/json' && encoding !== 'application/x-protobuf') throw new Error(`an export of content type ${encoding}`);
    const decoded = (encoding === 'application/json' ? JSON.parse(body.toString('utf8')) : decodeOtlpTraceExport(body)) as {
      resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    return decoded.resourceSpans.flatMap(({ resource, scopeSpans }) =>
      scopeSpans.flatMap(({ spans }) =>
        spans.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          serviceName: attributesOf(resource.attributes)['service.name'],
          resource: attributesOf(resource.attributes),
        })),
      ),
    );
  });
}

/**
 * A collector's OTLP/gRPC receiver: the trace service's one method, its requests kept as bytes (decoded by
 * otlp-protobuf.ts, as the HTTP collector's protobuf bodies are) with the metadata they came with.
 */
async function startGrpcTestCollector(): Promise<{
  url: string;
  metadata: Record<string, string[]>[];
  spans(): ExportedSpan[];
  rawText(): string;
  close(): Promise<void>;
}> {
  const bodies: Buffer[] = [];
  const metadata: Record<string, string[]>[] = [];
  const server = new grpc.Server();
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: (value: Buffer) => value,
        requestDeserialize: (bytes: Buffer) => bytes,
        // An empty ExportTraceServiceResponse: no partial success to report.
        responseSerialize: () => Buffer.alloc(0),
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        bodies.push(call.request);
        metadata.push(Object.fromEntries(Object.keys(call.metadata.getMap()).map((key) => [key, call.metadata.get(key).map(String)])));
        callback(null, Buffer.alloc(0));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    metadata,
    spans: () => spansOf(bodies, bodies.map(() => 'application/x-protobuf')),
    rawText: () => Buffer.concat(bodies).toString('latin1'),
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

function attributesOf(list: OtlpSpan['attributes']): ExportedSpan['attributes'] {
  const result: ExportedSpan['attributes'] = {};
  for (const { key, value } of list) {
    result[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.doubleValue;
  }
  return result;
}

let providers: ProviderTestServer;
let collector: TestCollector;
let configPath: string;
let modulesFile: string;

beforeAll(async () => {
  expect(existsSync(mainScript), 'run `npm run build` first').toBe(true);
  providers = await startProviderTestServer();
  const directory = mkdtempSync(join(tmpdir(), 'backup-models-tracing-'));
  configPath = join(directory, 'gateway.yaml');
  modulesFile = join(directory, 'modules.txt');
  writeFileSync(
    configPath,
    [
      'cache:',
      '  enabled: false',
      'keys:',
      '  - name: tracing-team',
      `    key: ${secretKey}`,
      'routes:',
      '  fallback:',
      '    targets: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]',
      '    parallelAttempts: 1',
      '',
    ].join('\n'),
  );
});
afterAll(async () => providers?.close());
beforeEach(async () => {
  providers.reset();
  collector = new TestCollector();
  await collector.start();
  return () => collector.close();
});

/** `serve` as a user starts it, with the module recorder loaded (and `config`, default the one above); resolves once it listens. */
async function startServe(env: Readonly<Record<string, string>>, config = configPath): Promise<{
  url: string;
  /** SIGHUP: the configuration read again; resolves once the log says it was. */
  reloaded: () => Promise<void>;
  stopped: () => Promise<{ code: number | null; stderr: string }>;
}> {
  const { child, url, stderr, exited } = await startServeChild({
    mainScript,
    nodeArgs: ['--import', hooksScript],
    args: ['--config', config],
    env: { ...providers.environment(), LOADED_MODULES_FILE: modulesFile, ...env },
  });
  return {
    url,
    reloaded: async () => {
      child.kill('SIGHUP');
      await expect.poll(() => stderr().includes('"msg":"configuration reloaded"'), { timeout: 10_000 }).toBe(true);
    },
    stopped: async () => {
      child.kill('SIGTERM');
      return { code: await exited, stderr: stderr() };
    },
  };
}

const loadedSdkModules = (): string[] =>
  readFileSync(modulesFile, 'utf8')
    .split('\n')
    .filter((path) => path.includes('/@opentelemetry/') && !path.includes('/@opentelemetry/api/'));

const clientOf = (url: string, headers: Record<string, string> = {}): OpenAI =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: secretKey, maxRetries: 0, defaultHeaders: headers });

describe('serve with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it("exports a SERVER span per request continuing the caller's traceparent, with the router's spans as its children", async () => {
    const { url, stopped } = await startServe({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=collector-secret%20value' });
    const client = clientOf(url, { traceparent: `00-${callerTraceId}-${callerSpanId}-01`, tracestate: 'vendor=value' });
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    const { code, stderr } = await stopped();
    expect(code).toBe(0);
    expect(stderr).toContain('tracing: exporting spans over OTLP');
    for (const secret of [secretKey, 'collector-secret', 'test-key-']) expect(stderr).not.toContain(secret);
    expect(completion.choices[0]?.message.content).toBeTruthy();

    expect(collector.paths.every((path) => path === '/v1/traces')).toBe(true);
    // OTLP's protobuf encoding, the specification's default, by its exporter alone.
    expect(collector.contentTypes.length).toBeGreaterThan(0);
    expect(collector.contentTypes.every((type) => type === 'application/x-protobuf')).toBe(true);
    expect(stderr).toContain('"protocol":"http/protobuf"');
    expect(loadedSdkModules().some((path) => path.includes('/@opentelemetry/exporter-trace-otlp-proto/'))).toBe(true);
    expect(loadedSdkModules().some((path) => path.includes('/@opentelemetry/exporter-trace-otlp-http/'))).toBe(false);
    expect(collector.headers[0]?.['x-collector-token']).toBe('collector-secret value');
    const spans = collector.spans();
    const server = spans.find((span) => span.kind === spanKind.server);
    expect(server).toMatchObject({
      traceId: callerTraceId,
      parentSpanId: callerSpanId,
      name: 'POST /v1/chat/completions',
      serviceName: 'backup-models-gateway',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/chat/completions',
        'http.response.status_code': 200,
        'backup_models.gateway.key_name': 'tracing-team',
        'backup_models.gateway.request_id': response.headers.get('x-request-id'),
      },
    });
    const call = spans.find((span) => span.kind === spanKind.internal);
    expect(call).toMatchObject({ traceId: callerTraceId, parentSpanId: server?.spanId, name: 'chat llama-3.1-8b-instant' });
    const attempts = spans.filter((span) => span.kind === spanKind.client);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      traceId: callerTraceId,
      parentSpanId: call?.spanId,
      attributes: { 'backup_models.provider': 'groq', 'gen_ai.request.model': 'llama-3.1-8b-instant', 'backup_models.outcome': 'success' },
    });
    // No key (the gateway's, nor a provider's) and no content in anything exported.
    const exported = collector.rawText();
    expect(exported).not.toContain(secretKey);
    expect(exported).not.toContain('test-key-');
    expect(exported).not.toContain('purple elephants');
    expect(exported).not.toContain(completion.choices[0]!.message.content!);
    // The caller's trace context stays at the gateway: providers are not sent it (request-tracing.ts says why).
    expect(providers.requests.map((request) => request.headers.traceparent)).toEqual([undefined]);
    // The SDK was loaded (the control for the test below).
    expect(loadedSdkModules().some((path) => path.includes('/@opentelemetry/sdk-trace-node/'))).toBe(true);
  });

  it('shows a failover as two attempt spans under one call span, and describes the service from OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (in JSON, asked for)', async () => {
    providers.setBehavior('openai', { kind: 'error', fixture: 'error-500-server-error' });
    const { url, stopped } = await startServe({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/custom/traces`,
      OTEL_SERVICE_NAME: 'edge-gateway',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,service.version=2.1%2Bbuild.7,service.name=overridden',
    });
    await clientOf(url).chat.completions.create({ model: 'fallback', messages: [{ role: 'user', content: prompt }] });
    expect((await stopped()).code).toBe(0);

    expect(collector.paths.length).toBeGreaterThan(0);
    expect(collector.paths.every((path) => path === '/custom/traces')).toBe(true);
    expect(collector.contentTypes.every((type) => type === 'application/json')).toBe(true);
    expect(loadedSdkModules().some((path) => path.includes('/@opentelemetry/exporter-trace-otlp-proto/'))).toBe(false);
    const spans = collector.spans();
    const server = spans.find((span) => span.kind === spanKind.server);
    // No traceparent from the caller: a trace of its own.
    expect(server?.parentSpanId).toBeUndefined();
    expect(server?.serviceName).toBe('edge-gateway');
    expect(server?.resource['deployment.environment']).toBe('staging');
    expect(server?.resource['service.version']).toBe('2.1+build.7');
    const call = spans.find((span) => span.kind === spanKind.internal);
    expect(call?.parentSpanId).toBe(server?.spanId);
    const attempts = spans.filter((span) => span.kind === spanKind.client && span.parentSpanId === call?.spanId);
    expect(attempts.map((span) => [span.attributes['backup_models.provider'], span.attributes['gen_ai.request.model'], span.attributes['backup_models.outcome']])).toEqual([
      ['openai', 'gpt-4o-mini', 'failure'],
      ['groq', 'llama-3.1-8b-instant', 'success'],
    ]);
    expect(collector.rawText()).not.toContain(secretKey);
  });

  it("samples as OTEL_TRACES_SAMPLER in the envFile says: at a ratio of 0, only what the caller's traceparent marks sampled is exported", async () => {
    // In the configuration's envFile, as a team keeps its settings: read as the other OTEL_ variables are.
    const directory = mkdtempSync(join(tmpdir(), 'backup-models-sampler-'));
    writeFileSync(join(directory, 'tracing.env'), 'OTEL_TRACES_SAMPLER=parentbased_traceidratio\nOTEL_TRACES_SAMPLER_ARG=0\n');
    writeFileSync(join(directory, 'gateway.yaml'), `${readFileSync(configPath, 'utf8')}envFile: tracing.env\n`);
    const { url, stopped } = await startServe({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url }, join(directory, 'gateway.yaml'));
    const request = { model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user' as const, content: prompt }] };
    // No trace context: the ratio decides, and drops the request, its call and its attempt.
    await clientOf(url).chat.completions.create(request);
    // The caller's trace, sampled: followed, with the router's spans under it.
    await clientOf(url, { traceparent: `00-${callerTraceId}-${callerSpanId}-01` }).chat.completions.create(request);
    // The caller's trace, not sampled: nothing.
    await clientOf(url, { traceparent: `00-${callerTraceId.replace(/^./, 'a')}-${callerSpanId}-00` }).chat.completions.create(request);
    expect((await stopped()).code).toBe(0);
    const spans = collector.spans();
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([callerTraceId]));
    expect(spans.map((span) => span.kind).sort()).toEqual([spanKind.server, spanKind.internal, spanKind.client].sort());
    expect(providers.requests).toHaveLength(3);
  });
});

describe('serve with OTEL_EXPORTER_OTLP_PROTOCOL=grpc', () => {
  it('exports the spans over OTLP/gRPC to the collector\'s address, the headers as metadata', async () => {
    const grpcCollector = await startGrpcTestCollector();
    try {
      const { url, stopped } = await startServe({
        OTEL_EXPORTER_OTLP_ENDPOINT: grpcCollector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=collector-secret%20value',
      });
      await clientOf(url, { traceparent: `00-${callerTraceId}-${callerSpanId}-01` }).chat.completions.create({
        model: 'groq/llama-3.1-8b-instant',
        messages: [{ role: 'user', content: prompt }],
      });
      const { code, stderr } = await stopped();
      expect(code).toBe(0);
      expect(stderr).toContain('"protocol":"grpc"');
      expect(stderr).not.toContain('collector-secret');
      expect(grpcCollector.metadata[0]?.['x-collector-token']).toEqual(['collector-secret value']);
      const spans = grpcCollector.spans();
      expect(spans.map((span) => span.kind).sort()).toEqual([spanKind.server, spanKind.internal, spanKind.client].sort());
      const server = spans.find((span) => span.kind === spanKind.server);
      expect(server).toMatchObject({ traceId: callerTraceId, parentSpanId: callerSpanId, name: 'POST /v1/chat/completions' });
      expect(spans.find((span) => span.kind === spanKind.internal)?.parentSpanId).toBe(server?.spanId);
      expect(grpcCollector.rawText()).not.toContain('purple elephants');
      // Nothing went over OTLP/HTTP.
      expect(collector.bodies).toHaveLength(0);
    } finally {
      await grpcCollector.close();
    }
  });
});

describe('serve asked for an OTLP protocol the specification does not name', () => {
  it('refuses it at start, naming the variable', async () => {
    await expect(startServe({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuff' })).rejects.toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json, grpc/,
    );
    expect(collector.bodies).toHaveLength(0);
  });
});

describe('serve with tracing, reloaded (SIGHUP)', () => {
  it("traces the new router's calls under their requests' spans", async () => {
    const { url, reloaded, stopped } = await startServe({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url });
    const ask = (): Promise<unknown> =>
      clientOf(url).chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: prompt }] });
    await ask();
    await reloaded();
    await ask();
    expect((await stopped()).code).toBe(0);
    const spans = collector.spans();
    const servers = spans.filter((span) => span.kind === spanKind.server);
    expect(servers).toHaveLength(2);
    for (const server of servers) {
      const call = spans.find((span) => span.kind === spanKind.internal && span.parentSpanId === server.spanId);
      expect(call?.traceId).toBe(server.traceId);
      expect(spans.filter((span) => span.kind === spanKind.client && span.parentSpanId === call?.spanId)).toHaveLength(1);
    }
  });
});

describe('serve without an OTLP endpoint', () => {
  const cases: readonly (readonly [string, (collectorUrl: string) => Record<string, string>])[] = [
    ['no OTEL variable', () => ({})],
    ['OTEL_SDK_DISABLED=true', (collectorUrl) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_SDK_DISABLED: 'true' })],
  ];
  for (const [label, envOf] of cases) {
    it(`exports nothing and loads no SDK module (${label})`, async () => {
      const { url, stopped } = await startServe(envOf(collector.url));
      await clientOf(url, { traceparent: `00-${callerTraceId}-${callerSpanId}-01` }).chat.completions.create({
        model: 'groq/llama-3.1-8b-instant',
        messages: [{ role: 'user', content: prompt }],
      });
      expect((await stopped()).code).toBe(0);
      expect(collector.bodies).toHaveLength(0);
      expect(loadedSdkModules()).toEqual([]);
    });
  }
});
