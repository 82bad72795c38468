/** `serve --workers`: how many gateway processes, from the option or its variable. */
import { availableParallelism } from 'node:os';
import { CliConfigurationError, CliUsageError } from './cli-command.js';

/** The variable `--workers` is read from when the option is not given. */
export const workersVariable = 'BACKUP_MODELS_GATEWAY_WORKERS';

/** More than a few per core only adds processes that wait on each other. */
export const maximumWorkers = 64;

/**
 * The number of workers: `--workers` over `BACKUP_MODELS_GATEWAY_WORKERS`, each a whole number from 1 to
 * `maximumWorkers` or `auto` (one per core the process may use); 1 when neither is given (no cluster).
 */
export function workerCountOf(option: string | undefined, variable: string | undefined, cores: () => number = availableParallelism): number {
  if (option !== undefined) {
    const count = parseWorkerCount(option, cores);
    if (count === undefined) throw new CliUsageError(`--workers must be auto or a whole number from 1 to ${maximumWorkers}, not "${option.slice(0, 20)}".`, 'serve');
    return count;
  }
  const value = variable?.trim();
  if (value === undefined || value === '') return 1;
  const count = parseWorkerCount(value, cores);
  if (count === undefined) {
    const message = `${workersVariable} must be auto or a whole number from 1 to ${maximumWorkers}, not "${value.slice(0, 20)}".`;
    throw new CliConfigurationError(message, { cause: undefined });
  }
  return count;
}

function parseWorkerCount(value: string, cores: () => number): number | undefined {
  if (value === 'auto') return Math.min(Math.max(cores(), 1), maximumWorkers);
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const count = Number(value);
  return count >= 1 && count <= maximumWorkers ? count : undefined;
}
