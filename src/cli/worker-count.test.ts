import { describe, expect, it } from 'vitest';
import { CliConfigurationError, CliUsageError } from './cli-command.js';
import { workerCountOf } from './worker-count.js';

const fourCores = (): number => 4;

describe('workerCountOf', () => {
  it('is 1, no cluster, when neither the option nor the variable gives a number', () => {
    expect(workerCountOf(undefined, undefined, fourCores)).toBe(1);
    expect(workerCountOf(undefined, '  ', fourCores)).toBe(1);
  });

  it('takes the option over the variable, and auto as one worker a core, at most 64', () => {
    expect(workerCountOf('3', '8', fourCores)).toBe(3);
    expect(workerCountOf(undefined, ' 8 ', fourCores)).toBe(8);
    expect(workerCountOf('auto', undefined, fourCores)).toBe(4);
    expect(workerCountOf(undefined, 'auto', () => 256)).toBe(64);
    expect(workerCountOf('auto', undefined, () => 0)).toBe(1);
  });

  it('refuses a count it cannot use: the option as a usage mistake, the variable as a configuration one', () => {
    for (const value of ['0', '65', '1.5', '-2', '2e1', 'two', '', ' 2']) {
      expect(() => workerCountOf(value, undefined, fourCores), value).toThrow(CliUsageError);
    }
    expect(() => workerCountOf(undefined, 'many', fourCores)).toThrow(CliConfigurationError);
    expect(() => workerCountOf(undefined, '0', fourCores)).toThrow('BACKUP_MODELS_GATEWAY_WORKERS must be auto or a whole number from 1 to 64, not "0".');
  });
});
