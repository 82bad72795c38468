/** Any error as one line for a terminal: its message, redacted, never a stack trace. */
import { BackupModelsError, redactSecrets } from '../errors.js';

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const firstLine = error.message.split('\n')[0] ?? '';
    const ours = BackupModelsError.isInstance(error) || error.name === 'CliUsageError' || error.name === 'CliConfigurationError';
    const prefix = ours ? '' : `${error.name}: `;
    return redactSecrets(`${prefix}${firstLine}`);
  }
  return redactSecrets(String(error));
}
