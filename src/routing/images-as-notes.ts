/**
 * The conversation for a model that takes no image input, asked because no candidate that does is left and
 * every image is in an earlier turn: each image becomes a line saying it was left out, so the model knows it
 * is missing instead of the call failing. Pure; messages without images are kept as they are.
 */
import type { Message } from '../types.js';

const note = '[image omitted: this model takes no image input]';

export function withImagesAsNotes(messages: readonly Message[]): Message[] {
  return messages.map((message): Message => {
    if ((message.role !== 'user' && message.role !== 'tool') || message.images === undefined || message.images.length === 0) return message;
    const notes = message.images.map(() => note).join('\n');
    const { images: _images, ...rest } = message;
    return { ...rest, content: rest.content === '' ? notes : `${rest.content}\n${notes}` };
  });
}
