/**
 * The gateway's own encoding of one provider's signed reasoning, for a client to keep in a field of another's: Anthropic's
 * thinking blocks in a Responses reasoning item's `encrypted_content` (encrypted-reasoning-content.ts), OpenAI's
 * reasoning item in a Messages thinking block's `signature` (anthropic-messages/messages-reasoning-items.ts). Not
 * encrypted: opaque to the client and versioned, `bm-signed-reasoning.v1.` then the base64url JSON of
 * `{ provider, blocks }`, each block as its provider wrote it. Only that version is read; what a value holds is for
 * the reader to check. Any version of it is told apart from a provider's own value by isGatewayEncoding
 * (signed-reasoning.ts). Pure.
 */
import { isRecord } from '../json-value.js';

const prefix = 'bm-signed-reasoning.v1.';

export function encodeSignedReasoning(provider: string, blocks: readonly unknown[]): string {
  return prefix + Buffer.from(JSON.stringify({ provider, blocks }), 'utf8').toString('base64url');
}

/** The provider and blocks an encoding of ours (this version) carries, unchecked; undefined for anything else. */
export function decodeSignedReasoning(value: unknown): { readonly provider: unknown; readonly blocks: readonly unknown[] } | undefined {
  if (typeof value !== 'string' || !value.startsWith(prefix)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(decoded) || !Array.isArray(decoded.blocks)) return undefined;
  return { provider: decoded.provider, blocks: decoded.blocks as unknown[] };
}
