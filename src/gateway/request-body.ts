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

/**
 * The bytes of request bodies the gateway holds at once, across requests: with bodies of up to 32 MiB, a
 * bound on the memory that many large requests at once could take. A body's bytes are taken as they
 * arrive and given back when its call has ended.
 */
export class BodyBudget {
  #available: number;

  constructor(readonly limitBytes: number) {
    this.#available = limitBytes;
  }

  /** Take `bytes`, or take nothing and answer false when they are not available. */
  take(bytes: number): boolean {
    if (bytes > this.#available) return false;
    this.#available -= bytes;
    return true;
  }

  give(bytes: number): void {
    this.#available += bytes;
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

/**
 * The whole body as one buffer, its bytes taken from `budget` (the caller gives them back when the call
 * ends). Rejects with a 413 as soon as it passes `maxBytes`, and with a 503 when the budget runs out,
 * without reading the rest; what it had taken it gives back.
 */
export function readRequestBody(
  request: IncomingMessage,
  options: { readonly maxBytes: number; readonly budget: BodyBudget },
): Promise<Buffer> {
  const { maxBytes, budget } = options;
  const declaredLength = request.headers['content-length'];
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const refuse = (error: GatewayHttpError): void => {
      cleanup();
      budget.give(receivedBytes);
      // Stop reading: the rest is never buffered. The response closes the connection.
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (receivedBytes + chunk.length > maxBytes) {
        refuse(tooLarge(maxBytes));
        return;
      }
      if (!budget.take(chunk.length)) {
        refuse(busy());
        return;
      }
      receivedBytes += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, receivedBytes));
    };
    const onError = (error: Error): void => {
      cleanup();
      budget.give(receivedBytes);
      reject(error);
    };
    const onClose = (): void => {
      if (request.readableEnded) return;
      cleanup();
      budget.give(receivedBytes);
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
