/**
 * A client that asks for a stream and then stops reading it (the socket stays open, nothing is read). The
 * gateway must not buffer the upstream's answer for it (the relay waits for the socket to drain, and the
 * upstream request is paused meanwhile), and must not hold the call for good either: at the stream's
 * `maxStreamDurationMs` the connection is cut, the upstream request ended, and the call logged as cut off and
 * counted (`backup_models_gateway_stream_duration_cuts_total`). The gateway's clock is a manual one; the
 * answer is large enough to fill the socket's buffers on loopback.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { askAndNeverRead as neverReadingClient } from './never-reading-client.js';

const maxStreamDurationMs = 60_000;
const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let harness: GatewayHarness;

beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: `limits: { maxStreamDurationMs: ${maxStreamDurationMs} }\ncache: { enabled: false }\n`,
    providerIds: ['openai'],
    gatewayOptions: { clock },
  });
});
afterAll(async () => {
  await harness?.close();
});

const askAndNeverRead = () => neverReadingClient(harness.url, { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Write a lot.' }] });

describe('a client that stops reading a stream', () => {
  it('is cut off at the stream duration limit, with the upstream request ended, instead of being held for good', async () => {
    // About 10 MB of answer in 4,000 events: far more than loopback's socket buffers hold.
    harness.providers.setBehavior('openai', { kind: 'success', fixture: 'chat-stream', text: 'lorem ipsum '.repeat(800_000), textPieces: 4_000 });
    const socket = askAndNeverRead();
    const closed = once(socket, 'close');
    // The relay waits for a drain that never comes, and arms the stream's limit only then.
    await vi.waitFor(() => expect(clock.pendingTimerCount).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    expect(socket.destroyed).toBe(false);
    expect(harness.logLines.filter((line) => line.requestedModel === 'openai/gpt-4o-mini')).toEqual([]);

    clock.advance(maxStreamDurationMs);
    const upstream = await harness.providers.waitForClientAbort({ provider: 'openai' });
    expect(upstream.outcome).toBe('client-aborted');
    // A paused socket notices nothing: it reads what the gateway sent before cutting it off, then its end.
    socket.resume();
    await closed;
    await vi.waitFor(() => expect(harness.logLines.filter((line) => line.requestedModel === 'openai/gpt-4o-mini')).toHaveLength(1));
    // The call's log line says the gateway cut it, and why: not a client that left.
    expect(harness.logLines.find((line) => line.requestedModel === 'openai/gpt-4o-mini')).toMatchObject({
      level: 40,
      stream: true,
      status: 200,
      outcome: 'cut_off',
      cutOffReason: 'max_stream_duration',
      maxStreamDurationMs,
    });
    expect(await harness.gateway.metrics.metrics()).toMatch(/^backup_models_gateway_stream_duration_cuts_total\{route="chat_completions"\} 1$/m);
    expect(clock.pendingTimerCount).toBe(0);
  });
});
