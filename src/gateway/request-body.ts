/**
 * Read a request body within a byte limit, then parse it as JSON once, refusing what could hurt the
 * process: too large (413), not UTF-8, nested too deep, prototype-polluting keys, not JSON (400).
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { GatewayHttpError, invalidRequest } from './gateway-http-error.js';
import { scanJsonStructure } from './scan-json-structure.js';

function tooLarge(maxBytes: number): GatewayHttpError {
  return new GatewayHttpError({
    status: 413,
    message: `The request body is larger than the limit of ${maxBytes} bytes.`,
    code: 'request_too_large',
  });
}

/** Why a body's bytes could not be taken: the gateway's whole budget is held, or the key's share of it. */
export type BodyBudgetRefusal = 'gateway' | 'holder';

/**
 * The bytes of request bodies the gateway holds at once, across requests: with bodies of up to 32 MiB, a
 * bound on the memory that many large requests at once could take. A body's bytes are taken as they
 * arrive and given back when its call has ended. A holder (a gateway key) may hold at most its share, so
 * one key's uploads left stalled, each held until the request timeout, cannot take all of it from the others.
 */
export class BodyBudget {
  #available: number;
  readonly #holderLimitBytes: number;
  readonly #heldByHolder = new Map<string, number>();

  constructor(
    readonly limitBytes: number,
    options: { readonly holderLimitBytes?: number } = {},
  ) {
    this.#available = limitBytes;
    this.#holderLimitBytes = options.holderLimitBytes ?? limitBytes;
  }

  /** Take `bytes` for `holder` (none: no share applies), or take nothing and answer why not. */
  take(bytes: number, holder?: string): BodyBudgetRefusal | undefined {
    if (bytes > this.#available) return 'gateway';
    if (holder !== undefined) {
      const held = this.#heldByHolder.get(holder) ?? 0;
      if (held + bytes > this.#holderLimitBytes) return 'holder';
      this.#heldByHolder.set(holder, held + bytes);
    }
    this.#available -= bytes;
    return undefined;
  }

  /** Give back what `holder` took. */
  give(bytes: number, holder?: string): void {
    this.#available += bytes;
    if (holder === undefined || bytes === 0) return;
    const held = (this.#heldByHolder.get(holder) ?? 0) - bytes;
    if (held > 0) this.#heldByHolder.set(holder, held);
    else this.#heldByHolder.delete(holder);
  }

  /** Bytes taken now, by `holder` when given. */
  heldBytesOf(holder: string): number {
    return this.#heldByHolder.get(holder) ?? 0;
  }

  /** The most one holder may take at once. */
  get holderLimitBytes(): number {
    return this.#holderLimitBytes;
  }

  /** Bytes taken now. */
  get heldBytes(): number {
    return this.limitBytes - this.#available;
  }
}

function busy(): GatewayHttpError {
  return new GatewayHttpError({
    status: 503,
    type: 'api_error',
    message: 'The gateway holds as many request bodies as its limit allows (limits.maxBodyBytesInFlight); retry shortly.',
    code: 'gateway_busy',
    retryAfterMs: 1000,
  });
}

function keyBusy(): GatewayHttpError {
  return new GatewayHttpError({
    status: 429,
    type: 'rate_limit_error',
    message: "This key's requests being sent hold as many bytes as one key may (limits.maxBodyBytesInFlightPerKey); retry shortly.",
    code: 'too_many_bodies_in_flight',
    retryAfterMs: 1000,
  });
}

/**
 * The whole body, taken from `budget` for `holder` (the caller gives the bytes back when the call ends: `held.bytes`
 * says how many, set once the body is whole) and handed to `decode` as one buffer the moment it ends: what
 * `decode` returns is what the promise resolves with, what it throws what it rejects with, with no turn of the
 * event loop or promise between the body and its decoding. Rejects with a 413 as soon as the body passes
 * `maxBytes`, with a 503 when the budget runs out and a 429 when the holder's share does, without reading the
 * rest; what it had taken it gives back.
 */
export function readRequestBody<Body>(
  request: IncomingMessage,
  options: {
    readonly maxBytes: number;
    readonly budget: BodyBudget;
    readonly holder?: string | undefined;
    readonly held: { bytes: number };
    readonly decode: (bytes: Buffer) => Body;
  },
): Promise<Body> {
  const { maxBytes, budget, holder } = options;
  const declaredLength = request.headers['content-length'];
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise<Body>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    // Once the body has ended or been refused, the listeners have nothing left to do. They are left on a body
    // that ended (the request is done with, and 'close' and 'error' then find it settled), rather than taken
    // off one by one on every request.
    let settled = false;
    const refuse = (error: GatewayHttpError): void => {
      settled = true;
      request.off('data', onData);
      budget.give(receivedBytes, holder);
      // Stop reading: the rest is never buffered. The response closes the connection.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      if (receivedBytes + chunk.length > maxBytes) {
        refuse(tooLarge(maxBytes));
        return;
      }
      const refusal = budget.take(chunk.length, holder);
      if (refusal !== undefined) {
        refuse(refusal === 'holder' ? keyBusy() : busy());
        return;
      }
      receivedBytes += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      options.held.bytes = receivedBytes;
      let body: Body;
      try {
        body = options.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, receivedBytes));
      } catch (error) {
        reject(error);
        return;
      }
      resolve(body);
    };
    const onError = (error: Error): void => {
      if (settled) return;
      settled = true;
      budget.give(receivedBytes, holder);
      reject(error);
    };
    const onClose = (): void => {
      if (settled || request.readableEnded) return;
      settled = true;
      budget.give(receivedBytes, holder);
      reject(new GatewayHttpError({ status: 400, message: 'The client closed the connection while sending.' }));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/** Parse a JSON body once, after a structural pre-scan. Throws a GatewayHttpError (400) for anything unsafe. */
export function parseJsonBody(bytes: Buffer, options: { readonly maxDepth: number }): unknown {
  if (bytes.length === 0) throw invalidRequest('The request body is empty; send a JSON object.', undefined, 'invalid_json');
  if (!isUtf8(bytes)) throw invalidRequest('The request body is not valid UTF-8.', undefined, 'invalid_encoding');
  const problem = scanJsonStructure(bytes, options.maxDepth);
  if (problem?.kind === 'too-deep') {
    throw invalidRequest(`The JSON body is nested deeper than ${problem.maxDepth} levels.`, undefined, 'json_too_deep');
  }
  if (problem?.kind === 'forbidden-key') {
    throw invalidRequest(`The JSON body contains the forbidden key "${problem.key}".`, undefined, 'forbidden_key');
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest('The request body is not valid JSON.', undefined, 'invalid_json');
  }
}
