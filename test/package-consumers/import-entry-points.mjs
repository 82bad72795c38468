// Every entry point of the installed package's "exports" map, loaded by `import`, then one call through the
// router and one through the AI SDK model, against the provider test server replaying the shipped recordings.
// Prints one JSON line: the names each entry point exports and what the calls answered.
import { BackupModelRouter, Provider, complete, quickChat } from 'backup-models';
import * as root from 'backup-models';
import * as aiSdk from 'backup-models/ai-sdk';
import * as sharedState from 'backup-models/shared-state';
import * as testing from 'backup-models/testing';

const server = await testing.startProviderTestServer();
const router = new BackupModelRouter({ env: server.environment(), parallelAttempts: 1 });
try {
  const result = await router.complete('Say hello', { preferredProvider: Provider.OPENAI, tier: 1 });
  const model = aiSdk.createBackupModels({ router })('groq/llama-3.3-70b-versatile');
  const generated = await model.doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }] });
  console.log(
    JSON.stringify({
      exports: {
        'backup-models': Object.keys(root).sort(),
        'backup-models/ai-sdk': Object.keys(aiSdk).sort(),
        'backup-models/shared-state': Object.keys(sharedState).sort(),
        'backup-models/testing': Object.keys(testing).sort(),
      },
      helpers: [typeof quickChat, typeof complete],
      complete: { provider: result.provider, content: result.content },
      aiSdk: generated.content.filter((part) => part.type === 'text').map((part) => part.text).join(''),
      fixturesDirectory: testing.resolveFixturesDirectory(),
    }),
  );
} finally {
  await router.close();
  await server.close();
}
