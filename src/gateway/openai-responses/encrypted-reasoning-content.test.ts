/**
 * Anthropic's signed blocks in a reasoning item's encrypted_content: what the gateway writes it reads back, and
 * nothing else, never with an error (a client's history holds OpenAI's own encrypted reasoning too).
 */
import { describe, expect, it } from 'vitest';
import { decodeReasoningContent, encodeReasoningContent, isOurReasoningContent } from './encrypted-reasoning-content.js';

const thinking = { type: 'thinking' as const, thinking: 'The user wants me to call checkSandboxErrors immediately.', signature: 'Eq4CCpIBCBIYAipA' };
const redacted = { type: 'redacted_thinking' as const, data: 'EooCCpsBCBIYAipA' };
const prefix = 'bm-signed-reasoning.v1.';

function ours(payload: unknown): string {
  return prefix + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

describe('encrypted_content of a reasoning item', () => {
  it('reads back the blocks it was written with, in order, field for field', () => {
    const written = encodeReasoningContent({ provider: 'anthropic', blocks: [thinking, redacted] });
    expect(written.startsWith(prefix)).toBe(true);
    expect(decodeReasoningContent(written)).toEqual([thinking, redacted]);
    expect(decodeReasoningContent(ours({ provider: 'anthropic', blocks: [{ ...thinking, cache_control: { type: 'ephemeral' } }] }))).toEqual([thinking]);
  });

  it("reads nothing from OpenAI's own encrypted reasoning, another version, or a value that is not Anthropic's blocks", () => {
    // OpenAI's, as recorded (vercel/ai, packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.chunks.txt), shortened.
    expect(decodeReasoningContent('gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvazrvHSn0yWitN7RGWq8sjrPtfEYNkSVR8GZzB59nmPMV9haW4HIeHtIFfWz2boJ58r5pqNxfC3bI5TeUSP')).toEqual([]);
    expect(decodeReasoningContent(`bm-signed-reasoning.v2.${ours({ provider: 'anthropic', blocks: [thinking] }).slice(prefix.length)}`)).toEqual([]);
    expect(decodeReasoningContent(`${prefix}%%% not base64url {`)).toEqual([]);
    expect(decodeReasoningContent(prefix + Buffer.from('{"provider":"anthropic","blocks":[', 'utf8').toString('base64url'))).toEqual([]);
    expect(decodeReasoningContent(ours({ provider: 'openai', blocks: [thinking] }))).toEqual([]);
    expect(decodeReasoningContent(ours({ provider: 'anthropic', blocks: 'none' }))).toEqual([]);
    expect(decodeReasoningContent(ours([thinking]))).toEqual([]);
    expect(decodeReasoningContent(null)).toEqual([]);
    expect(decodeReasoningContent(42)).toEqual([]);
  });

  it('reads none of the blocks when one would not go back to Anthropic as it gave it (a thinking block without its signature)', () => {
    expect(decodeReasoningContent(ours({ provider: 'anthropic', blocks: [thinking, { type: 'thinking', thinking: 'Unsigned.', signature: '' }] }))).toEqual([]);
  });

  it("takes no signature of ours (of any version) for Anthropic's, and no content of ours of another version for OpenAI's", () => {
    const ourSignature = `${prefix}${Buffer.from('{"provider":"openai","blocks":[]}', 'utf8').toString('base64url')}`;
    expect(decodeReasoningContent(ours({ provider: 'anthropic', blocks: [{ ...thinking, signature: ourSignature }] }))).toEqual([]);
    expect(isOurReasoningContent('bm-signed-reasoning.v2.e30')).toBe(true);
    expect(isOurReasoningContent('gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvaz')).toBe(false);
  });
});
