/** node:util parseArgs errors as CliUsageError, and checked number options. */
import { CliUsageError } from './cli-command.js';

/** The longest a Node timer holds (2^31 - 1 ms, about 24 days): any time limit past it fires at once. */
export const maximumTimerMs = 2 ** 31 - 1;
/** The same in seconds, for the options given in seconds. */
export const maximumTimerSeconds = maximumTimerMs / 1000;
/** The highest TCP port. */
export const maximumPort = 65_535;

/** Run a parseArgs call; its errors become CliUsageError naming the command. */
export function withUsageErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new CliUsageError(message, command);
  }
}

/** A number option, checked against its range: `--port 8787`, `--timeout 30`. */
export function numberOption(
  command: string,
  name: string,
  value: string | undefined,
  options: {
    readonly minimum: number;
    readonly maximum: number;
    readonly integer?: boolean;
    /** What the number counts, for the message: `seconds`. */
    readonly unit?: string;
  },
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  const { minimum, maximum, integer } = options;
  if (value.trim() === '' || !Number.isFinite(number) || number < minimum || number > maximum || (integer && !Number.isInteger(number))) {
    const kind = `${integer ? 'an integer' : 'a number'}${options.unit !== undefined ? ` of ${options.unit}` : ''}`;
    throw new CliUsageError(`--${name} must be ${kind} from ${minimum} to ${maximum}, not "${value}".`, command);
  }
  return number;
}
