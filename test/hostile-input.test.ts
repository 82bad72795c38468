/**
 * Issue 8, hostile input through the gateway (beyond the cases of gateway-errors.test.ts): bodies huge by
 * their declared length or by their depth, not UTF-8 in ways `isUtf8` must catch, not a JSON object,
 * prototype keys spelled with escapes, and upstream URLs or hosts in fields and headers. Each is a 4xx before
 * any upstream call, nothing ever reaches the address an attacker names (a real server here, counting), and
 * the process is unharmed: the next normal request works.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachDashboard } from '../src/dashboard/attach-dashboard.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

let harness: GatewayHarness;
let keyless: GatewayHarness;
let evil: Server;
let evilHits = 0;
let evilHost = '';
let caseNumber = 0;

beforeAll(async () => {
  evil = createServer((request, response) => {
    evilHits += 1;
    response.end('{}');
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilHost = `127.0.0.1:${(evil.address() as AddressInfo).port}`;
  harness = await startGatewayHarness();
  keyless = await startGatewayHarness({ keys: [] });
});
afterAll(async () => {
  await harness?.close();
  await keyless?.close();
  await new Promise<void>((resolve) => evil.close(() => resolve()));
});
beforeEach(() => {
  harness.providers.reset();
  keyless.providers.reset();
  caseNumber += 1;
});

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** A raw POST, for what no client would send: any header (Host included), any bytes, any declared length. */
function rawPost(
  target: GatewayHarness,
  options: { body: Buffer | string; headers?: Record<string, string>; declaredLength?: number; withKey?: boolean; path?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(options.body);
    const request = httpRequest(
      new URL(options.path ?? '/v1/chat/completions', target.url),
      {
        method: 'POST',
        headers: {
          ...(options.withKey === false ? {} : { authorization: `Bearer ${gatewayKeys[0]}` }),
          'content-type': 'application/json',
          'content-length': String(options.declaredLength ?? bytes.length),
          ...options.headers,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    // A declared length larger than what is sent: the gateway must answer without waiting for the rest.
    request.on('error', reject);
    if (options.declaredLength !== undefined && options.declaredLength > bytes.length) request.write(bytes);
    else request.end(bytes);
  });
}

const prompt = (): string => `hostile case ${caseNumber}`;
const validBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: prompt() }],
  ...extra,
});

/** Refused with the given status, nothing sent upstream nor to the attacker's host, and the next call works. */
async function expectRefusedHarmlessly(target: GatewayHarness, response: RawResponse, status: number | '4xx'): Promise<void> {
  if (status === '4xx') {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  } else {
    expect(response.status).toBe(status);
  }
  const error = (JSON.parse(response.body) as { error: { type: string; message: string } }).error;
  expect(error.type).toBe('invalid_request_error');
  expect(target.providers.requests).toHaveLength(0);
  expect(evilHits).toBe(0);
  const next = await target.client.chat.completions.create({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: `after ${prompt()}` }],
  });
  expect(next.choices[0]?.message.content?.length).toBeGreaterThan(0);
  expect(target.providers.requests.map((entry) => entry.path)).toEqual(['/openai/v1/chat/completions']);
}

describe('huge bodies', () => {
  it('a declared length of 100 GB is refused at once, without reading the body', async () => {
    const response = await rawPost(harness, { body: '{"model":', declaredLength: 100 * 1024 ** 3 });
    await expectRefusedHarmlessly(harness, response, 413);
  });

  it('a million opening brackets within the size limit: refused by depth, the parser never recurses', async () => {
    const response = await rawPost(harness, { body: `{"model":"openai/gpt-4o-mini","messages":${'['.repeat(1_000_000)}` });
    await expectRefusedHarmlessly(harness, response, 400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'json_too_deep' } });
  });
});

