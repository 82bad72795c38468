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

export interface QuickChatOptions extends CompleteOptions {
  /** Stream the answer: called with each piece of text as it arrives. */
  readonly onText?: (text: string) => void;
}

/** Just the answer's text. With `onText`, the answer streams to it as well. */
export async function quickChat(prompt: string, options: QuickChatOptions = {}): Promise<string> {
  const { onText, ...callOptions } = options;
  if (!onText) return (await getDefaultRouter().complete(prompt, callOptions)).content;
  const stream = getDefaultRouter().stream(prompt, callOptions);
  for await (const chunk of stream) {
    if (chunk.type === 'text-delta') onText(chunk.text);
  }
  return (await stream.result).content;
}

/** Close the module-wide router (its sockets and timers); the next call makes a new one. */
export async function closeDefaultRouter(): Promise<void> {
  const router = defaultRouter;
  defaultRouter = undefined;
  await router?.close();
}
