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

/**
 * A client's image URL as every provider reads it, or undefined when no provider would: `image/jpg`, the common
 * label for JPEG that OpenAI takes and Anthropic refuses ("Input should be 'image/jpeg', ...":
 * mealie-recipes/mealie#5897, NousResearch/hermes-agent#55432), becomes `image/jpeg`, so a call may fail over to any
 * provider that takes images.
 */
export function clientImageUrl(url: string): string | undefined {
  const canonical = /^data:image\/jpg;/i.test(url) ? `data:image/jpeg;${url.slice('data:image/jpg;'.length)}` : url;
  return isSupportedImageUrl(canonical) ? canonical : undefined;
}

export const supportedImageUrlMessage = 'must be an http(s) URL or a data URL of a PNG, JPEG, GIF or WebP image (data:image/png;base64,...)';

/** A base64 data URL's media type and bytes (still base64); undefined for any other URL. */
export function parseDataUrl(url: string): { readonly mediaType: string; readonly base64: string } | undefined {
  const match = /^data:([^;,]+);base64,/.exec(url);
  return match ? { mediaType: match[1]!, base64: url.slice(match[0].length) } : undefined;
}
