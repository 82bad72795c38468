import { describe, expect, it } from 'vitest';
import { GatewayHttpError } from './gateway-http-error.js';
import { parseJsonBody } from './request-body.js';

function parseError(bytes: Buffer): GatewayHttpError {
  try {
    parseJsonBody(bytes, { maxDepth: 64 });
  } catch (error) {
    if (error instanceof GatewayHttpError) return error;
    throw error;
  }
  throw new Error('expected a GatewayHttpError');
}

describe('parseJsonBody', () => {
  it('parses a UTF-8 JSON body once', () => {
    expect(parseJsonBody(Buffer.from('{"model":"tier-1","text":"héllo ✓"}'), { maxDepth: 64 })).toEqual({ model: 'tier-1', text: 'héllo ✓' });
  });

  it('refuses each hostile body with a 400 and a code', () => {
    expect(parseError(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toMatchObject({ status: 400, code: 'invalid_encoding' });
    expect(parseError(Buffer.from('not json'))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(parseError(Buffer.alloc(0))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(parseError(Buffer.from('['.repeat(10_000)))).toMatchObject({ status: 400, code: 'json_too_deep' });
    expect(parseError(Buffer.from('{"__proto__":{"admin":true}}'))).toMatchObject({ status: 400, code: 'forbidden_key' });
  });
});
