/** Reading fields of the gateway's configuration file: each mistake an InvalidArgumentError naming its path. */
import { InvalidArgumentError } from '../errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function fail(path: string, message: string): never {
  // A path holds the file's own names (a route's): one with a line break would break the one-line message.
  const shown = path.replace(/[\u0000-\u001f\u2028\u2029]/g, (character) => JSON.stringify(character).slice(1, -1));
  throw new InvalidArgumentError({ argument: `config.${path}`, message: `Gateway configuration: ${shown} ${message}` });
}

/** A key of the file as a message names it: as it is when it is a plain name, else quoted (its start), on one line. */
function describeKey(key: string): string {
  return /^[\w.-]{1,64}$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
}

/** A value the configuration refused, as its message quotes it: a string (its start) quoted, anything else by its type. */
export function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : typeof value;
}

export function objectAt(value: unknown, path: string, allowedKeys?: readonly string[]): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping.');
  const object = value as JsonObject;
  // YAML makes `__proto__:` an own key; copied into a map of routes or providers by assignment, it set that
  // map's prototype instead, and the entry vanished without a word.
  if (Object.hasOwn(object, '__proto__')) fail(`${path}.__proto__`, 'is not a name this configuration can take.');
  if (allowedKeys) {
    const unknown = Object.keys(object).filter((key) => !allowedKeys.includes(key));
    if (unknown.length > 0) fail(path, `has unknown keys: ${unknown.map(describeKey).join(', ')} (known: ${allowedKeys.join(', ')}).`);
  }
  return object;
}

export function positiveInteger(value: unknown, path: string, minimum = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    fail(path, `must be an integer of at least ${minimum}.`);
  }
  // Past 2^53 - 1 an integer is no longer exact (2^53 + 1 reads as 2^53), and the router refuses one as a limit.
  if (!Number.isSafeInteger(value)) fail(path, `must be an integer of at most ${Number.MAX_SAFE_INTEGER}.`);
  return value;
}

/**
 * The longest delay a timer holds (2^31 - 1 ms, about 24.8 days): Node fires a timer set longer after 1 ms, so
 * a send timeout or a drain of 3e9 ms would act at once, and a stream duration past it would be refused, as the
 * client's error, on every stream.
 */
export const maximumTimerMs = 2 ** 31 - 1;

/** A time limit: an integer of milliseconds from `minimum` up to what a timer holds. */
export function timerMilliseconds(value: unknown, path: string, minimum = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximumTimerMs) {
    fail(path, `must be an integer of milliseconds from ${minimum} to ${maximumTimerMs} (about 24 days, the most a timer holds).`);
  }
  return value;
}
