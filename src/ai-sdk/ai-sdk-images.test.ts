import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { fromAiSdkImagePart, toAiSdkImagePart } from './ai-sdk-images.js';

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const pngBase64 = Buffer.from(pngBytes).toString('base64');

describe('images between our messages and the AI SDK', () => {
  it('goes both ways: a data URL as base64 with its type, a URL as a URL', () => {
    const data = { url: `data:image/png;base64,${pngBase64}` };
    expect(toAiSdkImagePart(data)).toEqual({ type: 'file', mediaType: 'image/png', data: pngBase64 });
    expect(fromAiSdkImagePart(toAiSdkImagePart(data), 'p')).toEqual(data);
    const remote = { url: 'https://example.com/cat.jpg' };
    expect(toAiSdkImagePart(remote)).toEqual({ type: 'file', mediaType: 'image/*', data: new URL(remote.url) });
    expect(fromAiSdkImagePart(toAiSdkImagePart(remote), 'p')).toEqual(remote);
  });

  it('tells the type of image/* bytes from their first bytes, and refuses bytes it cannot tell', () => {
    expect(fromAiSdkImagePart({ type: 'file', mediaType: 'image/*', data: pngBytes }, 'p').url).toBe(`data:image/png;base64,${pngBase64}`);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    expect(fromAiSdkImagePart({ type: 'file', mediaType: 'image/*', data: jpeg }, 'p').url.startsWith('data:image/jpeg;base64,')).toBe(true);
    expect(() => fromAiSdkImagePart({ type: 'file', mediaType: 'image/*', data: new Uint8Array([1, 2, 3]) }, 'messages[0]')).toThrow(InvalidArgumentError);
  });
});
