/**
 * Test support: the recorded provider traffic that tests read, request files included (only the responses
 * are vendored into src/testing/fixtures). In development it is ../shared/fixtures beside the repository;
 * CI lays a copy of shared/ beside its clone the same way. BACKUP_MODELS_FIXTURES_DIR overrides.
 * Not shipped: only tests import it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SseParser } from '../http/sse-parser.js';
import { RawResponseHeaders } from '../http/response-headers.js';
import type { ResponseHeaders, SseEvent } from '../http/types.js';
import { findSharedFixturesDirectory, fixturesDirectoryEnv } from './fixtures-directory.js';

export function sharedFixturesDirectory(): string {
  const directory = process.env[fixturesDirectoryEnv] ?? findSharedFixturesDirectory();
  if (!directory) {
    throw new Error(`No shared/fixtures folder beside the repository; set ${fixturesDirectoryEnv} to the recorded fixtures.`);
  }
  return directory;
}

export interface RecordedFixtures {
  readFixtureText(name: string): string;
  readFixtureJson(name: string): unknown;
  /** A `*.headers.txt` file as response headers, as they come off the wire (names as recorded, repeats apart). */
  readFixtureResponseHeaders(name: string): { statusCode: number; headers: ResponseHeaders };
  /** A `*.request-headers.txt` file: the method and URL of its first line, then the headers. */
  readFixtureRequestHeaders(name: string): { method: string; url: string; headers: Record<string, string> };
  /** The events of a recorded `.sse` body, framed by the real SSE parser. */
  readFixtureSseEvents(name: string): SseEvent[];
  /** A `*.chunks.jsonl` file (the recorder stripped the SSE framing) as the data events it was. */
  readFixtureJsonlEvents(name: string): SseEvent[];
}

/** Readers of one provider folder of the recorded traffic (`anthropic`, `gemini`, ...). */
export function recordedFixtures(folder: string): RecordedFixtures {
  const directory = join(sharedFixturesDirectory(), folder);
  const readFixtureText = (name: string): string => readFileSync(join(directory, name), 'utf8');
  return {
    readFixtureText,
    readFixtureJson: (name) => JSON.parse(readFixtureText(name)) as unknown,
    readFixtureResponseHeaders(name) {
      const statusLine = readFixtureText(name).split(/\r?\n/, 1)[0] ?? '';
      return { statusCode: Number(statusLine.split(' ')[1]), headers: recordedResponseHeaders(join(folder, name)) };
    },
    readFixtureRequestHeaders(name) {
      const [requestLine = '', ...lines] = readFixtureText(name).split(/\r?\n/);
      const [method = '', url = ''] = requestLine.split(' ');
      return { method, url, headers: parseHeaderLines(lines) };
    },
    readFixtureSseEvents(name) {
      const parser = new SseParser();
      const events = [...parser.push(new Uint8Array(readFileSync(join(directory, name))))];
      const unterminated = parser.end();
      if (unterminated !== undefined) events.push(unterminated);
      return events;
    },
    readFixtureJsonlEvents: (name) =>
      readFixtureText(name)
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => ({ data: line })),
  };
}

/**
 * The response headers of a recorded `*.headers.txt`, by its path under the fixtures folder, as undici hands a
 * response's over (raw name and value buffers, in the recorded case and order) to what reads them off the wire.
 */
export function recordedResponseHeaders(path: string): ResponseHeaders {
  const [, ...lines] = readFileSync(join(sharedFixturesDirectory(), path), 'latin1').split(/\r?\n/);
  return new RawResponseHeaders(
    lines.flatMap((line) => {
      const colon = line.indexOf(':');
      return colon <= 0 ? [] : [Buffer.from(line.slice(0, colon).trim(), 'latin1'), Buffer.from(line.slice(colon + 1).trim(), 'latin1')];
    }),
  );
}

/** Request header lines: lower-case names, repeated headers joined with ", ". */
function parseHeaderLines(lines: readonly string[]): Record<string, string> {
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
