/**
 * Undici and socket errors in our terms. Connection refused, reset, DNS and TLS failures are `network`;
 * connect, headers and body-idle timeouts are `timeout`. Messages name the failure and its code only: never
 * a URL, a header or a body.
 */
import { ProviderError } from '../errors.js';
import { SocksProxyFailure } from './socks-connector.js';

export interface MapTransportErrorOptions {
  readonly providerId: string;
  /** Limits in force, for the message. */
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
}

const timeoutMessages: Readonly<Record<string, (options: MapTransportErrorOptions) => string>> = {
  UND_ERR_CONNECT_TIMEOUT: (options) => `connecting timed out${after(options.connectTimeoutMs)}`,
  UND_ERR_HEADERS_TIMEOUT: (options) => `no response headers${within(options.headersTimeoutMs)}`,
  UND_ERR_BODY_TIMEOUT: (options) => `the response body went silent${forDuration(options.idleTimeoutMs)}`,
  ETIMEDOUT: () => 'the connection timed out',
};

const networkMessages: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed, try again',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  UND_ERR_CLOSED: 'the HTTP client is closed',
  UND_ERR_DESTROYED: 'the HTTP client was destroyed',
  UND_ERR_ABORTED: 'the request was aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the response body was shorter or longer than its content-length',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'the request body did not match its content-length',
  UND_ERR_HEADERS_OVERFLOW: 'the response headers were too large',
  UND_ERR_INFO: 'the server answered in a way the client cannot use',
};

/**
 * undici's error when an outbound proxy answers its CONNECT with another status than 200 (proxy-agent.js):
 * `Proxy response (407) !== 200 when HTTP Tunneling`, the status its only detail.
 */
const proxyRefusalPattern = /^Proxy response \((\d{3})\) !== 200/;

/** A ProviderError for a transport failure. Not for the caller's abort: check `signal.aborted` first. */
export function mapTransportError(error: unknown, options: MapTransportErrorOptions): ProviderError {
  if (ProviderError.isInstance(error)) return error;
  const proxyStatus = error instanceof Error ? proxyRefusalPattern.exec(error.message)?.[1] : undefined;
  if (proxyStatus !== undefined) return proxyRefusal(Number(proxyStatus), error, options);
  if (error instanceof SocksProxyFailure) return socksFailure(error, options);
  const code = errorCode(error);
  const codeSuffix = code === undefined ? '' : ` (${code})`;
  const timeoutMessage = code === undefined ? undefined : timeoutMessages[code];
  if (timeoutMessage !== undefined) {
    return new ProviderError({
      provider: options.providerId,
      reason: 'timeout',
      message: `${timeoutMessage(options)}${codeSuffix}`,
      cause: error,
    });
  }
  return new ProviderError({
    provider: options.providerId,
    reason: 'network',
    message: `${networkMessage(code, error)}${codeSuffix}`,
    cause: error,
  });
}

/**
 * The outbound proxy would not open a tunnel to the provider. Asking for credentials (407) or forbidding the
 * host (403) is the proxy's configuration, which another provider behind the same proxy may not meet: the call
 * moves on, and the provider's circuit is not touched. Any other status (a 502: the proxy could not reach the
 * provider) is a network failure like any other.
 */
function proxyRefusal(status: number, error: unknown, options: MapTransportErrorOptions): ProviderError {
  const refusedByConfiguration = status === 407 || status === 403;
  const what =
    status === 407
      ? 'the outbound proxy asked for credentials (407): check the user name and password in HTTPS_PROXY or HTTP_PROXY'
      : status === 403
        ? "the outbound proxy forbids the provider's host (403)"
        : `the outbound proxy could not open a tunnel to the provider (${status})`;
  return new ProviderError({ provider: options.providerId, reason: refusedByConfiguration ? 'configuration' : 'network', message: what, cause: error });
}

/**
 * A SOCKS5 proxy would not carry the connection: as with an HTTP proxy, credentials it wants or refuses and a
 * provider its rules forbid are the proxy's configuration (the call moves on, the circuit is left alone); a provider
 * it could not reach, or a proxy that does not speak SOCKS5, a network failure.
 */
function socksFailure(error: SocksProxyFailure, options: MapTransportErrorOptions): ProviderError {
  const what: Record<SocksProxyFailure['kind'], string> = {
    'credentials-wanted': 'the outbound SOCKS proxy asked for credentials: give a user name and password in its URL',
    'credentials-refused': 'the outbound SOCKS proxy refused its credentials: check the user name and password in its URL',
    'not-allowed': "the outbound SOCKS proxy's rules forbid the provider's host",
    unreachable: `the outbound SOCKS proxy could not reach the provider (${error.reply ?? 'refused'})`,
    protocol: 'the outbound SOCKS proxy closed the connection or did not answer in SOCKS5',
  };
  const byConfiguration = error.kind === 'credentials-wanted' || error.kind === 'credentials-refused' || error.kind === 'not-allowed';
  return new ProviderError({ provider: options.providerId, reason: byConfiguration ? 'configuration' : 'network', message: what[error.kind], cause: error });
}

function networkMessage(code: string | undefined, error: unknown): string {
  if (code !== undefined) {
    const known = networkMessages[code];
    if (known !== undefined) return known;
    if (code.startsWith('HPE_')) return 'the server sent a malformed HTTP response';
    if (/CERT|TLS|SSL/.test(code)) return 'the TLS handshake failed';
  }
  const name = error instanceof Error ? error.name : typeof error;
  return `the request failed: ${name}`;
}

/** The system or undici code of an error, looking into `cause` and the first of an AggregateError. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.length > 0) return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0], depth + 1);
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}

const after = (ms: number | undefined): string => (ms === undefined ? '' : ` after ${ms} ms`);
const within = (ms: number | undefined): string => (ms === undefined ? '' : ` within ${ms} ms`);
const forDuration = (ms: number | undefined): string => (ms === undefined ? '' : ` for ${ms} ms`);
