/**
 * A gateway without keys may listen on loopback only, but any web page the user visits can still reach
 * loopback: through DNS rebinding (a Host of the attacker's own name that resolves to 127.0.0.1) or a
 * cross-site POST that needs no CORS preflight (`text/plain`). Without keys, so, a request must name a
 * loopback Host, carry no foreign Origin, and send JSON as JSON. With keys, a page cannot forge the
 * Authorization header, and none of this is needed.
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './auth.js';
import { GatewayHttpError } from './gateway-http-error.js';

/**
 * Undefined when the request may go on; else the error to answer with. The Host and Origin are checked on
 * every route, public ones included: the dashboard's page and state show every call, and a rebound page
 * read them. `requireJson` is for the routes that take a JSON body (the dashboard's sign-in form does not).
 */
export function checkKeylessRequest(request: IncomingMessage, options: { readonly requireJson: boolean }): GatewayHttpError | undefined {
  const host = request.headers.host;
  if (host === undefined || !isLoopbackHost(hostName(host))) {
    return forbidden('This gateway has no keys, so it answers only requests addressed to a loopback host name.');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && !isLoopbackOrigin(origin)) {
    return forbidden('Cross-origin requests are refused by a gateway without keys: set BACKUP_MODELS_GATEWAY_KEYS.');
  }
  if (options.requireJson && request.method === 'POST' && !isJson(request.headers['content-type'])) {
    return new GatewayHttpError({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Send the body as JSON, with Content-Type: application/json.',
    });
  }
  return undefined;
}

/** `localhost:8787` -> `localhost`; `[::1]:8787` -> `::1`. */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType);
}

function forbidden(message: string): GatewayHttpError {
  return new GatewayHttpError({ status: 403, code: 'forbidden', message });
}
