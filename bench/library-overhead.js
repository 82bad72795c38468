/**
 * Benchmark 1, library overhead: `router.complete` (no cache, one attempt, one provider) against a raw
 * undici Pool request carrying the very same body to the very same local upstream, at 1 and 64 calls in
 * flight. Rounds alternate baseline and router, and the ratio is the median of the paired rounds, so
 * drift on a shared machine hits both alike. Client CPU per call is this process's CPU time per call:
 * at 64 in flight the client is CPU-bound, so that is what the throughput ratio measures.
 */
import { Pool } from 'undici';
import { BackupModelRouter } from '../dist/index.js';
import { combineRounds, runClosedLoop } from './lib/closed-loop.js';
import { startChildServer } from './lib/child-server.js';
import { checkTarget, printTable, printTargets } from './lib/report.js';
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
      // Many short pairs rather than a few long ones: a burst of noise from the host spoils one pair, and
      // the median of twelve shrugs it off (with four, one bad pair moved the figure by 0.1).
      const rounds = quick ? 4 : 12;
      const roundMs = quick ? 300 : 400;
      const rows = [];
      const targets = [];
      for (const concurrency of [1, 64]) {
        await runClosedLoop({ concurrency, durationMs: quick ? 300 : 600, call: raw });
        await runClosedLoop({ concurrency, durationMs: quick ? 300 : 600, call: ours });
        const rawRounds = [];
        const ourRounds = [];
        const ratios = [];
        for (let index = 0; index < rounds; index += 1) {
          // Pairs close in time, in alternating order: each ratio sees the same machine.
          const first = index % 2 === 0 ? raw : ours;
          const second = first === raw ? ours : raw;
          const firstRound = await runClosedLoop({ concurrency, durationMs: roundMs, call: first });
          const secondRound = await runClosedLoop({ concurrency, durationMs: roundMs, call: second });
          const [rawRound, ourRound] = first === raw ? [firstRound, secondRound] : [secondRound, firstRound];
          rawRounds.push(rawRound);
          ourRounds.push(ourRound);
          ratios.push(ourRound.calls / ourRound.elapsedMs / (rawRound.calls / rawRound.elapsedMs));
        }
        const baseline = combineRounds(rawRounds);
        const measured = combineRounds(ourRounds);
        const ratio = median(ratios);
        const rawCpu = median(rawRounds.map((round) => round.cpuMicros / Math.max(1, round.calls)));
        const ourCpu = median(ourRounds.map((round) => round.cpuMicros / Math.max(1, round.calls)));
        // Added time per call: at 1 in flight the latency difference; in flight, the difference of the
        // time one call occupies the loop.
        const addedMicros =
          concurrency === 1 ? measured.meanLatencyMicros - baseline.meanLatencyMicros : 1e6 / measured.callsPerSecond - 1e6 / baseline.callsPerSecond;
        for (const [name, stats, cpu] of [['raw undici Pool', baseline, rawCpu], ['router.complete', measured, ourCpu]]) {
          const latency = summarize(stats.latenciesMs);
          const isOurs = name === 'router.complete';
          rows.push({
            setup: name,
            inFlight: concurrency,
            callsPerSecond: round(stats.callsPerSecond, 0),
            p50Micros: round(latency.p50 * 1000, 0),
            p99Micros: round(latency.p99 * 1000, 0),
            clientCpuMicrosPerCall: round(cpu, 1),
            ratio: isOurs ? round(ratio, 3) : 1,
            addedMicrosPerCall: isOurs ? round(addedMicros, 1) : 0,
            addedCpuMicrosPerCall: isOurs ? round(ourCpu - rawCpu, 1) : 0,
            failures: stats.failures,
          });
        }
        targets.push(
          checkTarget({
            name: `throughput ratio at ${concurrency} in flight`,
            value: ratio,
            limit: 0.9,
            direction: 'atLeast',
            detail: `median of ${rounds} paired rounds: ${ratios.map((value) => round(value, 2)).join(', ')}`,
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
