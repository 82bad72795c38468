import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, redactSecrets } from '../errors.js';
import { createRedisClient } from './create-redis-client.js';
import { createRedisSharedState } from './create-redis-shared-state.js';

describe('createRedisClient for a cluster', () => {
  it('refuses an empty node list or a node that is not a redis URL, naming the node', () => {
    expect(() => createRedisClient({ clusterNodes: [], role: 'commands' })).toThrow(InvalidArgumentError);
    const error = (() => {
      try {
        createRedisClient({ clusterNodes: ['redis://127.0.0.1:7000', 'http://127.0.0.1:7001'], role: 'commands' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'clusterNodes[1]' });
  });

  it("keeps the password of any cluster node out of every message, as REDIS_URL's", async () => {
    const password = 'cluster-node-secret-4f9a';
    // Nothing listens on port 9: the state never connects, it only registers what it was given.
    const shared = createRedisSharedState({ clusterNodes: ['redis://127.0.0.1:9', `redis://default:${password}@127.0.0.1:10`] });
    await shared.close();
    expect(redactSecrets(`AUTH failed for ${password}`)).toBe('AUTH failed for [redacted]');
  });
});

describe('createRedisClient for one server', () => {
  it('refuses a URL with a mistyped scheme before ioredis takes it for a socket path, without repeating its password', () => {
    const password = 'typo-url-secret-7c21';
    for (const url of [`redis//:${password}@127.0.0.1:6390`, `redis:/:${password}@127.0.0.1:6390`, `127.0.0.1:6390`, `http://:${password}@127.0.0.1:6390`]) {
      let caught: unknown;
      try {
        createRedisSharedState({ url });
      } catch (error) {
        caught = error;
      }
      expect(caught, url).toBeInstanceOf(InvalidArgumentError);
      expect((caught as Error).message).not.toContain(password);
      expect((caught as Error).message).toContain('redis://');
    }
  });
});
