/**
 * The gateway's log: one structured JSON line per call on stderr, through pino. It names the client's address
 * (`clientAddress`: through a trusted proxy, the client it names), the key's name, the provider, model,
 * attempts, latency, cache and outcome; never a key, and never a prompt unless `logPrompts` is set.
 */
import pino from 'pino';
import { createGatheringLogDestination, type LineDestination } from './log-destination.js';

export type GatewayLogger = pino.Logger;

const service = 'backup-models-gateway';

/**
 * Where the loggers made here write, and the fields every line of theirs begins with after its time: their per-call
 * lines can skip pino's general serializer (`createLineWriter`).
 */
const ownDestinations = new WeakMap<GatewayLogger, { readonly destination: LineDestination; readonly baseFields: string }>();

export function createGatewayLogger(
  options: {
    readonly level?: string;
    readonly destination?: NodeJS.WritableStream;
    /** Fields on every line, after `service`: `{ worker: 2 }` for a worker of `serve --workers`. */
    readonly fields?: Readonly<Record<string, string | number>>;
  } = {},
): GatewayLogger {
  const destination: LineDestination = options.destination ?? createGatheringLogDestination(2);
  const base = { service, ...options.fields };
  const logger = pino(
    {
      level: options.level ?? 'info',
      base,
      // No `redact` paths: no log call is given headers or keys (the canary tests prove it), and pino's
      // redaction doubled the cost of every line on the hot path (benchmark finding B2).
    },
    destination,
  );
  const baseFields = Object.entries(base)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('');
  ownDestinations.set(logger, { destination, baseFields });
  return logger;
}

/** Writes one line of a fixed set of fields at a level, as `logger[level](fields, message)` would. */
export type LineWriter<Fields> = (level: 'info' | 'warn', fields: Fields, message: string) => void;

/**
 * The writer of a line written once per call, whose fields are known in advance (`keys`, in the order the line
 * gives them; an undefined one is left out, as pino leaves it out). For a logger made by `createGatewayLogger`,
 * the line pino would write is built here and handed to its destination: measured in the loaded gateway, pino's
 * general serializer (a `for...in` over any object, its string escaping, its serializers) took 25 µs a line, a
 * plain `JSON.stringify` of the fields 11, and the line was a sixth of the gateway's CPU at 32 connections.
 * Any other logger (one a caller gave `createGateway`, with formatters or hooks of its own) is called as usual.
 */
export function createLineWriter<Fields extends object>(logger: GatewayLogger, keys: readonly (keyof Fields & string)[]): LineWriter<Fields> {
  const own = ownDestinations.get(logger);
  if (own === undefined) return (level, fields, message) => logger[level](fields as object, message);
  const { destination, baseFields: base } = own;
  const keyPrefixes = keys.map((key) => `,${JSON.stringify(key)}:`);
  const linePrefixes = { info: `{"level":${pino.levels.values.info},"time":`, warn: `{"level":${pino.levels.values.warn},"time":` };
  return (level, fields, message) => {
    if (!logger.isLevelEnabled(level)) return;
    let line = linePrefixes[level] + Date.now() + base;
    for (let index = 0; index < keys.length; index += 1) {
      const value: unknown = fields[keys[index]!];
      if (value !== undefined) line += keyPrefixes[index]! + jsonValue(value);
    }
    destination.write(`${line},"msg":${JSON.stringify(message)}}\n`);
  };
}

/** A value as pino writes it: a number that is not finite as null. */
function jsonValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value) ?? 'null';
  }
}
