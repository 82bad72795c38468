/**
 * The one way we talk HTTP: a keep-alive undici Pool per origin, created on first use and reused, driven
 * through undici's dispatch API (see cancellable-handler.ts). With an outbound proxy (`proxy`), an origin that
 * `noProxy` does not name goes through its scheme's proxy instead: for an HTTP proxy undici's ProxyAgent, which
 * tunnels to each origin with CONNECT and keeps such pools behind it (one agent a proxy); for a SOCKS5 proxy a pool
 * of the origin's own whose connections are tunnels through it (socks-connector.ts).
 * Every call takes a Cancellation; cancelling ends the request and frees its socket, and the cancellation's
 * reason is rethrown as is. Transport failures become ProviderErrors (`network` or `timeout`; a proxy's refusal,
 * map-transport-error.ts).
 */
import { type Dispatcher, Pool, ProxyAgent } from 'undici';
import type { Cancellation } from '../cancellation.js';
import { ProviderError } from '../errors.js';
import { type BufferedHttpResponse, dispatchBuffered } from './buffered-request.js';
import type { CancellableDispatchOptions, RequestSentListener } from './cancellable-handler.js';
import { dispatchStreamed, type StreamedHttpResponse } from './streamed-request.js';
import type { MapTransportErrorOptions } from './map-transport-error.js';
import { defaultResponseSizeLimit, type ResponseSizeLimit } from './response-size-limit.js';
import { type NoProxyRule, parseNoProxy } from './no-proxy.js';
import { isSocksProxyUrl, type ProxySettings, proxyUrlShown } from './proxy-settings.js';
import { socksConnector, socksProxyOf } from './socks-connector.js';
import type { HttpRequestSpec } from './types.js';

export interface HttpClientOptions {
  /** Limit on opening a connection (TCP and TLS). Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Headers timeout when a call gives none. Default 60 s. */
  readonly headersTimeoutMs?: number;
  /** Body idle timeout when a call gives none. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** How long an unused connection stays open for reuse. Default 30 s (servers may close sooner). */
  readonly keepAliveTimeoutMs?: number;
  /** Connections per origin; unlimited by default. */
  readonly connectionsPerOrigin?: number;
  /** The outbound proxy (`proxySettingsFromEnv`); none by default: every origin is reached directly. */
  readonly proxy?: ProxySettings | undefined;
}

export interface HttpRequestOptions {
  /** Our id of the provider, carried by every error. */
  readonly providerId: string;
  readonly cancellation: Cancellation;
  /** Limit on the wait for the response headers. */
  readonly headersTimeoutMs?: number;
  /** Limit on silence between body bytes once the headers arrived. */
  readonly idleTimeoutMs?: number;
  /**
   * Told once the request leaves for the server (a connection is ready and it is written): from then on a
   * provider may bill it even if it is cancelled. Never told of a request cancelled before, or one whose
   * connection failed.
   */
  readonly sentListener?: RequestSentListener | undefined;
  /**
   * The most bytes of a whole answer held (`request`): past it the request is ended and fails with a `server_error`
   * naming the setting. Default 16 MiB (`maxProviderResponseBytes`). An error body is cut to 64 KiB whatever this is.
   */
  readonly responseSizeLimit?: ResponseSizeLimit;
}

interface RequestTarget {
  readonly origin: string;
  readonly path: string;
}

/** URLs differ per model for Gemini; a bound keeps a misuse from growing the cache without end. */
const maximumCachedTargets = 1_000;

const defaultConnectTimeoutMs = 10_000;
const defaultHeadersTimeoutMs = 60_000;
const defaultIdleTimeoutMs = 60_000;
const defaultKeepAliveTimeoutMs = 30_000;

