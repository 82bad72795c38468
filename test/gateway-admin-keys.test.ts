/**
 * Operator endpoints behind admin keys, over HTTP against a started gateway with its dashboard: /metrics,
 * /health and the dashboard (page, state, event stream, sign-in) show every key's calls and spend, so only an
 * admin key reads them; another valid key gets a 403 that says so, no key a 401, and the model endpoints
 * answer both alike. With keys but none an admin key, the operator endpoints refuse every key and name the
 * setting; without keys (loopback) they stay open.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const tenantKey = 'tenant-key-alpha-0123456789';
const otherTenantKey = 'tenant-key-bravo-0123456789';
const fileAdminKey = 'file-admin-key-0123456789';
const envAdminKey = 'env-admin-key-0123456789';
const yamlText = `
keys:
  - name: ops
    keyEnv: OPS_GATEWAY_KEY
    admin: true
  - name: tenant-a
    key: ${tenantKey}
`;

/** Every operator endpoint a key could read: the gateway's own and the dashboard's. */
const operatorPaths = ['/metrics', '/health', '/', '/dashboard/state', '/dashboard/events'] as const;

/** The status, type and body of a GET; an event stream is cut once its first bytes arrive. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      const done = (): void => {
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', text });
        request.destroy();
      };
      response.on('data', (chunk: string) => {
        text += chunk;
        if (response.headers['content-type']?.startsWith('text/event-stream')) done();
      });
      response.on('end', done);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The ways the model endpoints take a key: both work on the operator endpoints too. */
