/**
 * Anthropic's signed thinking blocks (see `SignedReasoning`) where the AI SDK keeps them: a reasoning part whose
 * `providerMetadata.anthropic` holds the block's `signature` (or a redacted block's `redactedData`, its text empty),
 * and the same under `providerOptions` on a reasoning part sent back in a prompt, as `@ai-sdk/anthropic` writes and
 * reads them. Beside it, `backupModels.signedBy` names the router's provider that signed the block, so it goes back
 * to that provider only; a part without it (a conversation begun with `@ai-sdk/anthropic` itself) is Anthropic's.
 * OpenAI's reasoning items (Responses wire) are kept as `@ai-sdk/openai` keeps them: `providerMetadata.openai` with the
 * item's `itemId` and `reasoningEncryptedContent` (vercel/ai, packages/openai/src/responses/convert-to-openai-responses-input.ts),
 * read back only beside our `signedBy`.
 */
import type { SharedV3ProviderMetadata } from '@ai-sdk/provider';
import { Provider } from '../catalog.js';
import { isRecord } from '../json-value.js';
import type { SignedReasoningBlock } from '../types.js';

export function signedReasoningMetadata(block: SignedReasoningBlock, provider: string): SharedV3ProviderMetadata {
  // OpenAI's reasoning item, where `@ai-sdk/openai` keeps one: its item id and encrypted content under `openai`.
  if (block.type === 'reasoning') return { openai: { itemId: block.id, reasoningEncryptedContent: block.encryptedContent }, backupModels: { signedBy: provider } };
  const anthropic = block.type === 'thinking' ? { signature: block.signature } : { redactedData: block.data };
  return { anthropic, backupModels: { signedBy: provider } };
}

/** The block a reasoning part of a prompt carries, and who signed it; undefined for reasoning without a signature. */
export function readSignedReasoningPart(part: {
  readonly text: string;
  readonly providerOptions?: unknown;
}): { readonly provider: string; readonly block: SignedReasoningBlock } | undefined {
  const options = part.providerOptions;
  if (!isRecord(options)) return undefined;
  const openAI = options['openai'];
  const backupModelsOptions = options['backupModels'];
  // OpenAI's reasoning item (as `@ai-sdk/openai` keeps it): back only to the router's provider that answered it.
  if (isRecord(openAI) && isRecord(backupModelsOptions) && typeof backupModelsOptions['signedBy'] === 'string') {
    const { itemId, reasoningEncryptedContent } = openAI;
    if (typeof itemId === 'string' && itemId !== '' && typeof reasoningEncryptedContent === 'string' && reasoningEncryptedContent !== '') {
      const summary = part.text === '' ? [] : [part.text];
      return { provider: backupModelsOptions['signedBy'], block: { type: 'reasoning', id: itemId, encryptedContent: reasoningEncryptedContent, summary } };
    }
  }
  if (!isRecord(options['anthropic'])) return undefined;
  const { signature, redactedData } = options['anthropic'];
  const backupModels = options['backupModels'];
  const signedBy = isRecord(backupModels) ? backupModels['signedBy'] : undefined;
  const provider = typeof signedBy === 'string' ? signedBy : Provider.ANTHROPIC;
  if (typeof signature === 'string' && signature !== '') return { provider, block: { type: 'thinking', thinking: part.text, signature } };
  if (typeof redactedData === 'string' && redactedData !== '') return { provider, block: { type: 'redacted_thinking', data: redactedData } };
  return undefined;
}
