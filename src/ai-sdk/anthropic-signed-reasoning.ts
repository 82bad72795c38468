/**
 * Anthropic's signed thinking blocks (see `SignedReasoning`) where the AI SDK keeps them: a reasoning part whose
 * `providerMetadata.anthropic` holds the block's `signature` (or a redacted block's `redactedData`, its text empty),
 * and the same under `providerOptions` on a reasoning part sent back in a prompt, as `@ai-sdk/anthropic` writes and
 * reads them. Beside it, `backupModels.signedBy` names the router's provider that signed the block, so it goes back
 * to that provider only; a part without it (a conversation begun with `@ai-sdk/anthropic` itself) is Anthropic's.
 */
import type { SharedV3ProviderMetadata } from '@ai-sdk/provider';
import { Provider } from '../catalog.js';
import { isRecord } from '../json-value.js';
import type { SignedReasoningBlock } from '../types.js';

export function signedReasoningMetadata(block: SignedReasoningBlock, provider: string): SharedV3ProviderMetadata {
  const anthropic = block.type === 'thinking' ? { signature: block.signature } : { redactedData: block.data };
  return { anthropic, backupModels: { signedBy: provider } };
}

/** The block a reasoning part of a prompt carries, and who signed it; undefined for reasoning without a signature. */
export function readSignedReasoningPart(part: {
  readonly text: string;
  readonly providerOptions?: unknown;
}): { readonly provider: string; readonly block: SignedReasoningBlock } | undefined {
  const options = part.providerOptions;
  if (!isRecord(options) || !isRecord(options['anthropic'])) return undefined;
  const { signature, redactedData } = options['anthropic'];
  const backupModels = options['backupModels'];
  const signedBy = isRecord(backupModels) ? backupModels['signedBy'] : undefined;
  const provider = typeof signedBy === 'string' ? signedBy : Provider.ANTHROPIC;
  if (typeof signature === 'string' && signature !== '') return { provider, block: { type: 'thinking', thinking: part.text, signature } };
  if (typeof redactedData === 'string' && redactedData !== '') return { provider, block: { type: 'redacted_thinking', data: redactedData } };
  return undefined;
}
