import { describe, expect, it } from 'vitest';
import { responseHeadersFrom } from './response-headers.js';
import { maximumRetryAfterMs, parseDurationTextMs, parseRetryAfterMs } from './retry-after.js';
import { recordedResponseHeaders as recordedHeaders } from '../testing/shared-fixtures.test-support.js';

const nowMs = Date.parse('2026-03-17T13:06:55Z');

describe('parseRetryAfterMs', () => {
  it('reads the seconds of the recorded Groq 429 headers', () => {
    expect(parseRetryAfterMs(recordedHeaders('groq/ratelimit.docs.headers.txt'), nowMs)).toBe(2000);
  });

  it('reads the recorded Anthropic 429 retry-after', () => {
    expect(parseRetryAfterMs(recordedHeaders('anthropic/error-429-rate-limit.headers.txt'), nowMs)).toBe(16_000);
  });

  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after-ms': '1500', 'retry-after': '9' }), nowMs)).toBe(1500);
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': '1.5' }), nowMs)).toBe(1500);
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': new Date(nowMs + 30_000).toUTCString() }), nowMs)).toBe(30_000);
  });

  it('gives undefined for absent, negative and garbage values, and 0 for a date in the past', () => {
    expect(parseRetryAfterMs(responseHeadersFrom({}), nowMs)).toBeUndefined();
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': '-3' }), nowMs)).toBeUndefined();
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': 'soon' }), nowMs)).toBeUndefined();
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': new Date(nowMs - 30_000).toUTCString() }), nowMs)).toBe(0);
  });

  it('caps a huge wait', () => {
    expect(parseRetryAfterMs(responseHeadersFrom({ 'retry-after': '999999' }), nowMs)).toBe(maximumRetryAfterMs);
  });
});

describe('parseDurationTextMs', () => {
  it('reads the waits quoted in the recorded 429 messages', () => {
    expect(parseDurationTextMs('Please try again in 26.604s. Visit https://platform.openai.com')).toBe(26_604);
    expect(parseDurationTextMs('Please try again in 20s.')).toBe(20_000);
    expect(parseDurationTextMs('Please try again in 1.984999999s. Need more tokens?')).toBe(1985);
  });

  it("reads Google's protobuf durations", () => {
    expect(parseDurationTextMs('34.4s')).toBe(34_400);
    expect(parseDurationTextMs('0s')).toBe(0);
  });

  it('reads Go-style compound durations as a whole', () => {
    expect(parseDurationTextMs('2m59.56s')).toBe(179_560);
    expect(parseDurationTextMs('try again in 7m12.5s')).toBe(432_500);
    expect(parseDurationTextMs('1h')).toBe(maximumRetryAfterMs);
    expect(parseDurationTextMs('2ms')).toBe(2);
  });

  it('reads spelled-out units', () => {
    expect(parseDurationTextMs('please try again after 3 seconds')).toBe(3000);
    expect(parseDurationTextMs('wait 250 milliseconds')).toBe(250);
  });

  it('does not take a number glued into a word for a duration', () => {
    expect(parseDurationTextMs('organization org_01kes94v04f9ramd2n1vj4gjnc')).toBeUndefined();
    expect(parseDurationTextMs('Limit 3, Used 3, Requested 1.')).toBeUndefined();
    expect(parseDurationTextMs('')).toBeUndefined();
  });
});
