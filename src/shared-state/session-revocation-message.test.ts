import { describe, expect, it } from 'vitest';
import { decodeSessionRevocationMessage, encodeSessionRevocationMessage } from './session-revocation-message.js';

describe('session revocation messages', () => {
  it('carry who signed out which session, and until when', () => {
    const message = { from: 'a', sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', expiresAtMs: 1_800_000_060_000 };
    expect(JSON.parse(encodeSessionRevocationMessage(message))).toEqual({ v: 1, ...message });
    expect(decodeSessionRevocationMessage(encodeSessionRevocationMessage(message))).toEqual(message);
  });

  it('ignore another version and anything malformed', () => {
    for (const text of [
      '{',
      '[]',
      '{"v":2,"from":"a","sessionId":"s","expiresAtMs":1}',
      '{"v":1,"sessionId":"s","expiresAtMs":1}',
      '{"v":1,"from":"a","expiresAtMs":1}',
      '{"v":1,"from":"a","sessionId":"","expiresAtMs":1}',
      '{"v":1,"from":"a","sessionId":7,"expiresAtMs":1}',
      '{"v":1,"from":"a","sessionId":"s"}',
      '{"v":1,"from":"a","sessionId":"s","expiresAtMs":"1"}',
    ]) {
      expect(decodeSessionRevocationMessage(text), text).toBeUndefined();
    }
  });
});
