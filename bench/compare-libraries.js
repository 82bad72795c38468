/**
 * Two builds of the library side by side in one process: how a change moved `router.complete`'s throughput and
 * CPU a call, in alternating closed-loop rounds against one local upstream (the router of library-overhead.js:
 * cache off, one attempt, OpenAI's chat completions model), so the host's drift hits both alike. Not a target;
 * the library's counterpart of compare-gateways.js.
 *
 *   node bench/compare-libraries.js --base ../other-checkout     this build against another (built) one
 *   node bench/compare-libraries.js --base .                     this build against itself: the noise floor
 *   node bench/compare-libraries.js --base DIR --rounds 16 --in-flight 1
 *
 * Each round runs both routers for --round-ms (order alternating); the figure is the median of the per-round
 * throughput ratios (this / base), with each one's CPU a call (this process's, over all rounds).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runClosedLoop } from './lib/closed-loop.js';
import { printTable } from './lib/report.js';
import { benchRouterOf, startUpstream } from './lib/servers.js';
import { median, round } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '12' },
    'round-ms': { type: 'string', default: '500' },
    'in-flight': { type: 'string', default: '64' },
  },
});
if (values.base === undefined || !existsSync(resolve(values.base, 'dist/index.js'))) {
  console.error('Usage: node bench/compare-libraries.js --base <checkout, built> [--rounds N] [--round-ms N] [--in-flight N]');
  process.exit(2);
}
const rounds = Number(values.rounds);
const roundMs = Number(values['round-ms']);
const concurrency = Number(values['in-flight']);
const prompt = 'Reply with the word SUCCESS.';

const upstream = await startUpstream();
// The base's URL differs from this build's even for `--base .`: two module instances, as two builds are.
const baseIndex = `${pathToFileURL(resolve(values.base, 'dist/index.js')).href}${resolve(values.base) === resolve('.') ? '?base' : ''}`;
const setups = [
  { name: `base (${values.base})`, ...(await benchRouterOf(baseIndex, upstream, prompt)) },
  { name: 'this checkout', ...(await benchRouterOf(pathToFileURL(resolve('dist/index.js')).href, upstream, prompt)) },
];
try {
  for (const setup of setups) await runClosedLoop({ concurrency, durationMs: 2_000, call: setup.call });
  const results = setups.map(() => []);
  for (let index = 0; index < rounds; index += 1) {
    const order = index % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) results[which].push(await runClosedLoop({ concurrency, durationMs: roundMs, call: setups[which].call }));
  }
  const throughput = (result) => result.calls / result.elapsedMs;
  const ratios = results[1].map((result, index) => throughput(result) / throughput(results[0][index]));
  const cpuPerCall = (list) => list.reduce((sum, result) => sum + result.cpuMicros, 0) / list.reduce((sum, result) => sum + result.calls, 0);
  printTable(`router.complete, ${concurrency} in flight, ${rounds} rounds of ${roundMs} ms each`, [
    { key: 'setup', label: 'setup' },
    { key: 'callsPerSecond', label: 'calls/s' },
    { key: 'cpu', label: 'CPU µs/call' },
  ], setups.map((setup, which) => ({
    setup: setup.name,
    callsPerSecond: round((results[which].reduce((sum, result) => sum + result.calls, 0) * 1000) / results[which].reduce((sum, result) => sum + result.elapsedMs, 0), 0),
    cpu: round(cpuPerCall(results[which]), 1),
  })));
  console.log(`throughput, this / base: median ${round(median(ratios), 3)} (rounds: ${ratios.map((ratio) => round(ratio, 2)).join(', ')})`);
  console.log(`CPU a call, this / base: ${round(cpuPerCall(results[1]) / cpuPerCall(results[0]), 3)}`);
} finally {
  for (const setup of setups) await setup.router.close();
  await upstream.stop();
}
