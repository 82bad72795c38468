/**
 * A closed-loop load: `concurrency` workers, each starting its next call as soon as the last one ends,
 * for `durationMs`. Counts calls, keeps every latency, and the CPU time this process spent.
 */
import { performance } from 'node:perf_hooks';

export async function runClosedLoop({ concurrency, durationMs, call }) {
  const latenciesMs = [];
  let calls = 0;
  let failures = 0;
  let firstError;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const endsAt = startedAt + durationMs;
  const worker = async () => {
    while (performance.now() < endsAt) {
      const callStartedAt = performance.now();
      try {
        await call();
        calls += 1;
        latenciesMs.push(performance.now() - callStartedAt);
      } catch (error) {
        failures += 1;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  if (failures > 0 && calls === 0) throw firstError;
  return { calls, failures, firstError, elapsedMs, latenciesMs, cpuMicros: cpu.user + cpu.system };
}

/** Several closed-loop rounds added up: calls per second, mean latency, CPU per call. */
export function combineRounds(rounds) {
  const calls = rounds.reduce((sum, round) => sum + round.calls, 0);
  const elapsedMs = rounds.reduce((sum, round) => sum + round.elapsedMs, 0);
  const cpuMicros = rounds.reduce((sum, round) => sum + round.cpuMicros, 0);
  const latenciesMs = rounds.flatMap((round) => round.latenciesMs);
  const failures = rounds.reduce((sum, round) => sum + round.failures, 0);
  const meanLatencyMs = latenciesMs.reduce((sum, value) => sum + value, 0) / Math.max(1, latenciesMs.length);
  return {
    calls,
    failures,
    callsPerSecond: (calls * 1000) / elapsedMs,
    meanLatencyMicros: meanLatencyMs * 1000,
    cpuMicrosPerCall: cpuMicros / Math.max(1, calls),
    latenciesMs,
  };
}
