/**
 * A stream that falls silent after its headers gets its API's keep-alive (an SSE comment for OpenAI's
 * clients, Anthropic's `ping` event for Messages clients), so idle timeouts on the way do not cut an answer
 * that is still coming; the router's own idle limit still ends a stream that never resumes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: 'limits:\n  streamKeepAliveMs: 300\nrouter:\n  idleTimeoutMs: 1500\ncache:\n  enabled: false\n',
  });
});
afterAll(async () => harness?.close());
beforeEach(() => harness.providers.reset());

async function rawStream(path: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayKeys[0]}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe.each([
  ['/v1/chat/completions', ': ping\n\n', 'data: {"error"', {}],
  ['/v1/messages', 'event: ping\ndata: {"type": "ping"}\n\n', 'event: error\n', { max_tokens: 100 }],
] as const)('%s', (path, ping, errorEvent, extra) => {
  it('pings while the upstream is silent mid-stream, then ends with the idle limit as an error event', async () => {
    harness.providers.setBehavior('openai', { kind: 'stall-after-events', events: 3 });
    const text = await rawStream(path, { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, ...extra });
    const firstPing = text.indexOf(ping);
    const error = text.indexOf(errorEvent);
    expect(firstPing).toBeGreaterThan(0);
    expect(error).toBeGreaterThan(firstPing);
    // About 1.5 s of silence with a ping due every 0.3 to 0.4 s.
    expect(text.split(ping).length - 1).toBeGreaterThanOrEqual(2);
  });

  it('sends no ping in a stream that never falls silent', async () => {
    const text = await rawStream(path, { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream: true, ...extra });
    expect(text).not.toContain(ping);
    expect(text).not.toContain(errorEvent);
  });
});
