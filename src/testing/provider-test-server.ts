/**
 * A real HTTP server on 127.0.0.1 that speaks the six providers' wire protocols by replaying their recorded
 * traffic, and breaks requests on demand. Tests, benchmarks and the demo point providers at it instead of the
 * internet (`server.environment()` gives the variables the provider factories read).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import { FixtureStore } from './fixture-store.js';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import type { ProviderBehavior } from './provider-behavior.js';
import { ResponseSession } from './response-session.js';
import { serveBehavior } from './serve-behavior.js';
import { RequestLog, type RecordedRequest, type WaitOptions } from './request-log.js';
import { hasApiKey, matchTestRoute, testProviders, testProviderSpec, type TestRoute } from './test-providers.js';
import { validateBehavior } from './validate-behavior.js';

export interface ProviderTestServerOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default: BACKUP_MODELS_FIXTURES_DIR, else the fixtures shipped with the package, else `shared/fixtures` above. */
  readonly fixturesDirectory?: string;
  /** Times the request log and drives latency, chunk delays and pings. Default: the system clock. */
  readonly clock?: Clock;
  /** Answer requests without a key with the provider's recorded 401 (Gemini: 400 API_KEY_INVALID). Default true. */
  readonly requireApiKey?: boolean;
}

export interface ProviderTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly fixturesDirectory: string;
  /** The base URL a provider's client takes: `${url}/openai/v1`, `${url}/groq/openai/v1`, `${url}/anthropic`, ... */
  baseUrlFor(providerId: string): string;
  /** The key `environment()` hands out: `test-key-<provider>`. Any non-empty key is accepted. */
  apiKeyFor(providerId: string): string;
  /** `<X>_BASE_URL` and `<X>_API_KEY` for each provider (all six by default). */
  environment(providerIds?: readonly string[]): Record<string, string>;
  /** The behaviour of every following request to the provider, once its queue is empty. */
  setBehavior(providerId: string, behavior: ProviderBehavior): void;
  /** One-shot behaviours, used in order before the default. */
  enqueue(providerId: string, ...behaviors: ProviderBehavior[]): void;
  /** Defaults back to success, queues and the request log emptied. Open requests carry on. */
  reset(): void;
  /** Every request seen since the start or the last reset, oldest first; entries update as requests end. */
  readonly requests: readonly RecordedRequest[];
  /** Requests whose response has not closed yet. */
  readonly inFlight: number;
  /**
   * Client connections still open, idle keep-alive ones included: a router closed has none left (its HTTP pool
   * closes them), so a test can tell whether one was closed.
   */
  readonly openConnections: number;
  /** Resolves once `count` requests were seen; rejects after `timeoutMs` (default 5000). */
  waitForRequests(count: number, options?: WaitOptions): Promise<readonly RecordedRequest[]>;
  /** Resolves once `predicate` holds for the log; rejects after `timeoutMs` (default 5000). */
  waitFor(predicate: (requests: readonly RecordedRequest[]) => boolean, options?: WaitOptions): Promise<readonly RecordedRequest[]>;
  /** Resolves with the first request the client abandoned (to the provider, when given). */
  waitForClientAbort(options?: WaitOptions & { readonly provider?: string }): Promise<RecordedRequest>;
  /** Called when a request is seen (its body read) and when it ends. Returns the unsubscribe function. */
  onRequest(listener: (request: RecordedRequest) => void): () => void;
  /** Ends every open request, destroys every socket, clears every timer. */
  close(): Promise<void>;
}

const success: ProviderBehavior = { kind: 'success' };

