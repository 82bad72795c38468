/**
 * A call's `tools` and `toolChoice`, checked against the ToolDefinition and ToolChoice types before anything is
 * sent: every provider's converter reads them as typed, so one of the wrong shape would fail on each (or go
 * upstream as it is). Plain loops that allocate nothing when they are valid: this runs on every call with tools.
 */
import { isCacheBreakpoint } from '../cache-breakpoint.js';
import { InvalidArgumentError } from '../errors.js';
import { isRecord } from '../json-value.js';

interface ToolFields {
  readonly name?: unknown;
  readonly description?: unknown;
  readonly parameters?: unknown;
  readonly strict?: unknown;
  readonly cacheBreakpoint?: unknown;
}

const toolShape = '{ name, description?, parameters }';

/** `tools`, when given: an array of `{ name, description?, parameters, strict?, cacheBreakpoint? }`. */
export function checkTools(tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) throw invalid(`tools must be an array of tool definitions ${toolShape}.`);
  for (let index = 0; index < tools.length; index += 1) checkTool(tools[index], index);
}

function checkTool(tool: unknown, index: number): void {
  if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) throw invalid(`tools[${index}] must be a tool definition ${toolShape}.`);
  const { name, description, parameters, strict, cacheBreakpoint } = tool as ToolFields;
  if (typeof name !== 'string') throw invalid(`tools[${index}].name must be a string.`);
  if (description !== undefined && typeof description !== 'string') throw invalid(`tools[${index}].description must be a string.`);
  // Required: Anthropic refuses a tool without `input_schema`; `{ type: 'object', properties: {} }` takes no arguments.
  if (!isRecord(parameters)) {
    throw invalid(`tools[${index}].parameters must be a JSON Schema object ({ type: 'object', properties: {} } for a tool without arguments).`);
  }
  if (strict !== undefined && typeof strict !== 'boolean') throw invalid(`tools[${index}].strict must be true or false.`);
  if (cacheBreakpoint !== undefined && !isCacheBreakpoint(cacheBreakpoint)) {
    throw invalid(`tools[${index}].cacheBreakpoint must be true, false, { ttl: '5m' } or { ttl: '1h' }.`);
  }
}

/** `toolChoice`, when given: `'auto'`, `'none'`, `'required'` or `{ name }`. */
export function checkToolChoice(toolChoice: unknown): void {
  if (toolChoice === undefined || toolChoice === 'auto' || toolChoice === 'none' || toolChoice === 'required') return;
  if (typeof toolChoice === 'object' && toolChoice !== null && typeof (toolChoice as { name?: unknown }).name === 'string') return;
  throw new InvalidArgumentError({ argument: 'toolChoice', message: "toolChoice must be 'auto', 'none', 'required' or { name } naming a tool." });
}

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: 'tools', message });
}