describe('nested ten thousand deep', () => {
  it('objects, inside a message', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const response = await rawPost(harness, { body: `{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":${deep}}]}` });
    await expectRefusedHarmlessly(harness, response, 400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'json_too_deep' } });
  });

  it('but ten thousand brackets inside a string are text, not nesting: served', async () => {
    const completion = await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: `${prompt()} ${'[{'.repeat(10_000)}` }],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});

describe('not UTF-8', () => {
  const around = (bytes: number[]): Buffer =>
    Buffer.concat([Buffer.from('{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from(bytes), Buffer.from('"}]}')]);
  it.each([
    ['an overlong "/" (C0 AF)', around([0xc0, 0xaf])],
    ['a UTF-16 surrogate encoded in UTF-8 (ED A0 80)', around([0xed, 0xa0, 0x80])],
    ['a code point above U+10FFFF (F4 90 80 80)', around([0xf4, 0x90, 0x80, 0x80])],
    ['a character cut at the end of the body', Buffer.concat([around([]), Buffer.from([0xe2, 0x82])])],
    ['UTF-16LE with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }), 'utf16le')])],
  ])('%s', async (_name, body) => {
    const response = await rawPost(harness, { body });
    await expectRefusedHarmlessly(harness, response, 400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'invalid_encoding' } });
  });
});

describe('not a JSON object', () => {
  it.each([
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[{"model":"openai/gpt-4o-mini"}]'],
    ['a string', '"openai/gpt-4o-mini"'],
    ['trailing garbage', `${JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })}garbage`],
    ['NaN', '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":NaN}'],
    ['a number too large for a double', '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":1e999}'],
    ['a UTF-8 byte order mark', `\ufeff${JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })}`],
  ])('%s', async (_name, body) => {
    await expectRefusedHarmlessly(harness, await rawPost(harness, { body }), 400);
  });
});

describe('prototype keys', () => {
  it.each([
    ['__proto__ spelled with an escape, at the top', '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"x"}],"\\u005f_proto__":{"polluted":true}}'],
    ['__proto__ inside a tool schema', JSON.stringify(validBody()).replace('"messages"', '"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"polluted":true}}}}],"messages"')],
  ])('%s', async (_name, body) => {
    const response = await rawPost(harness, { body });
    await expectRefusedHarmlessly(harness, response, 400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'forbidden_key' } });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe("a type named like Object.prototype's members in a tool schema sent to Gemini", () => {
  // Finding S1 (fixed): the Gemini schema converter looked the type up in a plain object, so `toString`
  // reached a function and threw; the router took the throw for a network failure, and a few such calls from
  // any key opened Google's circuit for every caller.
  it('is answered, and leaves the circuit closed for everyone else', async () => {
    const types = ['toString', 'hasOwnProperty', 'valueOf', 'toString', 'hasOwnProperty', 'valueOf', 'toString', 'hasOwnProperty'];
    for (const [index, type] of types.entries()) {
      const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type, format: 'date-time' } } } } }];
      const body = { model: 'google/gemini-2.0-flash', messages: [{ role: 'user', content: `${prompt()} ${index}` }], tools };
      const response = await rawPost(harness, { body: JSON.stringify(body), headers: { authorization: `Bearer ${gatewayKeys[1]}` } });
      expect(response.status).toBe(200);
    }
    expect(harness.providers.requests.map((entry) => entry.provider)).toEqual(Array(8).fill('google'));
    expect(harness.router.getHealthStatus().google).toMatchObject({ circuitState: 'closed', totalFailures: 0 });
  });
});

