import { describe, expect, it } from 'vitest';
import { describeUnreadableBody } from './describe-unreadable-body.js';

describe('describeUnreadableBody', () => {
  it("gives a proxy's HTML page as its text", () => {
    expect(describeUnreadableBody(502, '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>')).toBe(
      'HTML response body (status 502): 502 Bad Gateway 502 Bad Gateway',
    );
    expect(describeUnreadableBody(503, '  ')).toBe('empty response body (status 503)');
  });

  it('reads a body of many `<` and no `>` in one pass (it was quadratic: 300 KB blocked the event loop for half a minute)', () => {
    const described = describeUnreadableBody(502, '<'.repeat(300_000));
    expect(described.startsWith('unexpected response body (status 502): <<<')).toBe(true);
    expect(describeUnreadableBody(502, `<b>bold</b>${'<x'.repeat(100_000)}`)).toMatch(/^unexpected response body \(status 502\): bold <x<x/);
  });
});
