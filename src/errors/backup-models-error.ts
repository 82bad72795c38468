const brand = Symbol.for('backup-models.error');

/** Base class of every error we throw. `isInstance` works across copies of the package. */
export class BackupModelsError extends Error {
  readonly [brand] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupModelsError';
  }
  static isInstance(value: unknown): value is BackupModelsError {
    return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
  }
}

/**
 * One of our errors of the given name, across copies of the package (where `instanceof` fails). Each
 * subclass's `isInstance` asks by its own name: inheriting the base's would answer true for any of ours.
 */
export function isNamedError(value: unknown, name: string): boolean {
  return BackupModelsError.isInstance(value) && value.name === name;
}
