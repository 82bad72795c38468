/**
 * Gemini's thought signature of a tool call (see `ToolCall.thoughtSignature`) where the AI SDK keeps it:
 * `providerMetadata.google.thoughtSignature` on a tool call a model made, and the same path under
 * `providerOptions` on a tool call sent back in a prompt, as `@ai-sdk/google` reads and writes it.
 */
import type { SharedV3ProviderMetadata } from '@ai-sdk/provider';
import { isRecord } from '../json-value.js';

/** Where the Google providers of the AI SDK file it: Gemini API and Vertex. */
const namespaces = ['google', 'vertex'] as const;

export function thoughtSignatureMetadata(thoughtSignature: string): SharedV3ProviderMetadata {
  return { google: { thoughtSignature } };
}

/** The signature in `providerMetadata` or `providerOptions` of a tool-call part, if any. */
export function readThoughtSignature(metadata: unknown): string | undefined {
  if (!isRecord(metadata)) return undefined;
  for (const namespace of namespaces) {
    const entry = metadata[namespace];
    const signature = isRecord(entry) ? entry['thoughtSignature'] : undefined;
    if (typeof signature === 'string' && signature !== '') return signature;
  }
  return undefined;
}
