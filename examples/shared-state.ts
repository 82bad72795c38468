// The program README's "Many instances: shared state on Redis" shows (REDIS_URL, and the providers' keys, from the environment).
// test/readme-examples.test.ts keeps README's block and this file the same, and npm run typecheck checks it.
import { BackupModelRouter } from 'backup-models';
import { createRedisSharedState } from 'backup-models/shared-state';
const shared = createRedisSharedState({ url: process.env.REDIS_URL });
const router = new BackupModelRouter({ cacheBackend: shared.cacheBackend, stateSync: shared.stateSync });
// ...
await router.close();
await shared.close(); // the Redis connections are yours to close: the process stays up while they are open
