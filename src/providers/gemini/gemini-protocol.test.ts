import { describe, expect, it } from 'vitest';
import { geminiProtocol } from './gemini-protocol.js';
import { readFixtureJson, readFixtureSseEvents, readFixtureText } from './gemini-fixtures.test-support.js';
import { noResponseHeaders, responseHeadersFrom } from '../../http/response-headers.js';

describe('geminiProtocol', () => {
  const endpoint = { providerId: 'google', baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'AIzaSyTest0123456789abcdefghij' };

  it('is the gemini protocol and carries a request, its answer and its errors', () => {
    expect(geminiProtocol.id).toBe('gemini');
    const spec = geminiProtocol.buildChatRequest(
      { model: 'gemini-3-pro-preview', messages: [{ role: 'user', content: 'What is 2+2?' }] },
      { endpoint, stream: false },
    );
    expect(spec.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:generateContent');
    expect(geminiProtocol.parseChatResponse(readFixtureJson('generateContent.json'), { providerId: 'google', headers: noResponseHeaders }).content).toBe(
      '2 + 2 is 4.',
    );
    const error = geminiProtocol.parseError({
      providerId: 'google',
      statusCode: 400,
      headers: responseHeadersFrom({ 'content-type': 'text/event-stream' }),
      bodyText: readFixtureText('error-400-api-key-invalid-stream.json'),
      nowMs: 0,
    });
    expect(error.reason).toBe('authentication');
    expect(geminiProtocol.buildModelsListRequest(endpoint).url).toBe('https://generativelanguage.googleapis.com/v1beta/models');
  });

  it('makes a fresh decoder for each stream', () => {
    const first = geminiProtocol.createStreamDecoder({ providerId: 'google', headers: noResponseHeaders });
    readFixtureSseEvents('streamGenerateContent-sse.sse').forEach((event) => first.decode(event));
    expect(first.done).toBe(true);
    expect(geminiProtocol.createStreamDecoder({ providerId: 'google', headers: noResponseHeaders }).done).toBe(false);
  });
});
