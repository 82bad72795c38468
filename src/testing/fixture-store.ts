/**
 * Reads recorded responses from the fixtures directory and turns them into response plans: a status, the
 * recorded headers, and either a body or the stream's raw events. Files are read once and kept.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { hasHeader, parseRecordedHeaders, withHeaders, type HeaderList } from './recorded-headers.js';
import { frameJsonLinesAsSse, frameTypedJsonLinesAsSse, splitSseEvents } from './sse-events.js';
import type { TestProviderSpec } from './test-providers.js';

export interface BodyPlan {
  readonly type: 'body';
  readonly status: number;
  readonly statusMessage?: string;
  readonly headers: HeaderList;
  readonly body: Buffer;
}

export interface EventsPlan {
  readonly type: 'events';
  readonly status: number;
  readonly statusMessage?: string;
  readonly headers: HeaderList;
  /** Raw events; joined they are the bytes to send. */
  readonly events: readonly string[];
}

export type ResponsePlan = BodyPlan | EventsPlan;

const bodySuffixes = ['.json', '.vercel.json', '.sdk-parsed.json', '.docs.json'];
const streamSuffixes = ['.sse', '.docs.sse', '.sdk-parsed.chunks.jsonl', '.vercel.chunks.jsonl', '.chunks.jsonl', '.chunks.txt'];

/** The stem a `*.headers.txt` file shares with the body it belongs to. */
function recordingStem(fileName: string): string {
  return fileName.replace(/(\.chunks\.jsonl|\.chunks\.txt|\.json|\.sse)$/, '');
}

/** Where a provider's error recordings are. */
function errorFolderOf(provider: TestProviderSpec): string {
  return provider.errorFixtureFolder ?? provider.fixtureFolder;
}

export class FixtureStore {
  readonly directory: string;
  private readonly files = new Map<string, Buffer | null>();
  private readonly eventsByFile = new Map<string, readonly string[]>();

  constructor(directory: string) {
    this.directory = directory;
  }

  /** The bytes of `folder/fileName` (a folder under the directory, or an absolute one), or undefined when there is none. */
  read(folder: string, fileName: string): Buffer | undefined {
    const key = `${folder}/${fileName}`;
    let bytes = this.files.get(key);
    if (bytes === undefined) {
      const path = isAbsolute(folder) ? join(folder, fileName) : join(this.directory, folder, fileName);
      bytes = isFile(path) ? readFileSync(path) : null;
      this.files.set(key, bytes);
    }
    return bytes ?? undefined;
  }

  /**
   * The file a fixture name means: a full file name as is, else the name with the body suffixes tried first
   * for a plain request and the stream suffixes first for a stream.
   */
  resolveResponseFile(provider: TestProviderSpec, fixture: string, preferStream: boolean, folder: string = provider.fixtureFolder): string | undefined {
    if (/\.(json|sse|jsonl|chunks\.txt)$/.test(fixture)) return this.read(folder, fixture) ? fixture : undefined;
    const suffixes = preferStream ? [...streamSuffixes, ...bodySuffixes] : [...bodySuffixes, ...streamSuffixes];
    return suffixes.map((suffix) => fixture + suffix).find((name) => this.read(folder, name));
  }

  /** Throws a typed error naming the folder when no recording answers to `fixture`. */
  requireResponseFile(provider: TestProviderSpec, fixture: string, preferStream: boolean, folder: string = provider.fixtureFolder): string {
    const fileName = this.resolveResponseFile(provider, fixture, preferStream, folder);
    if (!fileName) {
      throw new InvalidArgumentError({
        argument: 'fixture',
        message: `no recorded response "${fixture}" in ${isAbsolute(folder) ? folder : join(this.directory, folder)}`,
      });
    }
    return fileName;
  }

