/**
 * The gateway's node:http server (node:https with `tls`), from start to stop: it hands each request to the
 * dispatcher and answers what a handler throws; it listens where it is told, never beyond loopback without a
 * gateway key; and it stops once, at once or after the requests in flight finish, then releases what the gateway holds.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { assertSafeBinding } from './auth.js';
import type { GatewayConfig } from './gateway-config.js';
import type { GatewayLimits } from './gateway-limits-config.js';
import type { GatewayLogger } from './gateway-logger.js';
import { GatewayAnswer } from './gateway-answer.js';
import type { GatewayTlsMaterial } from './gateway-tls-files.js';
import { newRequestId, sendError } from './http-responses.js';
import type { RequestDispatcher, RequestsInFlight } from './request-dispatcher.js';
import { boundAnswerSending, type SendTimeoutOptions } from './send-timeout.js';

export interface GatewayServerOptions {
  /**
   * The configuration in use: its dispatcher answers each request as it comes, its send timeout bounds a failed
   * handler's answer, and its host, port and keys are where `listen` binds unless told and the keys without which
   * it binds to loopback only.
   */
  readonly serving: () => {
    readonly dispatcher: RequestDispatcher;
    readonly sendTimeout: SendTimeoutOptions;
    readonly config: Pick<GatewayConfig, 'host' | 'port' | 'keys' | 'limits'>;
  };
  readonly logger: GatewayLogger;
  /** Every configuration's answers not yet closed: a drain waits for them, then destroys what is left. */
  readonly requests: RequestsInFlight;
  /** Serve HTTPS with this certificate chain and key (gateway-tls-files.ts); default plain HTTP. */
  readonly tls?: GatewayTlsMaterial | undefined;
}

export interface GatewayServer {
  readonly server: Server;
  listen(options?: { readonly host?: string; readonly port?: number }): Promise<{ readonly url: string; readonly port: number }>;
  /**
   * Stop accepting, let requests in flight finish within `timeoutMs` (0: not at all), then abort the rest.
   * Stops once: a later call gets the first one's promise.
   */
  stop(timeoutMs: number): Promise<void>;
  /** The host `listen` bound to, once it has (the configuration's, or the one it was told). */
  readonly listenedHost: string | undefined;
  /** Made with `tls`: it serves HTTPS. */
  readonly servesHttps: boolean;
  /**
   * Serve the connections made from now on with this certificate chain and key (a certificate renewed); those open
   * keep theirs. Only a server that `servesHttps`: HTTPS is not switched on in place (throws otherwise).
   */
  useTls(material: GatewayTlsMaterial): void;
}

/** The configuration's limits on a client's connection: how long one may stay idle between requests. */
export function applyConnectionLimits(server: Server, limits: Pick<GatewayLimits, 'keepAliveTimeoutMs'>): void {
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}

export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  const { serving, logger, requests } = options;
  const inFlight = requests.responses;

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const { dispatcher, sendTimeout } = serving();
    const answer = new GatewayAnswer(response);
    dispatcher.handle(request, answer).catch((error: unknown) => {
      // A call's own id when it has one (and its dialect's header, and a key's rate-limit headers); else the
      // answer and the log line get one.
      const requestId = (answer.requestId ??= newRequestId());
      logger.error({ errorName: error instanceof Error ? error.name : typeof error, requestId }, 'gateway handler failed');
      sendError(answer, error);
      boundAnswerSending(answer, sendTimeout);
    });
  };
  const httpsServer: HttpsServer | undefined = options.tls === undefined ? undefined : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle);
  const server: Server = httpsServer ?? createServer(handle);
  const scheme = httpsServer === undefined ? 'http' : 'https';
  // A slow-loris client cannot hold a socket: headers within 30 s, the whole request (not the response) within 60 s.
  // (Node counts a request's headers time from its first byte, not from the end of the one before on the
  // connection, so a keep-alive timeout past 30 s does not cut a client that was idle that long.)
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  applyConnectionLimits(server, serving().config.limits);

  let closed: Promise<void> | undefined;
  const stop = (timeoutMs: number): Promise<void> => {
    closed ??= (async () => {
      requests.draining = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0 && timeoutMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          const check = (): void => {
            if (inFlight.size > 0) return;
            clearTimeout(timer);
            resolve();
          };
          for (const response of inFlight.values()) response.once('close', () => setImmediate(check));
        });
      }
      // What is still running after the grace period is cut: the client sees a reset, upstream is aborted.
      for (const response of inFlight.values()) response.destroy();
      server.closeAllConnections();
      await serverClosed;
    })();
    return closed;
  };

  let listenedHost: string | undefined;
  return {
    server,
    get listenedHost() {
      return listenedHost;
    },
    listen: async (listenOptions = {}) => {
      const { config } = serving();
      const host = listenOptions.host ?? config.host;
      const port = listenOptions.port ?? config.port;
      assertSafeBinding({ host, keys: config.keys });
      listenedHost = host;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ url: `${scheme}://${shownHost}:${address.port}`, port: address.port });
        });
      });
    },
    stop,
    servesHttps: httpsServer !== undefined,
    useTls: (material) => {
      if (httpsServer === undefined) throw new Error('This gateway serves plain HTTP: a restart with tls serves HTTPS.');
      httpsServer.setSecureContext({ cert: material.cert, key: material.key });
    },
  };
}
