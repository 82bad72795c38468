/**
 * `*.headers.txt` recordings: a status line, then one `Name: value` per line (repeated names on their own lines).
 * Pure functions.
 */

/** Header name and value pairs, recorded case and order kept, repeated names allowed. */
export type HeaderList = readonly (readonly [name: string, value: string])[];

export interface RecordedHead {
  readonly status: number;
  /** The recorded reason phrase; none for statuses such as Anthropic's 529. */
  readonly statusMessage?: string;
  readonly headers: HeaderList;
}

/** Framing headers the server computes itself for the bytes it actually sends. */
const framingHeaders = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive']);

export function parseRecordedHeaders(text: string): RecordedHead {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const statusLine = /^HTTP\/[\d.]+\s+(\d{3})(?:\s+(.*))?$/.exec(lines[0] ?? '');
  if (!statusLine) throw new Error(`recorded headers must start with a status line, got "${lines[0] ?? ''}"`);
  const headers: (readonly [string, string])[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (framingHeaders.has(name.toLowerCase())) continue;
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  const statusMessage = statusLine[2]?.trim();
  return {
    status: Number(statusLine[1]),
    ...(statusMessage ? { statusMessage } : {}),
    headers,
  };
}

/** `headers` with every name in `overrides` replaced (case-insensitively) by the override's value. */
export function withHeaders(headers: HeaderList, overrides: Readonly<Record<string, string>>): HeaderList {
  const overridden = new Set(Object.keys(overrides).map((name) => name.toLowerCase()));
  return [
    ...headers.filter(([name]) => !overridden.has(name.toLowerCase())),
    ...Object.entries(overrides).map(([name, value]): readonly [string, string] => [name, value]),
  ];
}

export function hasHeader(headers: HeaderList, name: string): boolean {
  const lowerName = name.toLowerCase();
  return headers.some(([candidate]) => candidate.toLowerCase() === lowerName);
}