export async function startProviderTestServer(options: ProviderTestServerOptions = {}): Promise<ProviderTestServer> {
  const clock = options.clock ?? systemClock;
  const requireApiKey = options.requireApiKey ?? true;
  const store = new FixtureStore(resolveFixturesDirectory({ fixturesDirectory: options.fixturesDirectory }));
  const log = new RequestLog(clock);
  const defaults = new Map<string, ProviderBehavior>();
  const queues = new Map<string, ProviderBehavior[]>();
  const sessions = new Set<ResponseSession>();
  const sockets = new Set<Socket>();

  const nextBehavior = (providerId: string): ProviderBehavior =>
    queues.get(providerId)?.shift() ?? defaults.get(providerId) ?? success;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const route = matchTestRoute(method, url.pathname);
    const bodyText = await readBody(request);
    if (bodyText === undefined) return; // the client went away while sending
    const body = parseJson(bodyText);
    const headers = lowerCaseHeaders(request);
    const keyInUrl = url.searchParams.has('key');
    const stream = route.kind === 'chat' && (route.streamPath || isStreamFlagSet(body));
    const record = log.add({
      provider: route.provider?.id ?? 'unknown',
      route: route.kind,
      method,
      path: url.pathname,
      query: url.search,
      keyInUrl,
      headers,
      body,
      stream,
    });
    const session = new ResponseSession({
      response,
      clock,
      onStatus: (status) => log.update(record, { status }),
      onClose: (outcome) => {
        sessions.delete(session);
        log.finish(record, outcome);
      },
    });
    sessions.add(session);
    try {
      await respond({ route, session, record, headers, keyInUrl, stream });
    } catch (error) {
      // A behaviour that cannot be served (such as `text` on a recording without text): say so loudly.
      const message = error instanceof Error ? error.message : String(error);
      log.update(record, { serverError: message });
      if (!response.headersSent && !session.isClosed) {
        const errorBody = JSON.stringify({ error: { message: `provider test server: ${message}`, type: 'test_server_error' } });
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(errorBody);
      } else {
        session.destroySocket({ reset: false });
      }
    }
  };

  const respond = async (context: {
    readonly route: TestRoute;
    readonly session: ResponseSession;
    readonly record: RecordedRequest;
    readonly headers: Readonly<Record<string, string>>;
    readonly keyInUrl: boolean;
    readonly stream: boolean;
  }): Promise<void> => {
    const { route, session, record } = context;
    if (route.kind === 'unknown') {
      const body = JSON.stringify({ error: { message: `no route for ${record.method} ${record.path}`, type: 'not_found' } });
      session.writeHead({ status: 404, headers: [['content-type', 'application/json']], contentLength: Buffer.byteLength(body) });
      session.end({ chunk: body });
      return;
    }
    const { provider } = route;
    const serveContext = { session, store, provider, route: route.kind, stream: context.stream };
    if (requireApiKey && !hasApiKey({ protocol: provider.protocol, headers: context.headers, keyInUrl: context.keyInUrl })) {
      const fixture = context.stream ? provider.defaultFixtures.unauthorizedStream : provider.defaultFixtures.unauthorized;
      return serveBehavior(serveContext, { kind: 'error', fixture });
    }
    const behavior = nextBehavior(provider.id);
    log.update(record, { behavior: behavior.kind });
    return serveBehavior(serveContext, behavior);
  };

  const httpServer = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' }, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;

  const server: ProviderTestServer = {
    url,
    port: address.port,
    fixturesDirectory: store.directory,
    baseUrlFor: (providerId) => `${url}${testProviderSpec(providerId).basePath}`,
    apiKeyFor: (providerId) => `test-key-${testProviderSpec(providerId).id}`,
    environment: (providerIds = testProviders.map((provider) => provider.id)) => {
      const variables: Record<string, string> = {};
      for (const providerId of providerIds) {
        const { definition } = testProviderSpec(providerId);
        if (definition.baseUrlEnv) variables[definition.baseUrlEnv] = server.baseUrlFor(providerId);
        variables[definition.apiKeyEnv] = server.apiKeyFor(providerId);
      }
      return variables;
    },
    setBehavior: (providerId, behavior) => {
      const provider = testProviderSpec(providerId);
      validateBehavior({ store, provider, behavior });
      defaults.set(provider.id, behavior);
    },
    enqueue: (providerId, ...behaviors) => {
      const provider = testProviderSpec(providerId);
      for (const behavior of behaviors) validateBehavior({ store, provider, behavior });
      const queue = queues.get(provider.id) ?? [];
      queue.push(...behaviors);
      queues.set(provider.id, queue);
    },
    reset: () => {
      defaults.clear();
      queues.clear();
      log.clear();
    },
    get requests() {
      return log.entries();
    },
    get openConnections() {
      return sockets.size;
    },
    get inFlight() {
      return sessions.size;
    },
    waitForRequests: (count, waitOptions) => log.waitFor((entries) => entries.length >= count, waitOptions),
    waitFor: (predicate, waitOptions) => log.waitFor(predicate, waitOptions),
    waitForClientAbort: async (waitOptions = {}) => {
      const matches = (entry: RecordedRequest): boolean =>
        entry.outcome === 'client-aborted' && (waitOptions.provider === undefined || entry.provider === waitOptions.provider);
      const entries = await log.waitFor((all) => all.some(matches), waitOptions);
      return entries.find(matches) as RecordedRequest;
    },
    onRequest: (listener) => log.subscribe(listener),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const session of [...sessions]) session.cancel();
        for (const socket of sockets) socket.destroy();
        httpServer.close(() => {
          log.close();
          resolve();
        });
      });
      return closing;
    },
  };
  return server;
}

/** The request body as text, or undefined when the client went away before sending all of it. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of request) chunks.push(chunk as Buffer);
  } catch {
    return undefined;
  }
  return request.complete ? Buffer.concat(chunks).toString('utf8') : undefined;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isStreamFlagSet(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true;
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
