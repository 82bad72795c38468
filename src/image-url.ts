/**
 * What an `ImageInput.url` may be, and a data URL's parts. Every layer that reads or writes images (the
 * router's checks, each provider's request, the gateway's dialects, the AI SDK adapter) reads them here.
 */

/** The image types every provider that takes images reads. */
const imageDataUrl = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]/;

/** An http(s) URL, or a data URL of a PNG, JPEG, GIF or WebP image. */
export function isSupportedImageUrl(url: string): boolean {
  return url.startsWith('https://') || url.startsWith('http://') || imageDataUrl.test(url);
}

/** The image types a data URL's first bytes show, by their signatures (base64 of the first 12 bytes). */
function sniffedImageType(base64Head: string): string | undefined {
  const bytes = Buffer.from(base64Head, 'base64');
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * A client's image URL as every provider reads it, or undefined when no provider would. A data URL is labelled by
 * what its bytes are: `image/jpg`, the common label for JPEG that OpenAI takes and Anthropic refuses ("Input should be
 * 'image/jpeg', ...": mealie-recipes/mealie#5897, NousResearch/hermes-agent#55432), and a label its bytes belie (a JPEG
 * screenshot sent as `image/png`, which OpenAI reads and Anthropic refuses, "Image does not match the provided media
 * type": BerriAI/litellm#24900, anthropics/claude-code#13131), so a call may fail over to any provider that takes
 * images. Bytes of no type known keep their label.
 */
export function clientImageUrl(url: string): string | undefined {
  const labelled = /^data:image\/([A-Za-z+.-]+);base64,/.exec(url);
  if (labelled === null) return isSupportedImageUrl(url) ? url : undefined;
  const base64 = url.slice(labelled[0].length);
  const label = labelled[1]!.toLowerCase() === 'jpg' ? 'image/jpeg' : `image/${labelled[1]!}`;
  const mediaType = sniffedImageType(base64.slice(0, 16)) ?? label;
  const canonical = mediaType === `image/${labelled[1]!}` ? url : `data:${mediaType};base64,${base64}`;
  return isSupportedImageUrl(canonical) ? canonical : undefined;
}

export const supportedImageUrlMessage = 'must be an http(s) URL or a data URL of a PNG, JPEG, GIF or WebP image (data:image/png;base64,...)';

/** A base64 data URL's media type and bytes (still base64); undefined for any other URL. */
export function parseDataUrl(url: string): { readonly mediaType: string; readonly base64: string } | undefined {
  const match = /^data:([^;,]+);base64,/.exec(url);
  return match ? { mediaType: match[1]!, base64: url.slice(match[0].length) } : undefined;
}
