/**
 * Connections to an origin through a SOCKS5 proxy, as an undici pool's `connect`: the `socks` package speaks the
 * protocol (RFC 1928, with RFC 1929's user name and password when the proxy's URL carries them), then TLS to the
 * provider starts inside the tunnel for an https origin, so the proxy sees bytes it cannot read. `socks5h://` hands
 * the proxy the provider's host name to resolve; `socks5://` resolves it here and hands over the address, as curl
 * reads the two schemes. The whole of it (the proxy's connection, its handshake, TLS) is bounded by the pool's connect
 * timeout.
 *
 * What goes wrong comes back as a `SocksProxyFailure` (its kind, no URL, no credential), which the transport's
 * error mapping (map-transport-error.ts) turns into the provider's failure.
 */
import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { SocksClient, type SocksClientOptions } from 'socks';
import { type buildConnector, errors as undiciErrors } from 'undici';

/** What went wrong on the way through a SOCKS5 proxy. */
export type SocksFailureKind =
  /** The proxy asked for credentials that were not given, or for a way of giving them that SOCKS5 clients seldom speak. */
  | 'credentials-wanted'
  /** The proxy refused the user name and password. */
  | 'credentials-refused'
  /** The proxy's rules do not let this client reach the provider (its reply 0x02). */
  | 'not-allowed'
  /** The proxy could not reach the provider (its reply: host or network unreachable, connection refused, a failure). */
  | 'unreachable'
  /** The proxy answered what is not SOCKS5, or closed the connection amid the handshake. */
  | 'protocol';

/** A failure on the way through a SOCKS5 proxy: its kind and, for a refusal, the proxy's reply. Never its URL. */
export class SocksProxyFailure extends Error {
  override readonly name = 'SocksProxyFailure';
  readonly kind: SocksFailureKind;
  /** The proxy's reply in words (`host unreachable`), when it replied with a refusal. */
  readonly reply: string | undefined;

  constructor(kind: SocksFailureKind, message: string, reply?: string) {
    super(message);
    this.kind = kind;
    this.reply = reply;
  }
}

/** A SOCKS5 proxy, from its URL (`parseProxyUrl`'s, with its port). */
export interface SocksProxy {
  readonly host: string;
  readonly port: number;
  readonly userId?: string | undefined;
  readonly password?: string | undefined;
  /** `socks5h://`: the proxy resolves the provider's host name. */
  readonly resolvesNames: boolean;
}

export function socksProxyOf(proxyUrl: string): SocksProxy {
  const url = new URL(proxyUrl);
  const host = withoutBrackets(url.hostname);
  const credentials = url.username === '' ? {} : { userId: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  return { host, port: Number(url.port), ...credentials, resolvesNames: url.protocol === 'socks5h:' };
}

/** An IPv6 host as a socket takes it: a URL's hostname keeps it in brackets (`[::1]`), undici's origin too. */
function withoutBrackets(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** The SOCKS5 replies (RFC 1928, 6) in words, by the name the `socks` package gives each. */
const replyWords: Readonly<Record<string, string>> = {
  Failure: 'general failure',
  NotAllowed: 'not allowed by its rules',
  NetworkUnreachable: 'network unreachable',
  HostUnreachable: 'host unreachable',
  ConnectionRefused: 'connection refused',
  TTLExpired: 'TTL expired',
  CommandNotSupported: 'command not supported',
  AddressNotSupported: 'address type not supported',
};

/** TCP keep-alive's first probe after this much silence, as undici's connector has it. */
const keepAliveInitialDelayMs = 60_000;

/**
 * The pool's `connect` for an origin reached through `proxy`: each connection a tunnel of its own, within
 * `timeoutMs` from its start to the TLS handshake's end.
 */
export function socksConnector(proxy: SocksProxy, options: { readonly timeoutMs: number }): buildConnector.connector {
  return (target, callback) => {
    let settled = false;
    let socket: Socket | undefined;
    const finish = (error: Error | null, connected?: Socket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== null) {
        socket?.destroy();
        callback(error, null);
      } else {
        callback(null, connected!);
      }
    };
    const timer = setTimeout(() => finish(new undiciErrors.ConnectTimeoutError()), options.timeoutMs);
    const https = target.protocol === 'https:';
    const port = Number(target.port) || (https ? 443 : 80);
    tunnel(proxy, target.hostname, port, options.timeoutMs).then(
      (tunnelled) => {
        socket = tunnelled;
        if (settled) {
          tunnelled.destroy();
          return;
        }
        // What undici's own connector sets on a socket: requests go out at once, and a dead peer is found.
        tunnelled.setNoDelay(true);
        tunnelled.setKeepAlive(true, keepAliveInitialDelayMs);
        if (!https) {
          finish(null, tunnelled);
          return;
        }
        const servername = target.servername ?? (isIP(target.hostname) === 0 ? target.hostname : undefined);
        const secure = connectTls({ socket: tunnelled, ...(servername !== undefined && { servername }), ALPNProtocols: ['http/1.1'] });
        socket = secure;
        secure.once('secureConnect', () => finish(null, secure));
        secure.once('error', (error) => finish(error));
      },
      (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

/** A socket to `host:port` through the proxy, its handshake done; rejects with a SocksProxyFailure or the socket's error. */
async function tunnel(proxy: SocksProxy, host: string, port: number, timeoutMs: number): Promise<Socket> {
  // A name resolved here (`socks5://`); an address, or a name the proxy resolves (`socks5h://`), goes as it is.
  const unbracketed = withoutBrackets(host);
  const destinationHost = proxy.resolvesNames || isIP(unbracketed) !== 0 ? unbracketed : (await lookup(unbracketed)).address;
  const socksOptions: SocksClientOptions = {
    proxy: { host: proxy.host, port: proxy.port, type: 5, ...(proxy.userId !== undefined && { userId: proxy.userId, password: proxy.password ?? '' }) },
    command: 'connect',
    destination: { host: destinationHost, port },
    timeout: timeoutMs,
  };
  try {
    const { socket } = await SocksClient.createConnection(socksOptions);
    return socket;
  } catch (error) {
    throw socksFailureOf(error);
  }
}

/**
 * The `socks` package's error in our terms. Its errors carry the options they were made with, the proxy's password
 * among them: none is passed on, only the kind of failure. A socket's error (the proxy refusing the connection) comes
 * as its message alone (`connect ECONNREFUSED <address>`): its code is kept, the address is not.
 */
function socksFailureOf(error: unknown): Error {
  const message = error instanceof Error ? error.message : '';
  const socketCode = /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
  if (socketCode !== undefined) return Object.assign(new Error(`the connection to the SOCKS proxy failed (${socketCode})`), { code: socketCode });
  if (message === 'Proxy connection timed out') return new undiciErrors.ConnectTimeoutError();
  if (message === 'Socks5 Authentication failed') return new SocksProxyFailure('credentials-refused', 'the SOCKS proxy refused the credentials');
  if (/no accepted authentication type|unknown authentication type/.test(message)) {
    return new SocksProxyFailure('credentials-wanted', 'the SOCKS proxy asked for credentials it was not given');
  }
  const reply = /^Socks5 proxy rejected connection - (\w+)$/.exec(message)?.[1];
  if (reply !== undefined) {
    const words = replyWords[reply] ?? 'refused';
    return new SocksProxyFailure(reply === 'NotAllowed' ? 'not-allowed' : 'unreachable', `the SOCKS proxy refused the connection (${words})`, words);
  }
  return new SocksProxyFailure('protocol', 'the SOCKS proxy closed the connection or answered what is not SOCKS5');
}
