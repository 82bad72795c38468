/**
 * Server tools (tools a provider runs itself: Anthropic's web search and web fetch) and the blocks of their use in
 * an answer (a `server_tool_use` call, its `web_search_tool_result`...): which wire blocks they are, their shape
 * checked for a caller's options, history and a cached answer, and the answer's text and blocks in the order they
 * came. The blocks are carried unread, as their provider wrote them: only it reads them back. Pure.
 */
import { isRecord, type JsonRecord } from './json-value.js';
import type { ProviderJsonObject, ServerToolBlock, ServerToolBlocks, ServerTools } from './types.js';

/** A block of server tool use on Anthropic's wire (see `isServerToolWireBlock`), its other fields unread. */
export type ServerToolWireBlock = ProviderJsonObject & { readonly type: 'server_tool_use' | `${string}_tool_result` };

/**
 * A server tool's block on Anthropic's wire: its call (`server_tool_use`) or a result (`web_search_tool_result`,
 * `web_fetch_tool_result`, and the `..._tool_result` of the other tools Anthropic runs), as the Messages API's
 * content blocks name them. A client tool's `tool_use` and `tool_result` are not.
 */
export function isServerToolWireBlock(block: JsonRecord): block is ServerToolWireBlock {
  const type = block['type'];
  return typeof type === 'string' && (type === 'server_tool_use' || (type.endsWith('_tool_result') && type !== 'tool_result'));
}

/** A text block with its `citations` on Anthropic's wire (see `isCitedTextWireBlock`), the citations unread. */
export type CitedTextWireBlock = ProviderJsonObject & { readonly type: 'text'; readonly text: string; readonly citations: readonly unknown[] };

/**
 * A text block that cites a server tool's results: Anthropic's web search answers cite the pages they read as
 * `citations` on the text blocks (`web_search_result_location`, each with an opaque `encrypted_index`), which it
 * takes back unchanged. Carried as a server tool block, standing for its own text (see `inTextOrder`).
 */
export function isCitedTextWireBlock(block: JsonRecord): block is CitedTextWireBlock {
  return block['type'] === 'text' && typeof block['text'] === 'string' && Array.isArray(block['citations']) && block['citations'].length > 0;
}

/** A caller's `serverTools`: `{ provider, tools }`, each tool an object with a `type` and a `name`. */
export function isServerTools(value: unknown): value is ServerTools {
  return (
    isRecord(value) &&
    typeof value.provider === 'string' &&
    Array.isArray(value.tools) &&
    value.tools.every((tool: unknown) => isRecord(tool) && typeof tool.type === 'string' && typeof tool.name === 'string')
  );
}

/** An answer's `serverToolBlocks` passed back or read from a cache: `{ provider, blocks }` of `{ textOffset, block }`. */
export function isServerToolBlocks(value: unknown): value is ServerToolBlocks {
  return isRecord(value) && typeof value.provider === 'string' && Array.isArray(value.blocks) && value.blocks.every(isServerToolBlock);
}

function isServerToolBlock(value: unknown): value is ServerToolBlock {
  return (
    isRecord(value) &&
    typeof value.textOffset === 'number' &&
    Number.isInteger(value.textOffset) &&
    value.textOffset >= 0 &&
    isRecord(value.block) &&
    typeof value.block.type === 'string'
  );
}

/**
 * The answer's text cut where its server tool blocks stood, in order: the pieces of text (never empty) and the blocks.
 * A cited text block (`isCitedTextWireBlock`) stands for its own text, which the answer's text holds too: where the
 * text there is the block's, the block takes its place. An offset past the text (a caller who changed it) puts the
 * block at its end; blocks keep their order.
 */
export function inTextOrder(text: string, blocks: readonly ServerToolBlock[]): (string | ProviderJsonObject)[] {
  const ordered: (string | ProviderJsonObject)[] = [];
  let from = 0;
  for (const { textOffset, block } of blocks) {
    const to = Math.max(from, Math.min(textOffset, text.length));
    if (to > from) ordered.push(text.slice(from, to));
    ordered.push(block);
    from = isCitedTextWireBlock(block) && text.startsWith(block.text, to) ? to + block.text.length : to;
  }
  if (from < text.length) ordered.push(text.slice(from));
  return ordered;
}
