/** A command's reading of its configuration, whose refusals are the user's mistakes (exit code 2), not failures. */
import { InvalidArgumentError } from '../errors.js';
import { CliConfigurationError } from './cli-command.js';

/**
 * `read`'s result; an InvalidArgumentError it throws (an unknown setting, a value out of its range, an unreadable
 * file, a variable that is no Redis URL) rethrown as a CliConfigurationError. Anything else passes as it is.
 */
export async function withConfigurationErrors<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) throw new CliConfigurationError(error.message, { cause: error });
    throw error;
  }
}
