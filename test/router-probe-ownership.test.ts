/**
 * The half-open probe belongs to the attempt it was granted to: only that attempt gives it back, and it always
 * does. Real HTTP to the provider test server; the breakers' clock is a manual one.
 */
import { describe, expect, it } from 'vitest';
import type { BackupModelRouter, RouteTarget } from '../src/index.js';
import { ManualClock } from '../src/resilience/manual-clock.js';
import { useRouterHarness } from './router-harness.js';

const harness = useRouterHarness({ cacheEnabled: false, parallelAttempts: 1 });

const groq: RouteTarget = { provider: 'groq', model: 'llama-3.1-8b-instant' };
const openai: RouteTarget = { provider: 'openai', model: 'gpt-4o-mini' };

/** One failure opens the circuit, for 50 ms of the manual clock. */
const breaker = { consecutiveFailures: 1, failureRateThreshold: 0.01, minimumCalls: 1, openDurationMs: 50 };

const groqRequests = (): number => harness.server.requests.filter((request) => request.provider === 'groq').length;

/** A call on Groq alone that the caller can leave: a whole answer, or a stream read to its end. */
function leavableCall(router: BackupModelRouter, options: { streaming: boolean; prompt: string }): { done: Promise<unknown>; leave: (reason: Error) => void } {
  const controller = new AbortController();
  const callOptions = { route: [groq], signal: controller.signal };
  const done = options.streaming
    ? (async () => {
        for await (const chunk of router.stream(options.prompt, callOptions)) void chunk;
      })()
    : router.complete(options.prompt, callOptions);
  done.catch(() => undefined);
  return { done, leave: (reason) => controller.abort(reason) };
}

describe('an attempt cancelled while another attempt holds the half-open probe', () => {
  for (const streaming of [false, true]) {
    it(`leaves the probe in flight alone: no second probe (${streaming ? 'a stream' : 'a whole answer'})`, async () => {
      const { server } = harness;
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      const router = harness.makeRouter({ clock, breaker });
      server.enqueue('groq', { kind: 'stall-before-headers' }, { kind: 'status', status: 503 }, { kind: 'stall-before-headers' });

      // Admitted while the circuit is closed: still in flight when it half-opens, never the probe.
      const admittedWhileClosed = leavableCall(router, { streaming, prompt: 'admitted while closed' });
      await server.waitForRequests(1);
      // Another call's failure opens the circuit; its open period passes.
      await expect(router.complete('fails', { route: [groq] })).rejects.toThrow();
      expect(router.getHealthStatus().groq!.circuitState).toBe('open');
      clock.advance(100);
      // The probe, in flight.
      const probe = leavableCall(router, { streaming, prompt: 'the probe' });
      await server.waitForRequests(3);
      expect(router.getHealthStatus().groq!.circuitState).toBe('half_open');

      // The attempt admitted while closed ends without a verdict: its caller left.
      const left = new Error('the caller left');
      admittedWhileClosed.leave(left);
      await expect(admittedWhileClosed.done).rejects.toBe(left);

      // The probe is still in flight: the next call skips Groq rather than send it a second probe.
      const next = await router.complete('while the probe is in flight', { route: [groq, openai] });
      expect(next.provider).toBe('openai');
      expect(next.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'skipped', detail: 'circuit open' });
      expect(groqRequests()).toBe(3);

      // The probe's own caller leaving does give it back: the next call probes, and Groq's answer closes the circuit.
      probe.leave(new Error('the probe caller left'));
      await expect(probe.done).rejects.toThrow('the probe caller left');
      const recovered = await router.complete('the next probe', { route: [groq, openai] });
      expect(recovered.provider).toBe('groq');
      expect(router.getHealthStatus().groq!.circuitState).toBe('closed');
    });
  }
});

describe('a probe stream past its first token that its reader leaves', () => {
  const ways = [
    { how: 'breaks out of its loop', leave: async (_stream: ReturnType<BackupModelRouter['stream']>) => undefined, breaks: true },
    { how: 'cancels it', leave: async (stream: ReturnType<BackupModelRouter['stream']>) => stream.cancel(), breaks: false },
  ];
  for (const { how, leave, breaks } of ways) {
    it(`gives the probe back when the reader ${how}: the provider is back in rotation at once`, async () => {
      const { server } = harness;
      const clock = new ManualClock(Date.UTC(2026, 0, 1));
      const router = harness.makeRouter({ clock, breaker });
      server.enqueue('groq', { kind: 'status', status: 503 });
      await expect(router.complete('fails', { route: [groq] })).rejects.toThrow();
      clock.advance(100);

      // The probe answers: a stream, of which the reader takes the first token and leaves.
      server.enqueue('groq', { kind: 'success', text: 'one two three four five six', textPieces: 6, chunkDelayMs: 20 });
      const stream = router.stream('the probe', { route: [groq] });
      const chunks: string[] = [];
      let cancelled: unknown;
      try {
        for await (const chunk of stream) {
          if (chunk.type !== 'text-delta') continue;
          chunks.push(chunk.text);
          if (breaks) break;
          await leave(stream);
        }
      } catch (error) {
        cancelled = error;
      }
      expect(chunks).toHaveLength(1);
      if (!breaks) expect(cancelled).toMatchObject({ name: 'AbortError' });
      expect(stream.winner).toEqual(groq);
      await expect(stream.result).rejects.toMatchObject({ name: 'AbortError' });

      // Groq answered: the next call may probe it (without waiting for the 60 s probe timeout), and its answer closes the circuit.
      const next = await router.complete('after the reader left', { route: [groq, openai] });
      expect(next.attempts[0]).toMatchObject({ provider: 'groq', outcome: 'success' });
      expect(router.getHealthStatus().groq!.circuitState).toBe('closed');
    });
  }
});
