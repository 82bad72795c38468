/** node:util parseArgs errors as CliUsageError, and checked number options. */
import { CliUsageError } from './cli-command.js';

/** Run a parseArgs call; its errors become CliUsageError naming the command. */
export function withUsageErrors<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new CliUsageError(message, command);
  }
}

/** A number option, checked: `--port 8787`, `--timeout 30`. */
export function numberOption(
  command: string,
  name: string,
  value: string | undefined,
  options: { readonly minimum: number; readonly integer?: boolean },
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < options.minimum || (options.integer && !Number.isInteger(number))) {
    throw new CliUsageError(`--${name} must be ${options.integer ? 'an integer' : 'a number'} of at least ${options.minimum}, not "${value}".`, command);
  }
  return number;
}