export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #pools = new Map<string, Pool>();
  /** With a proxy: an agent for each proxy URL, made on first use. */
  readonly #proxyAgents = new Map<string, ProxyAgent>();
  /** With a SOCKS5 proxy: each origin's pool of tunnels through it, made on first use. */
  readonly #socksPools = new Map<string, Pool>();
  /** With a proxy: each origin's dispatcher (its pool, or its proxy's agent), decided once. */
  readonly #dispatcherByOrigin = new Map<string, Dispatcher>();
  readonly #noProxy: NoProxyRule | undefined;
  readonly #targets = new Map<string, RequestTarget>();

  constructor(options: HttpClientOptions = {}) {
    this.#options = options;
    this.#noProxy = options.proxy === undefined ? undefined : parseNoProxy(options.proxy.noProxy);
  }

  /** Sends a request and reads its whole body: for answers that are not streamed. */
  request(spec: HttpRequestSpec, options: HttpRequestOptions): Promise<BufferedHttpResponse> {
    const { cancellation } = options;
    if (cancellation.aborted) return Promise.reject(cancellation.reason);
    return dispatchBuffered(this.#dispatchOptions(spec, options), responseAsIs);
  }

  /**
   * `request`, and what `read` makes of the response, in one promise: `read` runs as the body ends, and what it
   * throws (an error answer's typed error, a body that does not parse) is the rejection. The hot path of a whole
   * answer: a caller that awaited `request` only to read the response paid a promise and an async frame for it.
   * The body is bounded as `request`'s is.
   */
  requestAndRead<T>(spec: HttpRequestSpec, options: HttpRequestOptions, read: (response: BufferedHttpResponse) => T): Promise<T> {
    const { cancellation } = options;
    if (cancellation.aborted) return Promise.reject(cancellation.reason);
    return dispatchBuffered(this.#dispatchOptions(spec, options), read);
  }

  /** Sends a request and resolves at its headers; the body is read as it arrives (a stream of events). */
  stream(spec: HttpRequestSpec, options: HttpRequestOptions): Promise<StreamedHttpResponse> {
    const { cancellation } = options;
    if (cancellation.aborted) return Promise.reject(cancellation.reason);
    return dispatchStreamed(this.#dispatchOptions(spec, options));
  }

  /**
   * The proxy a request to `url` goes through now, its URL without user name or password (what a health output
   * may show), or undefined when it goes direct: no proxy is set, `noProxy` names it, or its scheme has none.
   */
  outboundProxyOf(url: string): string | undefined {
    const proxy = this.#options.proxy;
    if (proxy === undefined || !URL.canParse(url)) return undefined;
    const proxyUrl = this.#proxyUrlFor(new URL(url), proxy);
    return proxyUrl === undefined ? undefined : proxyUrlShown(proxyUrl);
  }

  /**
   * Closes every pool (and each proxy's agent) once its requests finish; requests still open after `graceMs` (a
   * stream nobody reads) are destroyed, so closing always ends. The client can still be used: pools are made again.
   */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    const dispatchers: Dispatcher[] = [...this.#pools.values(), ...this.#proxyAgents.values(), ...this.#socksPools.values()];
    this.#pools.clear();
    this.#proxyAgents.clear();
    this.#socksPools.clear();
    this.#dispatcherByOrigin.clear();
    const graceMs = options.graceMs ?? 1_000;
    await Promise.all(
      dispatchers.map(async (dispatcher) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const destroyLater = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            void dispatcher.destroy().then(resolve, resolve);
          }, graceMs);
        });
        try {
          await Promise.race([dispatcher.close(), destroyLater]);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  /** What a request is dispatched with. Throws a `configuration` ProviderError for a URL that does not parse. */
  #dispatchOptions(spec: HttpRequestSpec, options: HttpRequestOptions): CancellableDispatchOptions {
    const errorOptions = this.#errorOptions(options);
    const target = this.#targetOf(spec.url, options.providerId);
    return {
      dispatcher: this.#options.proxy === undefined ? this.#poolFor(target.origin) : this.#dispatcherFor(target.origin, this.#options.proxy),
      request: {
        origin: target.origin,
        path: target.path,
        method: spec.method,
        headers: spec.headers,
        body: spec.body ?? null,
        headersTimeout: errorOptions.headersTimeoutMs ?? null,
        bodyTimeout: errorOptions.idleTimeoutMs ?? null,
      },
      cancellation: options.cancellation,
      errorOptions,
      sentListener: options.sentListener,
      responseSizeLimit: options.responseSizeLimit ?? defaultResponseSizeLimit,
    };
  }

  #errorOptions(options: HttpRequestOptions): MapTransportErrorOptions {
    return {
      providerId: options.providerId,
      connectTimeoutMs: this.#connectTimeoutMs,
      headersTimeoutMs: options.headersTimeoutMs ?? this.#options.headersTimeoutMs ?? defaultHeadersTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs ?? this.#options.idleTimeoutMs ?? defaultIdleTimeoutMs,
    };
  }

  /** Origin and path of a URL, parsed once: a provider sends to the same few URLs over and over. */
  #targetOf(url: string, providerId: string): RequestTarget {
    let target = this.#targets.get(url);
    if (target === undefined) {
      const parsed = parseUrl(url, providerId);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.#targets.size >= maximumCachedTargets) this.#targets.clear();
      this.#targets.set(url, target);
    }
    return target;
  }

  #poolFor(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, this.#poolOptions());
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * An origin's dispatcher with a proxy set: its own pool when `noProxy` names it or its scheme has no proxy (an
   * https origin takes `httpsProxy`, else `httpProxy`, else `allProxy`; an http one `httpProxy`, else `allProxy`),
   * else its proxy's agent, or its pool of tunnels through a SOCKS5 proxy.
   */
  #dispatcherFor(origin: string, proxy: ProxySettings): Dispatcher {
    let dispatcher = this.#dispatcherByOrigin.get(origin);
    if (dispatcher === undefined) {
      const proxyUrl = this.#proxyUrlFor(new URL(origin), proxy);
      if (proxyUrl === undefined) dispatcher = this.#poolFor(origin);
      else dispatcher = isSocksProxyUrl(proxyUrl) ? this.#socksPoolFor(origin, proxyUrl) : this.#proxyAgentFor(proxyUrl);
      if (this.#dispatcherByOrigin.size >= maximumCachedTargets) this.#dispatcherByOrigin.clear();
      this.#dispatcherByOrigin.set(origin, dispatcher);
    }
    return dispatcher;
  }

  #proxyUrlFor(url: URL, proxy: ProxySettings): string | undefined {
    if (this.#noProxy?.bypasses(url)) return undefined;
    return (url.protocol === 'https:' ? (proxy.httpsProxy ?? proxy.httpProxy) : proxy.httpProxy) ?? proxy.allProxy;
  }

  /** An origin's pool whose every connection is a tunnel through the SOCKS5 proxy at `proxyUrl` (one proxy an origin). */
  #socksPoolFor(origin: string, proxyUrl: string): Pool {
    let pool = this.#socksPools.get(origin);
    if (pool === undefined) {
      const connect = socksConnector(socksProxyOf(proxyUrl), { timeoutMs: this.#connectTimeoutMs });
      pool = new Pool(origin, { ...this.#poolOptions(), connect });
      this.#socksPools.set(origin, pool);
    }
    return pool;
  }

  #proxyAgentFor(proxyUrl: string): ProxyAgent {
    let agent = this.#proxyAgents.get(proxyUrl);
    if (agent === undefined) {
      agent = new ProxyAgent({ ...this.#poolOptions(), uri: proxyUrl });
      this.#proxyAgents.set(proxyUrl, agent);
    }
    return agent;
  }

  /** The limit on opening a connection: TCP and TLS, and through a SOCKS5 proxy its handshake too. */
  get #connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  }

  #poolOptions(): Pool.Options {
    return {
      connect: { timeout: this.#connectTimeoutMs },
      keepAliveTimeout: this.#options.keepAliveTimeoutMs ?? defaultKeepAliveTimeoutMs,
      ...(this.#options.connectionsPerOrigin !== undefined && { connections: this.#options.connectionsPerOrigin }),
    };
  }
}

const responseAsIs = (response: BufferedHttpResponse): BufferedHttpResponse => response;

function parseUrl(url: string, providerId: string): URL {
  try {
    return new URL(url);
  } catch (error) {
    throw new ProviderError({
      provider: providerId,
      reason: 'configuration',
      message: 'the base URL is not a valid URL: check the configuration',
      cause: error,
    });
  }
}
