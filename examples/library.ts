// The program README's "The library" shows (keys and base URLs from the environment; test/readme-examples.test.ts runs it against the provider test server).
// test/readme-examples.test.ts keeps README's block and this file the same, and npm run typecheck checks it.
import { BackupModelRouter, Provider, quickChat, complete } from 'backup-models';

const router = new BackupModelRouter({ parallelAttempts: 3, cacheEnabled: true, cacheTtlSeconds: 300 });
const result = await router.complete('What is the meaning of life?');
console.log(result.content, result.provider, result.latencyMs, result.attempts);

await router.complete(
  [
    { role: 'system', content: 'You are a helpful assistant' },
    { role: 'user', content: 'Explain quantum computing' },
  ],
  { preferredProvider: Provider.GROQ, preferredModel: 'openai/gpt-oss-120b', temperature: 0.7, maxTokens: 1000, tier: 2 },
);

for await (const chunk of router.stream('Tell me a story', { tier: 1 })) {
  if (chunk.type === 'text-delta') process.stdout.write(chunk.text);
}

router.getHealthStatus(); // { groq: { circuitState: 'closed', successRate: 0.98, latencyP50Ms, missingModels: [], ... }, ... }
await router.healthCheck(); // { groq: true, openai: false, ... } from each provider's models list
const { embeddings, provider, usage, costUsd } = await router.embed(['first text', 'second text'], { model: 'text-embedding-3-small' });
await router.close(); // calls in flight end with RouterClosedError; every socket and timer released: the script exits by itself

await quickChat('Say hello'); // just the text, from a module-wide router made on first use
await complete('Your message here');
