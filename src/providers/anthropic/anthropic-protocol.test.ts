import { describe, expect, it } from 'vitest';
import { anthropicProtocol } from './anthropic-protocol.js';
import { readFixtureJson, readFixtureSseEvents } from './anthropic-fixtures.test-support.js';
import { noResponseHeaders } from '../../http/response-headers.js';

describe('anthropicProtocol', () => {
  const endpoint = { providerId: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-test-0123456789' };

  it('is the anthropic protocol and carries a request and its answer end to end', () => {
    expect(anthropicProtocol.id).toBe('anthropic');
    const spec = anthropicProtocol.buildChatRequest(
      { model: 'claude-3-5-haiku-20241022', messages: [{ role: 'user', content: 'Say hello in one word' }] },
      { endpoint, stream: false },
    );
    expect(spec.url).toBe('https://api.anthropic.com/v1/messages');
    const response = anthropicProtocol.parseChatResponse(readFixtureJson('message.json'), { providerId: 'anthropic', headers: noResponseHeaders });
    expect(response.content).toBe('Hello.');
    expect(anthropicProtocol.buildModelsListRequest(endpoint).url).toBe('https://api.anthropic.com/v1/models');
  });

  it('makes a fresh decoder for each stream', () => {
    const events = readFixtureSseEvents('messages-stream.sse');
    const first = anthropicProtocol.createStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
    events.forEach((event) => first.decode(event));
    const second = anthropicProtocol.createStreamDecoder({ providerId: 'anthropic', headers: noResponseHeaders });
    expect(first.done).toBe(true);
    expect(second.done).toBe(false);
  });
});
