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

/** The whole body as one buffer; rejects with a 413 as soon as it passes `maxBytes`, without reading the rest. */
export function readRequestBody(request: IncomingMessage, options: { readonly maxBytes: number }): Promise<Buffer> {
  const { maxBytes } = options;
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
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length;
      if (receivedBytes > maxBytes) {
        cleanup();
        // Stop reading: the rest is never buffered. The response closes the connection.
        request.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, receivedBytes));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      if (request.readableEnded) return;
      cleanup();
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
