/**
 * Test support: Anthropic answers recorded without their headers (vercel/ai's fixtures keep bodies only), replayed by
 * the provider test server with the headers of Anthropic's recorded answers. Not shipped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFixturesDirectory } from './fixtures-directory.js';
import type { StatusBehavior } from './provider-behavior.js';
import { parseRecordedHeaders } from './recorded-headers.js';

/**
 * A recorded body (a stream's already framed, `frameTypedJsonLinesAsSse`) as a 200 with the headers of Anthropic's
 * recorded answer of the same kind in the shared fixtures (framing headers dropped).
 */
export function anthropicRecordingReplay(recording: { readonly body: string; readonly stream: boolean }): StatusBehavior {
  const headersFile = recording.stream ? 'messages-stream.headers.txt' : 'message-tool-use.headers.txt';
  const head = parseRecordedHeaders(readFileSync(join(resolveFixturesDirectory(), 'anthropic', headersFile), 'utf8'));
  return { kind: 'status', status: 200, headers: Object.fromEntries(head.headers), body: recording.body };
}