const sentAs = {
  bearer: (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` }),
  'x-api-key': (key: string): Record<string, string> => ({ 'x-api-key': key }),
};

async function startWithDashboard(options: Parameters<typeof startGatewayHarness>[0]): Promise<{ harness: GatewayHarness; dashboard: Dashboard }> {
  const harness = await startGatewayHarness(options);
  const dashboard = attachDashboard({ gateway: harness.gateway, router: harness.router, keys: harness.config.keyPolicies, sampleIntervalMs: 100 });
  return { harness, dashboard };
}

describe('a gateway with admin keys and tenant keys', () => {
  let harness: GatewayHarness;
  let dashboard: Dashboard;

  beforeAll(async () => {
    ({ harness, dashboard } = await startWithDashboard({
      yamlText,
      keys: [otherTenantKey],
      adminKeys: [envAdminKey],
      env: { OPS_GATEWAY_KEY: fileAdminKey },
    }));
    await harness.client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: 'something to count' }] });
  });

  afterAll(async () => {
    dashboard.close();
    await harness.close();
  });

  it.each(Object.entries(sentAs))('lets an admin key (from the file and from the environment) read every operator endpoint, sent as %s', async (_way, headersOf) => {
    for (const adminKey of [fileAdminKey, envAdminKey]) {
      for (const path of operatorPaths) {
        const response = await get(`${harness.url}${path}`, headersOf(adminKey));
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
      }
    }
    const metrics = await get(`${harness.url}/metrics`, sentAs.bearer(envAdminKey));
    expect(metrics.text).toMatch(/backup_models_gateway_requests_total\{route="chat_completions",status="200"\} 1/);
    expect(metrics.text).not.toContain(envAdminKey);
    expect((await get(`${harness.url}/dashboard/events`, sentAs['x-api-key'](fileAdminKey))).text).toMatch(/^retry: 1000\n\nevent: snapshot/);
    expect((await get(`${harness.url}/`, sentAs.bearer(fileAdminKey))).text).toContain('<script src="/dashboard/app.js" defer></script>');
  });

  it.each(Object.entries(sentAs))('refuses a tenant key on every operator endpoint with an OpenAI-shaped 403, sent as %s', async (_way, headersOf) => {
    for (const [key, name] of [[tenantKey, 'tenant-a'], [otherTenantKey, 'key-3']] as const) {
      for (const path of operatorPaths) {
        const response = await get(`${harness.url}${path}`, headersOf(key));
        expect({ path, status: response.status, contentType: response.contentType }).toEqual({ path, status: 403, contentType: 'application/json' });
        expect(JSON.parse(response.text)).toEqual({
          error: {
            message: `GET ${path} is for the gateway's operators and needs an admin gateway key; the key "${name}" is not one.`,
            type: 'invalid_request_error',
            param: null,
            code: 'admin_key_required',
          },
        });
        expect(response.text).not.toContain(key);
      }
    }
  });

  it('asks for a key (401) on every operator endpoint when none, or a wrong one, is sent', async () => {
    for (const headers of [{}, sentAs.bearer('not-a-gateway-key-0123456789')]) {
      for (const path of operatorPaths) expect({ path, status: (await get(`${harness.url}${path}`, headers)).status }).toEqual({ path, status: 401 });
    }
    expect((await get(`${harness.url}/`)).text).toContain('<form class="login" method="post" action="/dashboard/login">');
  });

  it('signs an admin key in to the dashboard, and refuses a tenant key a session', async () => {
    const signIn = (key: string) =>
      fetch(`${harness.url}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key }).toString(),
      });
    const tenant = await signIn(tenantKey);
    expect(tenant.status).toBe(403);
    expect(tenant.headers.get('set-cookie')).toBeNull();
    expect(await tenant.text()).toContain('That key is not an admin key: the dashboard needs one.');

    const admin = await signIn(fileAdminKey);
    expect(admin.status).toBe(303);
    const cookie = (admin.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).not.toContain(fileAdminKey);
    // The session opens the page and the event stream the page reads (an EventSource sends only the cookie).
    expect((await get(`${harness.url}/`, { cookie })).status).toBe(200);
    expect((await get(`${harness.url}/dashboard/events`, { cookie })).status).toBe(200);
    // ... and never an operator endpoint of the gateway's own, or the API.
    expect((await get(`${harness.url}/metrics`, { cookie })).status).toBe(401);
  });

  it('answers the model endpoints for tenant and admin keys alike', async () => {
    for (const key of [tenantKey, otherTenantKey, fileAdminKey, envAdminKey]) {
      const client = harness.clientWithKey(key);
      const completion = await client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: `hello from ${key.slice(0, 6)}` }] });
      expect(completion.choices[0]?.message.content).toBeTruthy();
      expect((await client.models.list()).data.length).toBeGreaterThan(0);
      expect((await get(`${harness.url}/v1/key`, sentAs['x-api-key'](key))).status).toBe(200);
    }
    expect((await get(`${harness.url}/livez`)).status).toBe(200);
  });
});

describe('a gateway whose keys are none of them admin keys', () => {
  let harness: GatewayHarness;
  let dashboard: Dashboard;

  beforeAll(async () => {
    ({ harness, dashboard } = await startWithDashboard({ yamlText: `keys: [{ name: tenant-a, key: ${tenantKey} }]`, keys: [otherTenantKey] }));
  });

  afterAll(async () => {
    dashboard.close();
    await harness.close();
  });

  it('refuses every key on every operator endpoint, naming the setting that makes an admin key', async () => {
    for (const key of [tenantKey, otherTenantKey]) {
      for (const path of operatorPaths) {
        const response = await get(`${harness.url}${path}`, sentAs.bearer(key));
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        const { error } = JSON.parse(response.text) as { error: { message: string; code: string } };
        expect(error.code).toBe('admin_key_required');
        expect(error.message).toBe(
          `GET ${path} is for the gateway's operators and needs an admin gateway key, and no key is one: set \`admin: true\` on a key ` +
            'under `keys` in the configuration, or list it in BACKUP_MODELS_GATEWAY_ADMIN_KEYS.',
        );
      }
    }
    const completion = await harness.clientWithKey(tenantKey).chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });
});

describe('a keyless gateway on loopback', () => {
  let harness: GatewayHarness;
  let dashboard: Dashboard;

  beforeAll(async () => {
    ({ harness, dashboard } = await startWithDashboard({ keys: [] }));
  });

  afterAll(async () => {
    dashboard.close();
    await harness.close();
  });

  it('serves every operator endpoint without a key: there is none to check', async () => {
    for (const path of operatorPaths) expect({ path, status: (await get(`${harness.url}${path}`)).status }).toEqual({ path, status: 200 });
  });
});
