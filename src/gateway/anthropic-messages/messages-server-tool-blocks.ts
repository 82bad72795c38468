/**
 * Anthropic's server tools between a Messages client and Anthropic, through the gateway. Claude Code's WebSearch
 * asks Anthropic to search the web itself: a `web_search_20250305` (or newer `web_search_20260209`) server tool in
 * `tools`, in a side request of its own (system "You are an assistant for performing a web search tool use", the
 * user turn "Perform a web search for the query: ...", `max_uses: 8`; diegosouzapw/OmniRoute#2695 and #9772 report
 * Claude Code sending it through a gateway). Anthropic answers with the search's `server_tool_use` and
 * `web_search_tool_result` blocks among the text, which the client reads, and takes back unchanged in a later turn.
 * So the gateway passes web search and web fetch server tools (`web_fetch_20250910`..., the two families the
 * Messages API types outside its beta) to the catalog's `anthropic` provider only, shows a client the blocks of an
 * answer that came from it where they stood in the text, and reads a client's history's blocks as that provider's.
 * Other server tools (code execution, tool search, whose containers and deferred tools the gateway does not keep)
 * are refused. Pure.
 */
import { Provider } from '../../catalog.js';
import { isRecord } from '../../json-value.js';
import { inTextOrder, isCitedTextWireBlock } from '../../server-tool-blocks.js';
import type { ProviderJsonObject, ServerToolBlock, ServerToolBlocks } from '../../types.js';

/** The provider whose server tools Messages clients are given, whose blocks they are shown and whose a history carries. */
export const messagesServerToolsProvider: string = Provider.ANTHROPIC;

/** The server tool types passed on, every version of each: `web_search_20250305`, `web_search_20260209`, `web_fetch_20250910`... */
const passedServerToolTypes = /^(web_search|web_fetch)_\d{8}$/;

/** A server tool the gateway passes on, as the client wrote it (checked: a type it passes, and a name); undefined for any other. */
export function passedServerToolOf(tool: unknown): ProviderJsonObject | undefined {
  if (!isRecord(tool) || typeof tool.type !== 'string' || !passedServerToolTypes.test(tool.type) || typeof tool.name !== 'string') return undefined;
  return tool as ProviderJsonObject;
}

/** The server tool blocks of an answer a Messages client is shown: Anthropic's only. */
export function shownServerToolBlocks(serverToolBlocks: ServerToolBlocks | undefined): readonly ServerToolBlock[] {
  return serverToolBlocks !== undefined && serverToolBlocks.provider === messagesServerToolsProvider ? serverToolBlocks.blocks : [];
}

/** An answer's text as Messages content: text blocks, with the server tool blocks shown where they stood in it. */
export function textAndServerToolContent(text: string, serverToolBlocks: ServerToolBlocks | undefined): Record<string, unknown>[] {
  const shown = shownServerToolBlocks(serverToolBlocks);
  if (shown.length === 0) return text.length > 0 ? [{ type: 'text', text }] : [];
  return inTextOrder(text, shown).map((piece) => (typeof piece === 'string' ? { type: 'text', text: piece } : piece));
}

/**
 * The stream events of one whole block at `index`, as Anthropic streams it: a call starts with an empty input that one
 * `input_json_delta` fills (the SDKs put the input together from the deltas); a result starts whole; a cited text
 * block starts empty with `citations: []`, then a `citations_delta` for each citation and one `text_delta`. Then its stop.
 */
export function serverToolBlockEvents(block: ProviderJsonObject, index: number): string {
  const stop = `event: content_block_stop\ndata: {"type":"content_block_stop","index":${index}}\n\n`;
  const start = (contentBlock: ProviderJsonObject): string =>
    `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index, content_block: contentBlock })}\n\n`;
  const deltaEvent = (delta: Record<string, unknown>): string =>
    `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index, delta })}\n\n`;
  if (isCitedTextWireBlock(block)) {
    const citations = block.citations.map((citation) => deltaEvent({ type: 'citations_delta', citation })).join('');
    return start({ ...block, text: '', citations: [] }) + citations + deltaEvent({ type: 'text_delta', text: block.text }) + stop;
  }
  if (block.type !== 'server_tool_use' || !isRecord(block['input'])) return start(block) + stop;
  const delta = JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block['input']) } });
  return start({ ...block, input: {} }) + `event: content_block_delta\ndata: ${delta}\n\n` + stop;
}
