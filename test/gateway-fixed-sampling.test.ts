/**
 * The official OpenAI client through the gateway, asking Moonshot's kimi-k3.1-pro (the Moonshot provider's default)
 * with a temperature: Moonshot refuses it any temperature but 1 (400 invalid_request_error), so the gateway sends
 * none of the client's sampling to a model that fixes it (`fixedSampling`), built in or set in the YAML.
 */
import { describe, expect, it } from 'vitest';
import { refuseMoonshotTemperaturesButOne } from '../src/testing/moonshot-fixed-temperature.test-support.js';
import { useRefusingGatewayHarness } from './gateway-harness.js';

const gateway = useRefusingGatewayHarness(
  {
    env: { KIMI_OWN_KEY: 'kimi-own-test-key' },
    yamlText: (providers) => `
cache:
  enabled: false
providers:
  kimi-own:
    protocol: openai-compatible
    baseUrl: ${providers.url}/moonshot/v1
    apiKeyEnv: KIMI_OWN_KEY
    models:
      - { id: kimi-k2.6, fixedSampling: true }
`,
  },
  refuseMoonshotTemperaturesButOne,
);

const question = [{ role: 'user' as const, content: 'Say hello.' }];
const upstreamBody = () => gateway.current.providers.requests.at(-1)?.body as Record<string, unknown>;

describe('a model that fixes its sampling, through the gateway', () => {
  it('answers moonshot/kimi-k3.1-pro asked with a temperature, top_p and penalties, sending none of them', async () => {
    const { data, response } = await gateway.current.client.chat.completions
      .create({ model: 'moonshot/kimi-k3.1-pro', messages: question, temperature: 0.7, top_p: 0.9, presence_penalty: 0.5, frequency_penalty: 0.3 })
      .withResponse();
    expect(response.headers.get('x-backup-models-attempts')).toBe('moonshot:success');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    const body = upstreamBody();
    expect(body['model']).toBe('kimi-k3.1-pro');
    for (const field of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty']) expect(body).not.toHaveProperty(field);
  });

  it('streams it', async () => {
    const stream = await gateway.current.client.chat.completions.create({ model: 'moonshot/kimi-k3.1-pro', messages: question, temperature: 0.2, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('你好。');
    expect(upstreamBody()).not.toHaveProperty('temperature');
  });

  it('honours fixedSampling set on a model of a provider of the configuration', async () => {
    const data = await gateway.current.client.chat.completions.create({ model: 'kimi-own/kimi-k2.6', messages: question, temperature: 0.3 });
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(upstreamBody()).toMatchObject({ model: 'kimi-k2.6' });
    expect(upstreamBody()).not.toHaveProperty('temperature');
  });

});
