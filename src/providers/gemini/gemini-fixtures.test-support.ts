/**
 * Test support: reads the recorded Gemini traffic in the shared fixtures folder (request files are not
 * vendored into src/testing/fixtures). Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { sharedFixturesDirectory } from '../../testing/shared-fixtures.test-support.js';
import { SseParser } from '../../http/sse-parser.js';
import type { ResponseHeaders, SseEvent } from '../../http/types.js';

const fixturesDirectory = `${sharedFixturesDirectory()}/gemini`;

export function readFixtureText(name: string): string {
  return readFileSync(`${fixturesDirectory}/${name}`, 'utf8');
}

export function readFixtureJson(name: string): unknown {
  return JSON.parse(readFixtureText(name)) as unknown;
}

/** A `*.headers.txt` file as response headers: lower-case names, repeated headers joined with ", ". */
export function readFixtureResponseHeaders(name: string): { statusCode: number; headers: ResponseHeaders } {
  const [statusLine = '', ...lines] = readFixtureText(name).split(/\r?\n/);
  return { statusCode: Number(statusLine.split(' ')[1]), headers: parseHeaderLines(lines) };
}

/** A `*.request-headers.txt` file: the method and URL of its first line, then the headers. */
export function readFixtureRequestHeaders(name: string): { method: string; url: string; headers: ResponseHeaders } {
  const [requestLine = '', ...lines] = readFixtureText(name).split(/\r?\n/);
  const [method = '', url = ''] = requestLine.split(' ');
  return { method, url, headers: parseHeaderLines(lines) };
}

/** The events of a recorded `.sse` body, framed by the real SSE parser. */
export function readFixtureSseEvents(name: string): SseEvent[] {
  const parser = new SseParser();
  const events = [...parser.push(new Uint8Array(readFileSync(`${fixturesDirectory}/${name}`)))];
  const unterminated = parser.end();
  if (unterminated !== undefined) events.push(unterminated);
  return events;
}

function parseHeaderLines(lines: readonly string[]): ResponseHeaders {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

/** A `*.chunks.jsonl` file (the recorder stripped the SSE framing) as the data events it was. */
export function readFixtureJsonlEvents(name: string): SseEvent[] {
  return readFixtureText(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ data: line }));
}
