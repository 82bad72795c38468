import { InvalidArgumentError } from '../../errors.js';
import { parseDataUrl } from '../../image-url.js';
import type { ImageInput, Message, ToolMessage } from '../../types.js';
import type { GeminiContent, GeminiPart, GeminiStruct } from './gemini-api-types.js';
import { isRecord, parseJsonOrUndefined } from '../../json-value.js';
import { toolImagesCaption } from '../tool-images-caption.js';

export interface GeminiPrompt {
  /** Every system message, in order, joined by a blank line. */
  readonly systemText: string | undefined;
  readonly contents: GeminiContent[];
}

/**
 * The signature Google documents for a function call that Gemini did not make (history from another
 * model, or rebuilt without its signature): it tells Gemini 3 to skip the check that would refuse the call.
 * https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export const skipThoughtSignatureValidator = 'skip_thought_signature_validator';

export interface ConvertToGeminiContentsOptions {
  /**
   * The model refuses replayed function calls without a thought signature (Gemini 3 and later): an
   * assistant message whose calls carry none gets `skipThoughtSignatureValidator` on its first call.
   */
  readonly thoughtSignaturesRequired?: boolean;
}

interface Turn {
  readonly role: 'user' | 'model';
  readonly parts: GeminiPart[];
}

/**
 * Our messages as Gemini contents: user turns, `model` turns (text and functionCall parts, each call with
 * its thought signature), and tool answers as functionResponse parts of a user turn. Consecutive messages
 * of one role share one turn, so the answers to one turn's calls arrive together, as Gemini requires. A
 * functionResponse names its function: from `toolName`, or else from the assistant call with the same id
 * earlier in the conversation. The images tools returned follow in a user turn of their own, each tool's
 * after a line naming its call: Gemini wants a turn of function responses to hold only those, one per call.
 */
export function convertToGeminiContents(
  messages: readonly Message[],
  options: ConvertToGeminiContentsOptions = {},
): GeminiPrompt {
  const systemParts: string[] = [];
  const turns: Turn[] = [];

  // The images of a run of tool answers, for a user turn of their own after the answers' turn.
  let toolImages: GeminiPart[] = [];
  messages.forEach((message, messageIndex) => {
    if (toolImages.length > 0 && message.role !== 'tool') {
      turns.push({ role: 'user', parts: toolImages });
      toolImages = [];
    }
    switch (message.role) {
      case 'system':
        if (message.content !== '') systemParts.push(message.content);
        return;
      case 'user': {
        const parts: GeminiPart[] = message.content === '' ? [] : [{ text: message.content }];
        (message.images ?? []).forEach((image, imageIndex) => parts.push(toInlineData(image, `messages[${messageIndex}].images[${imageIndex}]`)));
        append(turns, 'user', parts);
        return;
      }
      case 'assistant': {
        const parts: GeminiPart[] = message.content === '' ? [] : [{ text: message.content }];
        const toolCalls = message.toolCalls ?? [];
        // Of parallel calls Gemini signs only the first, so one signature anywhere means the message is Gemini's own.
        const unsigned = toolCalls.every((toolCall) => !toolCall.thoughtSignature);
        toolCalls.forEach((toolCall, toolCallIndex) => {
          const args = parseArguments(toolCall.arguments, `messages[${messageIndex}].toolCalls[${toolCallIndex}].arguments`);
          const functionCall = { name: toolCall.name, args };
          const thoughtSignature =
            toolCall.thoughtSignature ||
            (unsigned && toolCallIndex === 0 && options.thoughtSignaturesRequired ? skipThoughtSignatureValidator : undefined);
          parts.push(thoughtSignature ? { functionCall, thoughtSignature } : { functionCall });
        });
        append(turns, 'model', parts);
        return;
      }
      case 'tool': {
        append(turns, 'user', [{ functionResponse: { name: findToolName(messages, messageIndex, message), response: toFunctionResponse(message.content) } }]);
        const images = message.images ?? [];
        if (images.length > 0) {
          toolImages.push({ text: toolImagesCaption(message) });
          images.forEach((image, imageIndex) => toolImages.push(toInlineData(image, `messages[${messageIndex}].images[${imageIndex}]`)));
        }
        return;
      }
    }
  });

  if (toolImages.length > 0) turns.push({ role: 'user', parts: toolImages });
  const systemText = systemParts.join('\n\n');
  return {
    systemText: systemText === '' ? undefined : systemText,
    contents: turns.filter((turn) => turn.parts.length > 0),
  };
}

function append(turns: Turn[], role: Turn['role'], parts: readonly GeminiPart[]): void {
  const last = turns.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else turns.push({ role, parts: [...parts] });
}

function findToolName(messages: readonly Message[], messageIndex: number, message: ToolMessage): string {
  if (message.toolName !== undefined && message.toolName !== '') return message.toolName;
  for (let index = messageIndex - 1; index >= 0; index--) {
    const earlier = messages[index];
    if (earlier?.role !== 'assistant') continue;
    const call = earlier.toolCalls?.find((toolCall) => toolCall.id === message.toolCallId);
    if (call !== undefined) return call.name;
  }
  throw new InvalidArgumentError({
    argument: `messages[${messageIndex}].toolName`,
    message: `Tool message for call "${message.toolCallId}" has no toolName and no earlier assistant call with that id; Gemini needs the function name`,
  });
}

/** A JSON object answer is sent as is; any other answer as `{result: <text>}`, since Gemini wants an object. */
function toFunctionResponse(content: string): GeminiStruct {
  const parsed = parseJsonOrUndefined(content);
  return isRecord(parsed) ? parsed : { result: content };
}

function parseArguments(text: string, argumentPath: string): GeminiStruct {
  // A call without arguments may arrive as "" (an empty streamed input): it means {}.
  const parsed = text.trim() === '' ? {} : parseJsonOrUndefined(text);
  if (!isRecord(parsed)) {
    throw new InvalidArgumentError({
      argument: argumentPath,
      message: 'Tool call arguments are not a JSON object; Gemini needs an object',
    });
  }
  return parsed;
}

/**
 * An image as Gemini's inline bytes. Gemini fetches no URL: routing never sends it a call with an https
 * image (see `takesImages`), and a direct call with one is refused here.
 */
function toInlineData(image: ImageInput, path: string): GeminiPart {
  const data = parseDataUrl(image.url);
  if (!data) {
    throw new InvalidArgumentError({ argument: path, message: 'Gemini takes images as bytes (a data URL), not as a URL to fetch' });
  }
  return { inlineData: { mimeType: data.mediaType, data: data.base64 } };
}
