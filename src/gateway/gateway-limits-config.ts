/**
 * `limits` in the gateway's configuration: the sizes and times that bound what one request, one key or one
 * client address may hold of the gateway. Each is optional, its default below; a setting in `Ms` takes whole
 * milliseconds up to 2^31 - 1 (the most a timer holds), any other a positive integer.
 */
import { routerDefaults } from '../routing/router-defaults.js';
import { objectAt, positiveInteger, timerMilliseconds } from './config-fields.js';

export interface GatewayLimits {
  /**
   * Default 32 MiB, Anthropic's own limit: stateless APIs resend the whole conversation every turn, images
   * included, and a long agent session passes 1 MiB. Each request's body is held in memory while it is read.
   */
  readonly maxBodyBytes: number;
  /** Objects and arrays nested deeper than this are refused. Default 64. */
  readonly maxJsonDepth: number;
  /** A stream is ended after this long. Default 10 minutes. */
  readonly maxStreamDurationMs: number;
  /**
   * An answer written whole that its client has not taken (the kernel not handed all of it) this long after:
   * its connection is closed, so a client that never reads a large answer cannot hold it. Default 30 s.
   */
  readonly sendTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take to finish. Default 30 s. */
  readonly drainTimeoutMs: number;
  /** A stream silent this long after its headers gets a keep-alive ping. Default 15 s. */
  readonly streamKeepAliveMs: number;
  /**
   * A client's connection left idle between requests this long is closed (Node's `keepAliveTimeout`, told to the
   * client in `Keep-Alive: timeout=`). Default 65 s, longer than the 60 s a load balancer (AWS's, nginx's
   * `keepalive_timeout` is 75) keeps an idle connection to it: with Node's own 5 s, a balancer reusing a connection
   * the gateway had just closed answers its client a 502.
   */
  readonly keepAliveTimeoutMs: number;
  /** Bytes of request bodies held at once, across requests; a request past it gets a 503 with Retry-After. Default 256 MiB. */
  readonly maxBodyBytesInFlight: number;
  /**
   * Of those, the bytes one gateway key's requests may hold at once, so that one key's uploads (left stalled
   * until the request timeout) cannot hold them all; a request past it gets a 429 with Retry-After. At least
   * `maxBodyBytes`. Default 64 MiB, two bodies of the largest size.
   */
  readonly maxBodyBytesInFlightPerKey: number;
  /**
   * Failed key attempts (a missing or unknown key where the gateway has keys, a wrong key at the dashboard)
   * one client address (an IPv6 one by its /64) may make within `failedKeyAttemptWindowMs`; past them, its
   * key attempts get a 429 with Retry-After until the window ends, without the key being compared. A valid
   * key counts for nothing. Default 20.
   */
  readonly maxFailedKeyAttempts: number;
  /** The window of `maxFailedKeyAttempts`, from an address's first failure. Default one minute. */
  readonly failedKeyAttemptWindowMs: number;
  /** Client addresses whose failed attempts are tracked at once; past it, the one tracked longest is forgotten. Default 10,000. */
  readonly maxFailedKeyAttemptAddresses: number;
  /**
   * The bytes of a provider's whole answer held, and of one line or event of its stream (the router's option of the
   * same name): past it the upstream request is ended and the call fails over, the provider charged with a server
   * error. Default 16 MiB.
   */
  readonly maxProviderResponseBytes: number;
  /** The same for an embeddings answer to 2,048 texts, one to fewer held to its share (the router's option). Default 256 MiB. */
  readonly maxProviderEmbeddingResponseBytes: number;
}

export const defaultGatewayLimits: GatewayLimits = {
  maxBodyBytes: 32 * 1024 * 1024,
  maxJsonDepth: 64,
  maxStreamDurationMs: 10 * 60_000,
  sendTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
  streamKeepAliveMs: 15_000,
  keepAliveTimeoutMs: 65_000,
  maxBodyBytesInFlight: 256 * 1024 * 1024,
  maxBodyBytesInFlightPerKey: 64 * 1024 * 1024,
  maxFailedKeyAttempts: 20,
  failedKeyAttemptWindowMs: 60_000,
  maxFailedKeyAttemptAddresses: 10_000,
  maxProviderResponseBytes: routerDefaults.maxProviderResponseBytes,
  maxProviderEmbeddingResponseBytes: routerDefaults.maxProviderEmbeddingResponseBytes,
};

/** `limits` from the configuration file (absent: every default). */
export function gatewayLimitsOf(value: unknown): GatewayLimits {
  const limitsObject = objectAt(value ?? {}, 'limits', Object.keys(defaultGatewayLimits));
  const limits = { ...defaultGatewayLimits };
  for (const name of Object.keys(defaultGatewayLimits) as (keyof GatewayLimits)[]) {
    if (limitsObject[name] === undefined) continue;
    const path = `limits.${name}`;
    limits[name] = name.endsWith('Ms') ? timerMilliseconds(limitsObject[name], path) : positiveInteger(limitsObject[name], path);
  }
  return limits;
}
