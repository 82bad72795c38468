/** The library as its README shows it, from the installed package. Prints what it got as one JSON line. */
import {
  AllProvidersFailedError,
  BackupModelRouter,
  Provider,
  complete,
  quickChat,
  type CompletionResult,
  type Message,
  type StreamChunk,
} from 'backup-models';
import { resolveFixturesDirectory, startProviderTestServer, type ProviderTestServer } from 'backup-models/testing';
import { createRedisSharedState, type RedisSharedStateOptions } from 'backup-models/shared-state';

// Module-wide helpers read the real environment; typed here, not called (no key is set).
const ask: (prompt: string) => Promise<string> = quickChat;
const completeOnce: (prompt: string) => Promise<CompletionResult> = complete;
const sharedStateOptions: RedisSharedStateOptions = { url: 'redis://127.0.0.1:6379' };
void [ask, completeOnce, createRedisSharedState, sharedStateOptions];

async function main(): Promise<void> {
  const server: ProviderTestServer = await startProviderTestServer();
  const router = new BackupModelRouter({ env: server.environment(), parallelAttempts: 1 });
  try {
    const messages: Message[] = [
      { role: 'system', content: 'You are a helpful assistant' },
      { role: 'user', content: 'Say hello' },
    ];
    const result: CompletionResult = await router.complete(messages, { preferredProvider: Provider.GROQ, tier: 1 });
    let streamed = '';
    for await (const chunk of router.stream('Tell me a story', { preferredProvider: Provider.ANTHROPIC })) {
      const part: StreamChunk = chunk;
      if (part.type === 'text-delta') streamed += part.text;
    }
    console.log(
      JSON.stringify({
        provider: result.provider,
        content: result.content,
        streamed,
        fixturesDirectory: resolveFixturesDirectory(),
      }),
    );
  } catch (error) {
    if (error instanceof AllProvidersFailedError) console.error(error.attempts.map((attempt) => attempt.provider).join(', '));
    throw error;
  } finally {
    await router.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
