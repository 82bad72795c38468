/**
 * `npm run bench`: every benchmark with its baseline in the same run, all on 127.0.0.1, each bounded in
 * time. Prints a table and the targets of each, then a summary; writes bench/results/latest.json.
 *
 *   node bench/run-all.js                  all of them (about 3 to 4 minutes on 2 cores)
 *   node bench/run-all.js --quick          shorter rounds, fewer calls (about a minute)
 *   node bench/run-all.js gateway tail     only these (ids: library gateway tail failover cache scale versus)
 *   node bench/run-all.js --no-write       do not touch results/latest.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cacheBenchmark } from './cache.js';
import { failoverBenchmark } from './failover.js';
import { gatewayOverhead } from './gateway-overhead.js';
import { libraryOverhead } from './library-overhead.js';
import { scaleBenchmark } from './scale.js';
import { tailLatency } from './tail-latency.js';
import { versusOthers } from './versus-others.js';

const benchmarks = [libraryOverhead, gatewayOverhead, tailLatency, failoverBenchmark, cacheBenchmark, scaleBenchmark, versusOthers];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const write = !args.includes('--no-write');
const selected = args.filter((arg) => !arg.startsWith('--'));
const unknown = selected.filter((id) => !benchmarks.some((benchmark) => benchmark.id === id));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((benchmark) => benchmark.id).join(', ')}.`);
  process.exit(2);
}
const toRun = selected.length === 0 ? benchmarks : benchmarks.filter((benchmark) => selected.includes(benchmark.id));

const startedAt = new Date();
console.log(`backup-models benchmarks, ${startedAt.toISOString()}${quick ? ' (quick)' : ''}`);
console.log(`Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB.`);
console.log('All traffic on 127.0.0.1. The machine may be shared: compare ratios, not absolute times.');

const results = {};
let exitCode = 0;
for (const benchmark of toRun) {
  const benchmarkStartedAt = performance.now();
  try {
    const result = await benchmark.run({ quick });
    results[benchmark.id] = { title: benchmark.title, seconds: Math.round((performance.now() - benchmarkStartedAt) / 100) / 10, ...result };
  } catch (error) {
    exitCode = 1;
    console.error(`\n${benchmark.title}\n  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    results[benchmark.id] = { title: benchmark.title, error: error instanceof Error ? error.message : String(error), targets: [] };
  }
}

console.log('\nSummary');
for (const [id, result] of Object.entries(results)) {
  const targets = result.targets ?? [];
  console.log(`  ${id.padEnd(9)} ${result.error ? `FAILED: ${result.error}` : `${result.seconds} s`}`);
  for (const target of targets) {
    const sign = target.direction === 'atLeast' ? '>=' : '<=';
    console.log(`    ${target.status.padEnd(12)} ${target.name} ${sign} ${target.limit}: ${target.value ?? 'n/a'}`);
  }
}
const finishedAt = new Date();
console.log(`Finished ${finishedAt.toISOString()}, ${Math.round((finishedAt - startedAt) / 1000)} s in all.`);

if (write) {
  const directory = new URL('./results/', import.meta.url);
  mkdirSync(directory, { recursive: true });
  const document = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    quick,
    selected: toRun.map((benchmark) => benchmark.id),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemoryBytes: totalmem() },
    results,
  };
  writeFileSync(new URL('latest.json', directory), `${JSON.stringify(document, null, 2)}\n`);
  console.log('Wrote bench/results/latest.json');
}
process.exitCode = exitCode;
