/**
 * A stream still coming when it reaches `maxStreamDurationMs`, its client reading all along: the router's
 * deadline (the gateway gives it the stream's duration limit) ends it with the API's error event, and its log
 * line and metrics say it was cut at the limit (`outcome: 'cut_off'`, `cutOffReason: 'max_stream_duration'`,
 * `backup_models_gateway_stream_duration_cuts_total`), as for a client that stopped reading, not a failure like
 * any other broken stream. The router's and the gateway's timers run on a ManualClock; the provider test server
 * streams slowly in real time, far past the limit, so the stream is still coming when the clock reaches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { startGatewayHarness, type GatewayHarness } from './gateway-harness.js';

const maxStreamDurationMs = 5_000;
const clock = new ManualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
let harness: GatewayHarness;

beforeAll(async () => {
  harness = await startGatewayHarness({
    yamlText: `limits: { maxStreamDurationMs: ${maxStreamDurationMs} }\ncache: { enabled: false }\n`,
    providerIds: ['openai'],
    gatewayOptions: { clock },
    routerOptions: { clock },
  });
});
afterAll(async () => {
  await harness?.close();
});

describe('a stream that reaches its duration limit while its client reads', () => {
  it('ends with an error event, and is logged and counted as cut at the limit', async () => {
    // 2,000 pieces 50 ms apart: 100 s of answer, still coming when the manual clock reaches the limit.
    harness.providers.setBehavior('openai', { kind: 'success', text: 'slow words '.repeat(2_000), textPieces: 2_000, chunkDelayMs: 50 });
    const stream = await harness.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Write slowly.' }],
      stream: true,
    });
    // The headers came with the first token: the client reads on while the clock reaches the limit.
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    clock.advance(maxStreamDurationMs);
    const error = await reading;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/deadline of 5000 ms/);
    expect(text.length).toBeGreaterThan(0);
    await harness.providers.waitForClientAbort({ provider: 'openai' });

    await expect.poll(() => harness.logLines.filter((line) => line.requestedModel === 'openai/gpt-4o-mini')).toHaveLength(1);
    expect(harness.logLines.find((line) => line.requestedModel === 'openai/gpt-4o-mini')).toMatchObject({
      level: 40,
      stream: true,
      status: 200,
      outcome: 'cut_off',
      cutOffReason: 'max_stream_duration',
      maxStreamDurationMs,
      errorCode: 'stream_interrupted',
    });
    expect(await harness.gateway.metrics.metrics()).toMatch(/^backup_models_gateway_stream_duration_cuts_total\{route="chat_completions"\} 1$/m);
  });
});
