/**
 * A response's headers, read by name when asked. A provider's answer carries twenty to thirty headers (OpenAI's
 * recorded ones: Cloudflare's, rate limits, CORS, cookies) of which a call reads two or three (its request id, the
 * content type, a 429's retry-after); turning them all into an object of strings took about 10 µs a response (undici's
 * `parseHeaders`, or any eager pass: most of it is the object's 30 new keys), a fifth of a whole call's CPU here. So
 * undici's raw list (name, value, name, value... as buffers) is kept as it came, and `get` finds a name in it, its
 * value decoded then. The buffers are views of the socket's first read, which they keep alive as long as the
 * headers are held: a whole answer's for its parsing, a stream's for its life (a few KB, about what the strings
 * would take).
 */
import type { ResponseHeaders } from './types.js';

/** Headers as undici hands them over, each decoded (latin1, as undici decodes them) only when asked for. */
export class RawResponseHeaders implements ResponseHeaders {
  readonly #raw: readonly Buffer[];

  constructor(raw: readonly Buffer[]) {
    this.#raw = raw;
  }

  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    const raw = this.#raw;
    let joined: string | undefined;
    for (let index = 0; index + 1 < raw.length; index += 2) {
      if (!namesMatch(raw[index]!, wanted)) continue;
      const value = raw[index + 1]!.toString('latin1');
      joined = joined === undefined ? value : `${joined}, ${value}`;
    }
    return joined;
  }
}

/** Whether a raw header name is `lowerName` in any case (ASCII letters; a name is a token, ASCII only). */
function namesMatch(rawName: Buffer, lowerName: string): boolean {
  if (rawName.length !== lowerName.length) return false;
  for (let index = 0; index < rawName.length; index += 1) {
    const byte = rawName[index]!;
    const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
    if (lower !== lowerName.charCodeAt(index)) return false;
  }
  return true;
}

/** Headers from a record of names and values: those not read off the wire here (an AI SDK error's, a test's). */
export function responseHeadersFrom(record: Readonly<Record<string, string>>): ResponseHeaders {
  const lowerCased = new Map(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
  return { get: (name) => lowerCased.get(name.toLowerCase()) };
}

/** No headers at all. */
export const noResponseHeaders: ResponseHeaders = responseHeadersFrom({});
