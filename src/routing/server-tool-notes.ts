/**
 * The conversation for a provider that did not run the server tools of its history (another provider's web
 * searches, whose results only that provider can read): each call becomes a line in the answer's text, where it
 * stood, saying what was run and that its result is left out, so the model knows it happened instead of the call
 * failing (as images do for a model without image input). Pure; a conversation without such blocks is kept as it is.
 */
import type { AssistantMessage, Message, ProviderJsonObject } from '../types.js';
import { inTextOrder, isCitedTextWireBlock } from '../server-tool-blocks.js';

export function withServerToolBlocksAsNotes(messages: readonly Message[], providerId: string): readonly Message[] {
  let noted: Message[] | undefined;
  for (let index = 0; index < messages.length; index += 1) {
    const message = messages[index]!;
    if (message.role !== 'assistant' || message.serverToolBlocks === undefined || message.serverToolBlocks.provider === providerId) continue;
    noted ??= messages.slice();
    noted[index] = asNotes(message);
  }
  return noted ?? messages;
}

function asNotes(message: AssistantMessage): AssistantMessage {
  const { serverToolBlocks, ...rest } = message;
  if (serverToolBlocks === undefined) return message;
  let content = '';
  for (const piece of inTextOrder(message.content, serverToolBlocks.blocks)) {
    content += typeof piece === 'string' ? piece : noteOf(piece, serverToolBlocks.provider);
  }
  return { ...rest, content };
}

/**
 * A call's note (`[web_search {"query":"..."} was run by anthropic; its result is left out here]`); a result has none;
 * a cited text block is its text, without the citations (their references only the provider that wrote them reads).
 */
function noteOf(block: ProviderJsonObject, provider: string): string {
  if (isCitedTextWireBlock(block)) return block.text;
  if (block.type !== 'server_tool_use') return '';
  const name = typeof block['name'] === 'string' ? block['name'] : 'server tool';
  const input = block['input'] === undefined ? '' : ` ${JSON.stringify(block['input'])}`;
  return `\n[${name}${input} was run by ${provider}; its result is left out here]\n`;
}
