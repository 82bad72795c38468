import { asArray, asRecord, readString, type JsonRecord } from '../../json-value.js';
import type { OpenAIReasoningItem } from '../../types.js';

/**
 * A `reasoning` output item as we keep it to give back (its id, encrypted content and summary texts); undefined for
 * one without its encrypted content (not asked, or not given), which OpenAI could not take back with `store: false`.
 * Shape as recorded: vercel/ai `packages/openai/src/responses/__fixtures__/openai-reasoning-encrypted-content.1.json`.
 */
export function readOpenAIReasoningItem(item: JsonRecord): OpenAIReasoningItem | undefined {
  const id = readString(item.id);
  const encryptedContent = readString(item.encrypted_content);
  if (id === undefined || id === '' || encryptedContent === undefined || encryptedContent === '') return undefined;
  return { type: 'reasoning', id, encryptedContent, summary: summaryTexts(item) };
}

/** The summary texts of a reasoning item, the empty ones left out. */
export function summaryTexts(reasoning: JsonRecord): string[] {
  const texts: string[] = [];
  for (const part of asArray(reasoning.summary) ?? []) {
    const text = readString(asRecord(part)?.text);
    if (text !== undefined && text !== '') texts.push(text);
  }
  return texts;
}
