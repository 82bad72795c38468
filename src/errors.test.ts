import { describe, expect, it } from 'vitest';
import {
  AllProvidersFailedError,
  BackupModelsError,
  DeadlineExceededError,
  InvalidArgumentError,
  NoProviderAvailableError,
  ProviderError,
  ResponseTooLargeError,
  RouterClosedError,
  StreamInterruptedError,
} from './errors.js';

const examples = {
  ProviderError: new ProviderError({ provider: 'groq', reason: 'server_error', message: 'boom' }),
  InvalidArgumentError: new InvalidArgumentError({ argument: 'temperature', message: 'bad' }),
  NoProviderAvailableError: new NoProviderAvailableError({ message: 'none' }),
  RouterClosedError: new RouterClosedError(),
  AllProvidersFailedError: new AllProvidersFailedError({ attempts: [], errors: [] }),
  DeadlineExceededError: new DeadlineExceededError({ timeoutMs: 10 }),
  StreamInterruptedError: new StreamInterruptedError({ provider: 'groq', reason: 'network', message: 'reset', partialText: 'Hel' }),
  ResponseTooLargeError: new ResponseTooLargeError({ setting: 'maxProviderResponseBytes', limitBytes: 1024, part: 'body' }),
};
const classes = {
  ProviderError,
  InvalidArgumentError,
  NoProviderAvailableError,
  RouterClosedError,
  AllProvidersFailedError,
  DeadlineExceededError,
  StreamInterruptedError,
  ResponseTooLargeError,
};

describe('isInstance', () => {
  it.each(Object.keys(classes) as (keyof typeof classes)[])('%s.isInstance answers true for its own errors only', (name) => {
    for (const [exampleName, example] of Object.entries(examples)) {
      expect(classes[name].isInstance(example), `${name}.isInstance(${exampleName})`).toBe(exampleName === name);
    }
    expect(BackupModelsError.isInstance(examples[name])).toBe(true);
  });

  it('recognizes an error made by another copy of the package, where instanceof cannot', () => {
    // Another copy has its own classes but the same global brand and names: what a second install makes.
    const foreign = Object.assign(new Error('All providers failed: groq (network)'), {
      name: 'AllProvidersFailedError',
      [Symbol.for('backup-models.error')]: true,
    });
    expect(foreign instanceof AllProvidersFailedError).toBe(false);
    expect(AllProvidersFailedError.isInstance(foreign)).toBe(true);
    expect(DeadlineExceededError.isInstance(foreign)).toBe(false);
  });

  it('answers false for plain errors and non-errors', () => {
    for (const value of [new Error('x'), Object.assign(new Error('x'), { name: 'ProviderError' }), undefined, null, 'ProviderError', {}]) {
      expect(ProviderError.isInstance(value)).toBe(false);
      expect(BackupModelsError.isInstance(value)).toBe(false);
    }
  });
});
