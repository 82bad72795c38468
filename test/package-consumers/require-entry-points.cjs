// Every entry point of the installed package's "exports" map, loaded by `require()` from CommonJS (Node's
// require of an ES module), then one call through the router against the provider test server.
// Prints one JSON line: the names each entry point exports and what the call answered.
const root = require('backup-models');
const aiSdk = require('backup-models/ai-sdk');
const sharedState = require('backup-models/shared-state');
const testing = require('backup-models/testing');

async function main() {
  const { BackupModelRouter, Provider } = root;
  const server = await testing.startProviderTestServer();
  const router = new BackupModelRouter({ env: server.environment(), parallelAttempts: 1 });
  try {
    const result = await router.complete('Say hello', { preferredProvider: Provider.GOOGLE, tier: 1 });
    console.log(
      JSON.stringify({
        exports: {
          'backup-models': Object.keys(root).sort(),
          'backup-models/ai-sdk': Object.keys(aiSdk).sort(),
          'backup-models/shared-state': Object.keys(sharedState).sort(),
          'backup-models/testing': Object.keys(testing).sort(),
        },
        complete: { provider: result.provider, content: result.content },
        fixturesDirectory: testing.resolveFixturesDirectory(),
      }),
    );
  } finally {
    await router.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