  /** The recorded success: a body for `*.json`, events for `*.sse` and `*.chunks.jsonl`. */
  successPlan(provider: TestProviderSpec, options: { readonly fixture?: string; readonly stream: boolean }): ResponsePlan {
    const fixture = options.fixture ?? (options.stream ? provider.defaultFixtures.stream : provider.defaultFixtures.body);
    const fileName = this.requireResponseFile(provider, fixture, options.stream);
    const head = this.recordedHead(provider.fixtureFolder, fileName);
    if (fileName.endsWith('.json')) {
      return { type: 'body', ...head, headers: withDefaultContentType(head.headers, 'application/json'), body: this.bytes(provider, fileName) };
    }
    return {
      type: 'events',
      ...head,
      headers: withDefaultContentType(head.headers, 'text/event-stream'),
      events: this.events(provider, fileName),
    };
  }

  /**
   * A recorded error body with its recorded status and headers. The status comes from the recording's
   * status line, else from the file name (`error-429-...`). `headersFixture` adds the headers of another
   * recording (such as Groq's `ratelimit.docs`); `headers` override both.
   */
  errorPlan(
    provider: TestProviderSpec,
    options: { readonly fixture: string; readonly headersFixture?: string; readonly headers?: Readonly<Record<string, string>> },
  ): BodyPlan {
    const folder = errorFolderOf(provider);
    const fileName = this.requireResponseFile(provider, options.fixture, false, folder);
    const head = this.recordedHead(folder, fileName);
    let headers = head.headers;
    if (options.headersFixture !== undefined) {
      const extra = this.read(folder, `${options.headersFixture}.headers.txt`);
      if (!extra) {
        throw new InvalidArgumentError({
          argument: 'headersFixture',
          message: `no recorded headers "${options.headersFixture}.headers.txt" in ${folder}/`,
        });
      }
      headers = withHeaders(headers, Object.fromEntries(parseRecordedHeaders(extra.toString('utf8')).headers));
    }
    headers = withDefaultContentType(withHeaders(headers, options.headers ?? {}), 'application/json');
    const status = head.status !== 200 ? head.status : statusFromName(fileName);
    return { type: 'body', ...head, status, headers, body: this.bytes(provider, fileName, folder) };
  }

  /**
   * Raw events of a stream recording, framed when the recorder kept only the payloads: `*.chunks.jsonl` as
   * chat-completions chunks, `*.chunks.txt` (vercel/ai's Responses recordings) as events named by their `type`.
   */
  events(provider: TestProviderSpec, fileName: string): readonly string[] {
    const key = `${provider.fixtureFolder}/${fileName}`;
    let events = this.eventsByFile.get(key);
    if (!events) {
      const text = this.bytes(provider, fileName).toString('utf8');
      if (fileName.endsWith('.jsonl')) events = frameJsonLinesAsSse(text);
      else if (fileName.endsWith('.chunks.txt')) events = frameTypedJsonLinesAsSse(text);
      else events = splitSseEvents(text);
      this.eventsByFile.set(key, events);
    }
    return events;
  }

  bytes(provider: TestProviderSpec, fileName: string, folder: string = provider.fixtureFolder): Buffer {
    const bytes = this.read(folder, fileName);
    if (!bytes) throw new InvalidArgumentError({ argument: 'fixture', message: `no file ${folder}/${fileName}` });
    return bytes;
  }

  private recordedHead(folder: string, fileName: string): { status: number; statusMessage?: string; headers: HeaderList } {
    const recorded = this.read(folder, `${recordingStem(fileName)}.headers.txt`);
    if (!recorded) return { status: 200, headers: [] };
    return parseRecordedHeaders(recorded.toString('utf8'));
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function statusFromName(fileName: string): number {
  const match = /^error-(\d{3})-/.exec(fileName);
  if (!match) {
    throw new InvalidArgumentError({
      argument: 'fixture',
      message: `${fileName} has no recorded status: name an error-<status>-... recording or use { kind: 'status' }`,
    });
  }
  return Number(match[1]);
}

function withDefaultContentType(headers: HeaderList, contentType: string): HeaderList {
  return hasHeader(headers, 'content-type') ? headers : [...headers, ['content-type', contentType]];
}
