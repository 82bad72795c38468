/** The gateway's routes: exact `METHOD path` lookups in a map, then prefix routes (the dashboard's assets) in order. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayCaller } from './auth.js';
import type { GatewayAnswer } from './gateway-answer.js';
import type { GatewayDialect } from './gateway-dialect.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';

/** A route added beside the built-in ones (the dashboard's page, its assets and its event stream). */
export interface GatewayRoute {
  readonly method: HttpMethod;
  /** `/` or `/dashboard/app.js`; with `prefix`, every path that starts with it. */
  readonly path: string;
  readonly prefix?: boolean;
  /**
   * Served without a gateway key. Default false: behind the key whenever keys are set. A gateway without keys
   * still refuses it a foreign Host or Origin (DNS rebinding), as every route.
   */
  readonly public?: boolean;
  /**
   * An operator endpoint: it shows what covers every key (metrics, health), so only an admin key may read it;
   * any other valid key gets a 403. Default false. Open to all when the gateway has no keys (loopback only).
   */
  readonly admin?: boolean;
  /** Name in the request metrics. Default the path. */
  readonly metricsName?: string;
  /**
   * The shape of the errors the gateway answers on this route before its handler runs (401, 403, 415), and
   * the header besides `x-request-id` that names them. Default OpenAI's.
   */
  readonly errorDialect?: Pick<GatewayDialect, 'errorBody' | 'requestIdHeader'>;
  readonly handle: (request: IncomingMessage, response: ServerResponse, context: GatewayRouteContext) => void | Promise<void>;
}

/** What the gateway knows of a request before its route's handler runs, worked out once per request. */
export interface GatewayRouteContext {
  readonly caller: GatewayCaller;
  /**
   * The client's address: the socket's peer, or the client a trusted proxy names in X-Forwarded-For or
   * Forwarded (`trustedProxies` or `trustedProxyHops`, `clientAddressHeader`); undefined when the socket has none any more.
   */
  readonly clientAddress: string | undefined;
  /**
   * The request's answer, apart from the response's headers: the id it carries once named (`answer.name`) and a
   * key's rate-limit headers, which every answer to the request, the server's last-resort one included, carries.
   */
  readonly answer: GatewayAnswer;
}

/** A request's route as the request metrics name it: its `metricsName`, else its path; `unknown` without a route. */
export function routeLabelOf(route: GatewayRoute | undefined): string {
  return route?.metricsName ?? (route ? route.path : 'unknown');
}

export class RouteTable {
  /** By path, then method: a lookup makes no `METHOD path` string per request. */
  readonly #exact = new Map<string, Map<string, GatewayRoute>>();
  readonly #prefixes: GatewayRoute[] = [];
  readonly #paths = new Set<string>();

  add(route: GatewayRoute): void {
    if (route.public && route.admin) throw new Error(`A gateway route cannot be both public and for admin keys: ${route.method} ${route.path}.`);
    if (route.prefix) this.#prefixes.push(route);
    else {
      let byMethod = this.#exact.get(route.path);
      if (byMethod === undefined) this.#exact.set(route.path, (byMethod = new Map()));
      if (byMethod.has(route.method)) throw new Error(`A gateway route ${route.method} ${route.path} is already registered.`);
      byMethod.set(route.method, route);
    }
    this.#paths.add(route.path);
  }

  find(method: string, path: string): GatewayRoute | undefined {
    const exact = this.#exact.get(path)?.get(method);
    if (exact) return exact;
    for (const route of this.#prefixes) if (route.method === method && path.startsWith(route.path)) return route;
    return undefined;
  }

  /** Some route serves this path, with another method (a 405 rather than a 404). */
  hasPath(path: string): boolean {
    return this.#paths.has(path);
  }
}
