import { describe, expect, it } from 'vitest';
import { clientImageUrl } from './image-url.js';

/** Base64 of each type's first bytes, as the files begin. */
const heads = {
  png: 'iVBORw0KGgoAAAANSUhEUg==',
  jpeg: '/9j/4AAQSkZJRgABAQ==',
  gif: 'R0lGODlhAQABAIAAAP8=',
  webp: 'UklGRiQAAABXRUJQVlA4',
};

describe('clientImageUrl', () => {
  it('labels a data URL by what its bytes are', () => {
    expect(clientImageUrl(`data:image/png;base64,${heads.jpeg}`)).toBe(`data:image/jpeg;base64,${heads.jpeg}`);
    expect(clientImageUrl(`data:image/jpeg;base64,${heads.png}`)).toBe(`data:image/png;base64,${heads.png}`);
    expect(clientImageUrl(`data:image/png;base64,${heads.gif}`)).toBe(`data:image/gif;base64,${heads.gif}`);
    expect(clientImageUrl(`data:image/png;base64,${heads.webp}`)).toBe(`data:image/webp;base64,${heads.webp}`);
  });

  it('reads image/jpg as image/jpeg, and keeps the label of bytes of no type it knows', () => {
    expect(clientImageUrl('data:image/jpg;base64,QUJD')).toBe('data:image/jpeg;base64,QUJD');
    expect(clientImageUrl('data:image/JPG;base64,QUJD')).toBe('data:image/jpeg;base64,QUJD');
    expect(clientImageUrl('data:image/webp;base64,QUJDREVGR0hJSktM')).toBe('data:image/webp;base64,QUJDREVGR0hJSktM');
    expect(clientImageUrl(`data:image/png;base64,${heads.png}`)).toBe(`data:image/png;base64,${heads.png}`);
  });

  it('gives http(s) URLs as they are, and nothing for what no provider reads', () => {
    expect(clientImageUrl('https://example.com/a.jpg')).toBe('https://example.com/a.jpg');
    expect(clientImageUrl('data:image/svg+xml;base64,PHN2Zz4=')).toBeUndefined();
    expect(clientImageUrl('file:///etc/passwd')).toBeUndefined();
    expect(clientImageUrl('data:text/plain;base64,QUJD')).toBeUndefined();
  });
});
