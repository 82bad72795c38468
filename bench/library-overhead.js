/**
 * Benchmark 1, library overhead: `router.complete` (no cache, one attempt, one provider) against a raw
 * undici Pool request carrying the very same body to the very same local upstream, at 1 and 64 calls in
 * flight. A second baseline, not a target, builds that body with JSON.stringify on every call, as an app
 * calling the API by hand would. Rounds rotate the setups, and each ratio is the median of the per-round
 * ratios, so drift on a shared machine hits all alike. Client CPU per call is this process's CPU time per
 * call: at 64 in flight the client is CPU-bound, so that is what the throughput ratio measures. A last setup, not a
 * target either, is the AI SDK's `generateText` given ai-fallback's model: what the AI SDK's fallback helper costs.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { createFallback } from 'ai-fallback';
import { Pool } from 'undici';
import { BackupModelRouter } from '../dist/index.js';
import { combineRounds, runClosedLoop } from './lib/closed-loop.js';
import { startChildServer } from './lib/child-server.js';
import { checkTarget, printTable, printTargets } from './lib/report.js';
import { chatCompletionsCall } from './lib/servers.js';
import { median, round, summarize } from './lib/stats.js';

const upstreamScript = new URL('./lib/upstream-server.js', import.meta.url).pathname;
const apiKey = 'bench-placeholder-key';
const prompt = 'Reply with the word SUCCESS.';

export const libraryOverhead = {
  id: 'library',
  title: '1. Library overhead: router.complete vs raw undici, same body, same local upstream',
  async run({ quick }) {
    const upstream = await startChildServer(upstreamScript);
    const router = new BackupModelRouter({
      cacheEnabled: false,
      parallelAttempts: 1,
      env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${upstream.url}/v1` },
    });
    const pool = new Pool(upstream.url, { keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
    try {
      // One call through the router tells us the exact bytes it sends; the baseline sends those.
      await router.complete(prompt, chatCompletionsCall);
      const { lastBody } = await upstream.ask('stats');
      const bodyObject = JSON.parse(lastBody);
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      const rawCall = async (body) => {
        const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
        const parsed = await response.body.json();
        if (response.statusCode !== 200 || parsed.choices[0].message.content !== 'SUCCESS') throw new Error('raw call failed');
      };
      const setups = [
        // The target's baseline: the very bytes, built once.
        { name: 'raw undici Pool', call: () => rawCall(lastBody) },
        // Not a target: what an app writing the call by hand pays, its JSON built per call.
        { name: 'raw undici + JSON.stringify', call: () => rawCall(JSON.stringify({ ...bodyObject, messages: [{ role: 'user', content: prompt }] })) },
        {
          name: 'router.complete',
          call: async () => {
            const result = await router.complete(prompt, chatCompletionsCall);
            if (result.content !== 'SUCCESS') throw new Error('router call failed');
          },
        },
      ];
      // Not a target: the AI SDK's `generateText` with ai-fallback's model (of the one provider), as an app using
      // the AI SDK's fallback helper calls the same upstream. The AI SDK retries nothing here: the call succeeds.
      const aiSdkModel = createFallback({ models: [createOpenAI({ baseURL: `${upstream.url}/v1`, apiKey }).chat(chatCompletionsCall.preferredModel)] });
      setups.push({
        name: 'AI SDK generateText + ai-fallback',
        call: async () => {
          const result = await generateText({ model: aiSdkModel, prompt });
          if (result.text !== 'SUCCESS') throw new Error('AI SDK call failed');
        },
      });
      const [raw, rawBuilt, ours] = setups;
      // Many short rounds rather than a few long ones: a burst of noise from the host spoils one round, and
      // the median of twelve shrugs it off (with four, one bad round moved the figure by 0.1).
      const rounds = quick ? 4 : 12;
      const roundMs = quick ? 300 : 400;
      const rows = [];
      const targets = [];
      for (const concurrency of [1, 64]) {
        for (const setup of setups) await runClosedLoop({ concurrency, durationMs: quick ? 300 : 600, call: setup.call });
        const roundsOf = new Map(setups.map((setup) => [setup, []]));
        for (let index = 0; index < rounds; index += 1) {
          // Setups close in time, in rotating order: each round's ratios see the same machine.
          for (let offset = 0; offset < setups.length; offset += 1) {
            const setup = setups[(index + offset) % setups.length];
            roundsOf.get(setup).push(await runClosedLoop({ concurrency, durationMs: roundMs, call: setup.call }));
          }
        }
        const throughput = (round) => round.calls / round.elapsedMs;
        const ratiosTo = (baseline, setup) => roundsOf.get(setup).map((round, index) => throughput(round) / throughput(roundsOf.get(baseline)[index]));
        const cpuOf = (setup) => median(roundsOf.get(setup).map((round) => round.cpuMicros / Math.max(1, round.calls)));
        const combined = new Map(setups.map((setup) => [setup, combineRounds(roundsOf.get(setup))]));
        const rawCpu = cpuOf(raw);
        const ratios = ratiosTo(raw, ours);
        for (const setup of setups) {
          const stats = combined.get(setup);
          const baseline = combined.get(raw);
          // Added time per call: at 1 in flight the latency difference; in flight, the difference of the
          // time one call occupies the loop.
          const addedMicros =
            concurrency === 1 ? stats.meanLatencyMicros - baseline.meanLatencyMicros : 1e6 / stats.callsPerSecond - 1e6 / baseline.callsPerSecond;
          const latency = summarize(stats.latenciesMs);
          rows.push({
            setup: setup.name,
            inFlight: concurrency,
            callsPerSecond: round(stats.callsPerSecond, 0),
            p50Micros: round(latency.p50 * 1000, 0),
            p99Micros: round(latency.p99 * 1000, 0),
            clientCpuMicrosPerCall: round(cpuOf(setup), 1),
            ratio: setup === raw ? 1 : round(median(ratiosTo(raw, setup)), 3),
            ratioToBuilt: setup === ours ? round(median(ratiosTo(rawBuilt, ours)), 3) : undefined,
            addedMicrosPerCall: setup === raw ? 0 : round(addedMicros, 1),
            addedCpuMicrosPerCall: setup === raw ? 0 : round(cpuOf(setup) - rawCpu, 1),
            failures: stats.failures,
          });
        }
        targets.push(
          checkTarget({
            name: `throughput ratio at ${concurrency} in flight`,
            value: median(ratios),
            limit: 0.9,
            direction: 'atLeast',
            detail: `median of ${rounds} rounds: ${ratios.map((value) => round(value, 2)).join(', ')}`,
          }),
        );
      }
      printTable(this.title, [
        { key: 'setup', label: 'setup' },
        { key: 'inFlight', label: 'in flight' },
        { key: 'callsPerSecond', label: 'calls/s' },
        { key: 'p50Micros', label: 'p50 µs' },
        { key: 'p99Micros', label: 'p99 µs' },
        { key: 'clientCpuMicrosPerCall', label: 'client CPU µs/call' },
        { key: 'ratio', label: 'ratio' },
        { key: 'ratioToBuilt', label: 'ratio to JSON per call' },
        { key: 'addedMicrosPerCall', label: 'added µs/call' },
        { key: 'addedCpuMicrosPerCall', label: 'added CPU µs/call' },
        { key: 'failures', label: 'failures' },
      ], rows);
      printTargets(targets);
      return { rows, targets };
    } finally {
      await router.close();
      await pool.close();
      await upstream.stop();
    }
  },
};
