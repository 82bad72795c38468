import type { ResponseHeaders } from './types.js';

/** Never wait longer than this on a provider's word; a huge value is a bug or an outage, not a plan. */
export const maximumRetryAfterMs = 10 * 60 * 1000;

/**
 * The wait a response asks for, in milliseconds, from `retry-after-ms`, then `retry-after` in seconds or
 * as an HTTP date. Negative, garbage and absent values give undefined; huge ones are capped.
 */
export function parseRetryAfterMs(headers: ResponseHeaders, nowMs: number): number | undefined {
  const milliseconds = headers['retry-after-ms'];
  if (milliseconds !== undefined) {
    const parsed = parseNonNegativeNumber(milliseconds);
    if (parsed !== undefined) return Math.min(parsed, maximumRetryAfterMs);
  }
  const retryAfter = headers['retry-after'];
  if (retryAfter === undefined) return undefined;
  const seconds = parseNonNegativeNumber(retryAfter);
  if (seconds !== undefined) return Math.min(seconds * 1000, maximumRetryAfterMs);
  if (!/[a-z]/i.test(retryAfter)) return undefined;
  const dateMs = Date.parse(retryAfter);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.min(Math.max(0, dateMs - nowMs), maximumRetryAfterMs);
}

/** A duration like Google's `"34.4s"` (protobuf Duration in JSON) or OpenAI's "try again in 1.98s" text. */
export function parseDurationTextMs(text: string): number | undefined {
  const match = /(\d+(?:\.\d+)?)\s*(ms|s)\b/.exec(text);
  if (!match || match[1] === undefined) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value) || value < 0) return undefined;
  const ms = match[2] === 'ms' ? value : value * 1000;
  return Math.min(Math.round(ms), maximumRetryAfterMs);
}

function parseNonNegativeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}
