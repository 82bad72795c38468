import { describe, expect, it } from 'vitest';
import { parseBaseUrl } from './parse-base-url.js';

describe('the base URL rule', () => {
  it('takes an http or https URL, trimmed and without its trailing slashes, as the API paths are appended to it', () => {
    expect(parseBaseUrl('https://api.groq.com/openai/v1/')).toEqual({ baseUrl: 'https://api.groq.com/openai/v1' });
    expect(parseBaseUrl('http://127.0.0.1:11434/v1')).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1' });
    expect(parseBaseUrl('HTTPS://[::1]:8080')).toEqual({ baseUrl: 'HTTPS://[::1]:8080' });
    // Read from a file: the newline a key's value is trimmed of too.
    expect(parseBaseUrl(' https://proxy.internal/v1\n')).toEqual({ baseUrl: 'https://proxy.internal/v1' });
  });

  it('refuses what no call could be sent to, or would send somewhere else than written, saying why', () => {
    const refused: [string, RegExp][] = [
      ['', /is empty/],
      ['api.groq.com/openai/v1', /does not begin with http:\/\/ or https:\/\//],
      ['127.0.0.1:8080/v1', /does not begin with http:\/\//],
      ['localhost:8080', /does not begin with http:\/\//],
      ['ftp://files.internal/v1', /does not begin with http:\/\//],
      ['file:///etc/passwd', /does not begin with http:\/\//],
      ['http:/api.groq.com', /does not begin with http:\/\//],
      ['http://', /names no host/],
      ['http:///v1', /names no host/],
      ['http://exa mple.com/v1', /space or a control character/],
      ['http://host/v1\nX-Injected: 1', /space or a control character/],
      ['http://[::1/v1', /is not a URL/],
      ['http://host:99999/v1', /is not a URL/],
      ['http://user:pass@host/v1', /user name or password/],
      ['http://@host/v1', /user name or password/],
      ['https://host/v1?api-version=1', /query/],
      ['https://host/v1#part', /fragment/],
    ];
    for (const [text, why] of refused) expect(parseBaseUrl(text).problem, JSON.stringify(text)).toMatch(why);
  });

  it('never quotes the value, which may carry a key in its user name or its query', () => {
    const key = 'LrvGg3Mibs3BnqU7Nj1Xd9';
    for (const text of [`http://${key}@host/v1`, `http://user:${key}@host/v1`, `https://host/v1?key=${key}`, `https://host/v1#${key}`, `${key}`, `http://h ${key}`]) {
      const { problem } = parseBaseUrl(text);
      expect(problem).toBeDefined();
      expect(problem).not.toContain(key);
    }
  });
});
