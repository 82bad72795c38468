import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import { parseRecordedHeaders, withHeaders } from './recorded-headers.js';

const fixturesDirectory = resolveFixturesDirectory();
const read = (name: string): string => readFileSync(join(fixturesDirectory, name), 'utf8');

describe('parseRecordedHeaders', () => {
  it('reads the status line and keeps every header but the framing ones, in recorded order and case', () => {
    const head = parseRecordedHeaders(read('openai/chat-completion.headers.txt'));
    expect(head.status).toBe(200);
    expect(head.statusMessage).toBe('OK');
    const names = head.headers.map(([name]) => name);
    expect(names[0]).toBe('CF-RAY');
    expect(names).not.toContain('Connection');
    expect(names).not.toContain('Transfer-Encoding');
    expect(names.filter((name) => name === 'Set-Cookie')).toHaveLength(2);
    expect(head.headers).toContainEqual(['x-request-id', 'req_5f6372db5713441eb3ba1cc481aeb0fe']);
  });

  it('reads a status without a reason phrase (Anthropic 529) and drops the recorded content-length', () => {
    const head = parseRecordedHeaders(read('anthropic/error-529-overloaded.headers.txt'));
    expect(head.status).toBe(529);
    expect(head.statusMessage).toBeUndefined();
    expect(head.headers.map(([name]) => name)).not.toContain('content-length');
    expect(head.headers).toContainEqual(['x-should-retry', 'true']);
  });

  it('keeps repeated headers as separate values (Gemini Vary)', () => {
    const head = parseRecordedHeaders(read('gemini/streamGenerateContent-sse.headers.txt'));
    expect(head.headers.filter(([name]) => name === 'Vary').map(([, value]) => value)).toEqual(['Origin', 'X-Origin', 'Referer']);
  });

  it('refuses text without a status line', () => {
    expect(() => parseRecordedHeaders('content-type: application/json\n')).toThrow(/status line/);
  });
});

describe('withHeaders', () => {
  it('replaces a header whatever its case and appends new ones', () => {
    const headers = withHeaders([['Retry-After', '16'], ['x-a', '1']], { 'retry-after': '2', 'x-b': '3' });
    expect(headers).toEqual([['x-a', '1'], ['retry-after', '2'], ['x-b', '3']]);
  });
});
