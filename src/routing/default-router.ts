import { BackupModelRouter } from './backup-model-router.js';
import type { CompleteOptions, CompletionResult, PromptOrMessages } from './router-options.js';

let defaultRouter: BackupModelRouter | undefined;

/** The module-wide router, made on first use with the default options. */
export function getDefaultRouter(): BackupModelRouter {
  defaultRouter ??= new BackupModelRouter();
  return defaultRouter;
}

/** `complete` on the module-wide router. */
export function complete(input: PromptOrMessages, options?: CompleteOptions): Promise<CompletionResult> {
  return getDefaultRouter().complete(input, options);
}

/** Just the answer's text. */
export async function quickChat(prompt: string, options?: CompleteOptions): Promise<string> {
  const result = await getDefaultRouter().complete(prompt, options);
  return result.content;
}

/** Close the module-wide router (its sockets and timers); the next call makes a new one. */
export async function closeDefaultRouter(): Promise<void> {
  const router = defaultRouter;
  defaultRouter = undefined;
  await router?.close();
}
