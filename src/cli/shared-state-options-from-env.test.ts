import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { sharedStateOptionsFromEnv } from './shared-state-options-from-env.js';

const url = 'redis://127.0.0.1:6379';

describe('sharedStateOptionsFromEnv', () => {
  it('names no shared state without REDIS_URL or REDIS_CLUSTER_NODES, whatever else is set', () => {
    expect(sharedStateOptionsFromEnv({ BACKUP_MODELS_REDIS_PREFIX: 'team-a', BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: '500' })).toBeUndefined();
  });

  it('takes a cluster over one server, its nodes trimmed, and the prefix', () => {
    expect(sharedStateOptionsFromEnv({ REDIS_URL: url, REDIS_CLUSTER_NODES: ' redis://10.0.0.1:6379 ,, redis://10.0.0.2:6379', BACKUP_MODELS_REDIS_PREFIX: 'team-a' })).toEqual({
      clusterNodes: ['redis://10.0.0.1:6379', 'redis://10.0.0.2:6379'],
      prefix: 'team-a',
    });
  });

  it('sets the budget of each operation from BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS; empty leaves the default', () => {
    expect(sharedStateOptionsFromEnv({ REDIS_URL: url, BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: ' 2000 ' })).toEqual({ url, operationTimeoutMs: 2000 });
    expect(sharedStateOptionsFromEnv({ REDIS_URL: url, BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: '' })).toEqual({ url });
  });

  it('refuses a budget that is not a whole number of milliseconds of at least 1, naming the variable', () => {
    for (const value of ['0', '-5', '1.5', '50ms', 'fast', '1e3', '9999999999']) {
      const refusal = (() => {
        try {
          sharedStateOptionsFromEnv({ REDIS_URL: url, BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS: value });
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(InvalidArgumentError.isInstance(refusal), value).toBe(true);
      expect((refusal as Error).message, value).toBe(
        `BACKUP_MODELS_REDIS_OPERATION_TIMEOUT_MS must be a whole number of milliseconds, at least 1; got ${JSON.stringify(value)}.`,
      );
    }
  });
});
