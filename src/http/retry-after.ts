import type { ResponseHeaders } from './types.js';

/** Never wait longer than this on a provider's word; a huge value is a bug or an outage, not a plan. */
export const maximumRetryAfterMs = 10 * 60 * 1000;

/**
 * The provider's own advice on asking again (`x-should-retry: true|false`, sent by OpenAI and Anthropic);
 * undefined for no advice or any other value.
 */
export function readRetryAdvice(headers: ResponseHeaders): boolean | undefined {
  const advice = headers.get('x-should-retry');
  return advice === 'true' ? true : advice === 'false' ? false : undefined;
}

/**
 * The wait a response asks for, in milliseconds, from `retry-after-ms`, then `retry-after` in seconds or
 * as an HTTP date. Negative, garbage and absent values give undefined; huge ones are capped.
 */
export function parseRetryAfterMs(headers: ResponseHeaders, nowMs: number): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== undefined) {
    const parsed = parseNonNegativeNumber(milliseconds);
    if (parsed !== undefined) return Math.min(parsed, maximumRetryAfterMs);
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === undefined) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.min(seconds * 1000, maximumRetryAfterMs);
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const dateMs = Date.parse(retryAfter);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.min(Math.max(0, dateMs - nowMs), maximumRetryAfterMs);
}

/**
 * The first duration in `text`, in milliseconds: Google's `"34.4s"` (protobuf Duration in JSON), OpenAI's and
 * Groq's "try again in 1.98s" or Go-style "7m12.5s" / "1h2m", "500ms", and Moonshot's "after 3 seconds".
 * Capped like a Retry-After header; undefined when there is none.
 */
export function parseDurationTextMs(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  let ms: number;
  if (match[1] !== undefined && match[2] !== undefined) {
    ms = Number(match[1]) * unitMs(match[2]);
  } else if (match[3] !== undefined) {
    ms = 0;
    for (const piece of match[3].matchAll(compactPiecePattern)) {
      ms += Number(piece[1]) * unitMs(piece[2] ?? 's');
    }
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(Math.round(ms), maximumRetryAfterMs);
}

/** A number and a unit (`1.98s`, `20 seconds`), or a compact Go duration (`2m59.56s`). */
const durationPattern =
  /\b(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|minutes?|hours?)\b|\b((?:\d+(?:\.\d+)?(?:h|ms|m|s))+)\b/i;
const compactPiecePattern = /(\d+(?:\.\d+)?)(h|ms|m|s)/gi;

function unitMs(unit: string): number {
  const lower = unit.toLowerCase();
  if (lower === 'ms' || lower.startsWith('milli')) return 1;
  if (lower === 'm' || lower.startsWith('min')) return 60_000;
  if (lower === 'h' || lower.startsWith('hour')) return 3_600_000;
  return 1000;
}

function parseNonNegativeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}
