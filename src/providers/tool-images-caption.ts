import type { ToolMessage } from '../types.js';

/**
 * The line before a tool's images where a provider takes them only outside the tool's answer (OpenAI-wire
 * providers, Gemini), so the model knows whose output they are.
 */
export function toolImagesCaption(message: ToolMessage): string {
  const name = message.toolName !== undefined && message.toolName !== '' ? ` (${message.toolName})` : '';
  return `The images returned by tool call ${message.toolCallId}${name}:`;
}