describe("a tool call Gemini's converter refuses (arguments that are not a JSON object)", () => {
  // The converter refuses it with an InvalidArgumentError of ours, which the provider let through as is; the
  // router took it for a network failure, and a few such calls from one key opened Google's circuit for all.
  it("fails over without a word against Google's health: its circuit stays closed for everyone else", async () => {
    const answers: string[] = [];
    for (let index = 0; index < 8; index += 1) {
      const body = {
        model: 'google/gemini-2.0-flash',
        messages: [
          { role: 'user', content: `${prompt()} ${index}` },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '[1]' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        ],
      };
      answers.push((await rawPost(harness, { body: JSON.stringify(body), headers: { authorization: `Bearer ${gatewayKeys[1]}` } })).body);
    }
    // Nothing reached Google: the request was refused before it was sent.
    expect(harness.providers.requests).toEqual([]);
    // Nor its success rate, which ranks Google for every caller: the refusal was ours, before sending.
    expect(harness.router.getHealthStatus().google).toMatchObject({ circuitState: 'closed', successRate: 1, totalFailures: 0 });
    for (const answer of answers) expect(answer).toContain('google (generation_failed)');
    const normal = { model: 'google/gemini-2.0-flash', messages: [{ role: 'user', content: prompt() }] };
    const response = await rawPost(harness, { body: JSON.stringify(normal) });
    expect(response.status).toBe(200);
  });
});

describe('a request every candidate\'s converter refuses', () => {
  it('is a 400 naming the field, not a 503 a client would retry', async () => {
    const body = {
      model: 'google/gemini-2.0-flash',
      messages: [
        { role: 'user', content: prompt() },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '[1]' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'done' },
      ],
    };
    const answer = await rawPost(harness, { body: JSON.stringify(body), headers: { authorization: `Bearer ${gatewayKeys[1]}` } });
    expect(answer.status).toBe(400);
    const { error } = JSON.parse(answer.body) as { error: { type: string; code: string; param: string; message: string } };
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value' });
    expect(error.param).toMatch(/^messages\[1\]/);
    expect(error.message).toContain('google (generation_failed)');
    expect(harness.providers.requests).toEqual([]);
  });
});

describe('an upstream URL or host in a field: refused before any upstream call', () => {
  it.each([
    ['model is a URL', () => validBody({ model: `http://${evilHost}/v1` })],
    ['model is a scheme-relative URL', () => validBody({ model: `//${evilHost}/x` })],
    ['baseURL (camel case)', () => validBody({ baseURL: `http://${evilHost}/v1` })],
    ['api_host', () => validBody({ api_host: evilHost })],
    ['a host inside extra_headers', () => validBody({ extra_headers: { Host: evilHost } })],
    ['an endpoint inside provider options', () => validBody({ provider: { endpoint: `http://${evilHost}` } })],
    ['an upstream list deep inside an unread field', () => validBody({ routing_options: { routing: [{ upstream: `http://${evilHost}` }] } })],
  ])('%s', async (_name, body) => {
    await expectRefusedHarmlessly(harness, await rawPost(harness, { body: JSON.stringify(body()) }), '4xx');
  });

  // The embeddings endpoint as the three APIs: its texts would otherwise go to the configured upstream of a client
  // that named its own (LiteLLM's `api_base`), without a word.
  it.each([
    ['api_base', () => ({ api_base: `http://${evilHost}/v1` })],
    ['a base URL inside extra_body', () => ({ extra_body: { base_url: `http://${evilHost}/v1` } })],
  ])('POST /v1/embeddings with %s', async (_name, extra) => {
    const body = { model: 'openai/text-embedding-3-small', input: prompt(), dimensions: 128, ...extra() };
    await expectRefusedHarmlessly(harness, await rawPost(harness, { body: JSON.stringify(body), path: '/v1/embeddings' }), '4xx');
  });

  // `metadata` is the caller's own tags in all three APIs: never read, never sent on, so a tag named `endpoint`
  // or `url` is answered (it was refused with a 400 once) and its value reaches no one.
  it.each([
    ['chat completions', '/v1/chat/completions', () => validBody({ store: true, metadata: { endpoint: `http://${evilHost}`, hostname: evilHost } })],
    ['Responses', '/v1/responses', () => ({ model: 'openai/gpt-4o-mini', input: prompt(), metadata: { url: `http://${evilHost}/cart` } })],
    ['Messages', '/v1/messages', () => ({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: prompt() }], metadata: { user_id: 'u-1', upstream: `http://${evilHost}` } })],
  ])("metadata tags named like an upstream are the caller's own on %s: answered by the configured upstream, sent nowhere", async (_name, path, body) => {
    const response = await rawPost(harness, { body: JSON.stringify(body()), path });
    expect(response.status).toBe(200);
    expect(evilHits).toBe(0);
    expect(harness.providers.requests.map((entry) => entry.path)).toEqual(['/openai/v1/chat/completions']);
    expect(JSON.stringify(harness.providers.requests[0]?.body)).not.toContain(evilHost);
  });

  // A provider/model reference whose model part is a URL or a path: refused with a 4xx before any upstream
  // call (finding F4, fixed: the model part must look like a model id).
  it.each([
    ['a URL as the model of a known provider', () => validBody({ model: `openai/http://${evilHost}/v1` })],
    ['a path climbing out of the Gemini model segment', () => validBody({ model: 'google/../../openai/v1/chat/completions' })],
  ])('%s (F4)', async (_name, body) => {
    await expectRefusedHarmlessly(harness, await rawPost(harness, { body: JSON.stringify(body()) }), '4xx');
  });

  it.each([
    ['a line break and a header', 'google/gemini-2.0-flash\r\nx-injected: 1'],
    ['a query string', 'google/gemini-2.0-flash:generateContent?key=x'],
    ['an encoded slash climbing out', 'google/gemini%2f..%2f..%2fx'],
  ])('a model name with %s reaches no upstream path and no response header', async (_name, model) => {
    const response = await rawPost(harness, { body: JSON.stringify(validBody({ model })) });
    expect(response.status).toBe(404);
    expect(harness.providers.requests).toHaveLength(0);
  });
});

