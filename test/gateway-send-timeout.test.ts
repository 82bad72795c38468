/**
 * A client that asks for a whole (not streamed) answer and never reads it. Node has no write timeout: an answer
 * larger than the socket's buffers waited in the gateway for good, holding the socket. With `limits.sendTimeoutMs`
 * the gateway closes the connection once the answer, written whole, has not been taken by then, and logs and
 * counts it. The answer is a recorded OpenAI chat completion replayed with a long text (the provider test
 * server's `text`), about 24 MB: far more than loopback's socket buffers hold. The gateway's clock is a manual one.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { askAndNeverRead as neverReadingClient } from './never-reading-client.js';

const sendTimeoutMs = 1_000;
const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let harness: GatewayHarness;

beforeAll(async () => {
  harness = await startGatewayHarness({
    // The 24 MB answer is past the 16 MiB a provider's answer may be by default (maxProviderResponseBytes): this
    // test is about the client's side, so the upstream's bound is raised above it.
    yamlText: `limits: { sendTimeoutMs: ${sendTimeoutMs}, maxProviderResponseBytes: 67108864 }\ncache: { enabled: false }\n`,
    providerIds: ['openai'],
    gatewayOptions: { clock },
  });
});
afterAll(async () => {
  await harness?.close();
});

const askAndNeverRead = () => neverReadingClient(harness.url, { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Write a lot.' }] });

const timeoutMessage = 'answer not taken by its client within the send timeout: connection closed';

describe('a client that never reads a whole answer', () => {
  it('has its connection closed by the gateway once the send timeout has passed, logged and counted', async () => {
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-completion', text: 'lorem ipsum '.repeat(2_000_000) });
    const socket = askAndNeverRead();
    const closed = once(socket, 'close');
    // The answer is written whole and sits in the gateway, waiting for a client that does not read: only
    // then is the send timeout armed.
    await vi.waitFor(() => expect(harness.logLines.filter((line) => line.requestedModel === 'openai/gpt-4o-mini')).toHaveLength(1), { timeout: 15_000, interval: 20 });
    expect(harness.logLines.find((line) => line.requestedModel === 'openai/gpt-4o-mini')).toMatchObject({ status: 200, outcome: 'success' });
    await vi.waitFor(() => expect(clock.pendingTimerCount).toBe(1), { timeout: 10_000, interval: 20 });
    expect(socket.destroyed).toBe(false);

    clock.advance(sendTimeoutMs);
    // A paused socket notices nothing: it reads what the gateway sent before closing it, then its end.
    socket.resume();
    await closed;
    expect(clock.pendingTimerCount).toBe(0);
    const warning = harness.logLines.find((line) => line.msg === timeoutMessage);
    expect(warning).toMatchObject({ level: 40, route: 'chat_completions', sendTimeoutMs, requestId: expect.stringMatching(/^chatcmpl-/) });
    expect(warning?.unsentBytes).toBeGreaterThan(0);
    expect(harness.logText()).not.toContain(gatewayKeys[0]);
    expect(await harness.gateway.metrics.metrics()).toMatch(/^backup_models_gateway_send_timeouts_total\{route="chat_completions"\} 1$/m);
  });

  it('leaves a client that reads its answer alone, the timer cleared once the answer is taken', async () => {
    const completion = await harness.client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Write a lot.' }] });
    expect(completion.choices[0]?.message.content).toHaveLength('lorem ipsum '.length * 2_000_000);
    await vi.waitFor(() => expect(clock.pendingTimerCount).toBe(0));
    expect(harness.logLines.filter((line) => line.msg === timeoutMessage)).toHaveLength(1);
  });
});
