/**
 * Images between our messages (`ImageInput`: an http(s) URL or a data URL) and the AI SDK's file parts
 * (bytes, base64 or a URL, with a media type).
 */
import type { LanguageModelV3FilePart } from '@ai-sdk/provider';
import { InvalidArgumentError } from '../errors.js';
import { parseDataUrl } from '../image-url.js';
import type { ImageInput } from '../types.js';

/** Our image as an AI SDK file part: a data URL's bytes as base64, any other URL as a URL (`image/*`). */
export function toAiSdkImagePart(image: ImageInput): LanguageModelV3FilePart {
  const data = parseDataUrl(image.url);
  if (data) return { type: 'file', mediaType: data.mediaType, data: data.base64 };
  return { type: 'file', mediaType: 'image/*', data: new URL(image.url) };
}

/** The image types our providers read, by their first bytes, for bytes that come as `image/*`. */
const signatures: readonly (readonly [string, readonly number[]])[] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
];

function sniffImageType(bytes: Uint8Array): string | undefined {
  for (const [mediaType, signature] of signatures) {
    if (signature.every((byte, index) => bytes[index] === byte)) return mediaType;
  }
  const isWebp = bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP';
  return isWebp ? 'image/webp' : undefined;
}

/** An AI SDK image file part as our image; a part that is not an image is refused by the caller before this. */
export function fromAiSdkImagePart(part: LanguageModelV3FilePart, path: string): ImageInput {
  const { data } = part;
  if (data instanceof URL) return { url: data.href };
  const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
  const mediaType = part.mediaType === 'image/*' ? sniffImageType(bytes) : part.mediaType;
  if (mediaType === undefined) {
    throw new InvalidArgumentError({ argument: 'prompt', message: `${path} is an image of a type backup-models cannot tell (PNG, JPEG, GIF or WebP are read).` });
  }
  const base64 = typeof data === 'string' ? data : Buffer.from(data).toString('base64');
  return { url: `data:${mediaType};base64,${base64}` };
}