describe('an upstream host in a header', () => {
  // Tables are built before beforeAll runs: the attacker's address is read when each case runs.
  it.each([
    ['X-Forwarded-Host', () => ({ 'x-forwarded-host': evilHost })],
    ['Forwarded', () => ({ forwarded: `host=${evilHost};proto=http` })],
    ['Host', () => ({ host: evilHost })],
    ['X-Original-URL', () => ({ 'x-original-url': `http://${evilHost}/v1/chat/completions` })],
  ])('%s never chooses where the request goes (a keyed gateway answers from its configured upstream)', async (_name, headersOf) => {
    const headers = headersOf();
    expect(Object.values(headers).join()).toContain(evilHost);
    const response = await rawPost(harness, { body: JSON.stringify(validBody()), headers });
    expect(evilHits).toBe(0);
    if (response.status === 200) {
      expect(harness.providers.requests.map((entry) => entry.path)).toEqual(['/openai/v1/chat/completions']);
    } else {
      await expectRefusedHarmlessly(harness, response, '4xx');
    }
  });

  it('an absolute-form request target naming the attacker is an unknown URL, never a proxy request', async () => {
    const body = JSON.stringify(validBody());
    const response = await new Promise<RawResponse>((resolve, reject) => {
      const url = new URL(harness.url);
      const socket = connect(Number(url.port), url.hostname);
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve({ status: Number(text.slice(9, 12)), body: text.slice(text.indexOf('\r\n\r\n') + 4) }));
      socket.on('error', reject);
      socket.end(
        `POST http://${evilHost}/v1/chat/completions HTTP/1.1\r\nHost: ${evilHost}\r\nAuthorization: Bearer ${gatewayKeys[0]}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'unknown_url' } });
    expect(evilHits).toBe(0);
    expect(harness.providers.requests).toHaveLength(0);
  });

  // Without gateway keys (allowed on loopback), any web page the user visits could drive the gateway: DNS
  // rebinding gives it a Host of its own name, and a `text/plain` POST needs no CORS preflight. Finding F3,
  // fixed: a keyless gateway wants a loopback Host, no foreign Origin, and a JSON content type.
  it.each([
    ['a foreign Host (DNS rebinding)', { host: 'rebind.attacker.example:8787' }],
    ['a text/plain body (a cross-site form post)', { 'content-type': 'text/plain' }],
    ['a foreign Origin', { origin: 'https://attacker.example' }],
  ])('a keyless gateway refuses %s before any upstream call (F3)', async (_name, headers) => {
    const response = await rawPost(keyless, { body: JSON.stringify(validBody()), headers, withKey: false });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(keyless.providers.requests).toHaveLength(0);
  });
});

describe("a keyless gateway's dashboard", () => {
  /** A raw GET with any Host, reading the status only (the event stream would not end by itself). */
  const statusOf = (path: string, host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const request = httpRequest(new URL(path, keyless.url), { headers: { host } }, (response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.end();
    });

  // Finding S2 (fixed): the dashboard's routes are public (they check their own sign-in), so a gateway without
  // keys served them to any Host: a page rebound to 127.0.0.1 read every call's provider, model and cost.
  it('is refused to a foreign Host (DNS rebinding), and still served to a loopback one (S2)', async () => {
    const dashboard = attachDashboard({ gateway: keyless.gateway, router: keyless.router, keys: [] });
    try {
      for (const path of ['/', '/dashboard/state', '/dashboard/events']) {
        expect(await statusOf(path, 'rebind.attacker.example:8787')).toBe(403);
      }
      expect(await statusOf('/dashboard/state', new URL(keyless.url).host)).toBe(200);
      expect(await statusOf('/dashboard/state', `localhost:${new URL(keyless.url).port}`)).toBe(200);
    } finally {
      dashboard.close();
    }
  });
});

describe("the Messages endpoint (POST /v1/messages): the same refusals, in Anthropic's error shape", () => {
  const messagesBody = (extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: prompt() }], ...extra });
  const anthropicError = (response: RawResponse): { type: string; message: string } => {
    const body = JSON.parse(response.body) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    return body.error;
  };

  it.each([
    ['a declared length of 100 GB', () => ({ body: '{"model":', declaredLength: 100 * 1024 ** 3 }), 413, 'request_too_large'],
    ['a million opening brackets', () => ({ body: `{"model":"openai/gpt-4o-mini","messages":${'['.repeat(1_000_000)}` }), 400, 'invalid_request_error'],
    ['__proto__ spelled with an escape', () => ({ body: messagesBody().replace('"messages"', '"\\u005f_proto__":{"polluted":true},"messages"') }), 400, 'invalid_request_error'],
    ['an upstream inside an unread field', () => ({ body: messagesBody({ routing_options: { upstream: `http://${evilHost}` } }) }), 400, 'invalid_request_error'],
    ['an MCP server URL', () => ({ body: messagesBody({ mcp_servers: [{ type: 'url', url: `http://${evilHost}/mcp`, name: 'x' }] }) }), 400, 'invalid_request_error'],
    ['a model that is a URL', () => ({ body: messagesBody({ model: `http://${evilHost}/v1` }) }), 404, 'not_found_error'],
  ])('%s', async (_name, makeRequest, status, type) => {
    const response = await rawPost(harness, { ...makeRequest(), path: '/v1/messages' });
    expect(response.status).toBe(status);
    expect(anthropicError(response).type).toBe(type);
    expect(harness.providers.requests).toHaveLength(0);
    expect(evilHits).toBe(0);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('a keyless gateway refuses a foreign Origin with permission_error, before any upstream call', async () => {
    const response = await rawPost(keyless, { body: messagesBody(), headers: { origin: 'https://attacker.example' }, withKey: false, path: '/v1/messages' });
    expect(response.status).toBe(403);
    expect(anthropicError(response).type).toBe('permission_error');
    expect(keyless.providers.requests).toHaveLength(0);
  });
});
