/**
 * Benchmark 1, library overhead: `router.complete` (no cache, one attempt, one provider) against a raw
 * undici Pool request carrying the very same body to the very same local upstream, at 1 and 64 calls in
 * flight. Rounds alternate baseline and router so drift on a shared machine hits both alike.
 */
import { Pool } from 'undici';
import { BackupModelRouter } from '../dist/index.js';
import { combineRounds, runClosedLoop } from './lib/closed-loop.js';
import { startChildServer } from './lib/child-server.js';
import { checkTarget, printTable, printTargets } from './lib/report.js';
import { round, summarize } from './lib/stats.js';

const upstreamScript = new URL('./lib/upstream-server.js', import.meta.url).pathname;
const apiKey = 'sk-bench-not-a-real-key';
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
      await router.complete(prompt);
      const { lastBody } = await upstream.ask('stats');
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      const raw = async () => {
        const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body: lastBody });
        const parsed = await response.body.json();
        if (response.statusCode !== 200 || parsed.choices[0].message.content !== 'SUCCESS') throw new Error('raw call failed');
      };
      const ours = async () => {
        const result = await router.complete(prompt);
        if (result.content !== 'SUCCESS') throw new Error('router call failed');
      };
      const rounds = quick ? 1 : 3;
      const roundMs = quick ? 1_000 : 1_500;
      const rows = [];
      const targets = [];
      for (const concurrency of [1, 64]) {
        await runClosedLoop({ concurrency, durationMs: quick ? 300 : 800, call: raw });
        await runClosedLoop({ concurrency, durationMs: quick ? 300 : 800, call: ours });
        const rawRounds = [];
        const ourRounds = [];
        for (let index = 0; index < rounds; index += 1) {
          rawRounds.push(await runClosedLoop({ concurrency, durationMs: roundMs, call: raw }));
          ourRounds.push(await runClosedLoop({ concurrency, durationMs: roundMs, call: ours }));
        }
        const baseline = combineRounds(rawRounds);
        const measured = combineRounds(ourRounds);
        const ratio = measured.callsPerSecond / baseline.callsPerSecond;
        // In flight: added time per call is the difference of the times one call occupies the loop.
        const addedMicros = 1e6 / measured.callsPerSecond - 1e6 / baseline.callsPerSecond;
        for (const [name, stats] of [['raw undici Pool', baseline], ['router.complete', measured]]) {
          const latency = summarize(stats.latenciesMs);
          rows.push({
            setup: name,
            inFlight: concurrency,
            callsPerSecond: round(stats.callsPerSecond, 0),
            p50Micros: round(latency.p50 * 1000, 0),
            p99Micros: round(latency.p99 * 1000, 0),
            clientCpuMicrosPerCall: round(stats.cpuMicrosPerCall, 1),
            ratio: name === 'router.complete' ? round(ratio, 3) : 1,
            addedMicrosPerCall: name === 'router.complete' ? round(concurrency === 1 ? measured.meanLatencyMicros - baseline.meanLatencyMicros : addedMicros, 1) : 0,
            failures: stats.failures,
          });
        }
        targets.push(checkTarget({ name: `throughput ratio at ${concurrency} in flight`, value: ratio, limit: 0.9, direction: 'atLeast' }));
      }
      printTable(this.title, [
        { key: 'setup', label: 'setup' },
        { key: 'inFlight', label: 'in flight' },
        { key: 'callsPerSecond', label: 'calls/s' },
        { key: 'p50Micros', label: 'p50 µs' },
        { key: 'p99Micros', label: 'p99 µs' },
        { key: 'clientCpuMicrosPerCall', label: 'client CPU µs/call' },
        { key: 'ratio', label: 'ratio' },
        { key: 'addedMicrosPerCall', label: 'added µs/call' },
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
