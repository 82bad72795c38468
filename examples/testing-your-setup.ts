// The program README's "Testing your own setup" shows (test/readme-examples.test.ts runs it).
// test/readme-examples.test.ts keeps README's block and this file the same, and npm run typecheck checks it.
import { BackupModelRouter } from 'backup-models';
import { startProviderTestServer } from 'backup-models/testing';
const server = await startProviderTestServer();
server.setBehavior('groq', { kind: 'error', fixture: 'error-429-rate-limit-tpm', headers: { 'retry-after': '2' } });
const router = new BackupModelRouter({ env: server.environment() });
const result = await router.complete('Hello', { preferredProvider: 'groq' });
console.log(result.provider, result.attempts); // groq's 429 is in the attempts; another provider answered
await router.close();
await server.close();
