/**
 * What one `router.complete` call costs in numbers the host's noise does not move: promises, timers, immediates
 * and ticks per call (async_hooks), bytes allocated per call (V8's sampling heap profiler) and garbage
 * collections, counted in this process over a fixed number of calls at a fixed number in flight, against the
 * same local upstream as `library-overhead.js` and with the same router (cache off, one attempt, OpenAI's
 * chat completions model). Not a target: the library's counterpart of `per-request-counts.js` (its CPU figure
 * is the counted window's, instruments included: compare it between builds, not with the other benchmarks).
 *
 *   node bench/per-call-counts.js                     this checkout's build, 64 in flight
 *   node bench/per-call-counts.js --base ../other     another built checkout's router
 *   node bench/per-call-counts.js --setup raw         the raw undici Pool request of library-overhead.js
 *   node bench/per-call-counts.js --top 30            also the 30 functions that allocate most
 *   node bench/per-call-counts.js --stacks 4          also where async resources are made (4 frames)
 *
 * The setup gets 3 s of load first, then a scheduling window and an allocation window of --calls calls each.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { runClosedLoop } from './lib/closed-loop.js';
import { countAllocation, countScheduling } from './lib/in-process-counts.js';
import { benchApiKey, benchRouterOf, startUpstream } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '.' },
    setup: { type: 'string', default: 'router' },
    calls: { type: 'string', default: '20000' },
    'in-flight': { type: 'string', default: '64' },
    top: { type: 'string', default: '0' },
    stacks: { type: 'string', default: '0' },
  },
});
const calls = Number(values.calls);
const inFlight = Number(values['in-flight']);
const prompt = 'Reply with the word SUCCESS.';

/** `count` calls, `inFlight` at a time, each started as another ends. */
async function fixedCalls(call, count) {
  let remaining = count;
  const worker = async () => {
    while (remaining > 0) {
      remaining -= 1;
      await call();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function setUp(upstream) {
  if (values.setup === 'router') {
    const { router, call } = await benchRouterOf(pathToFileURL(resolve(values.base, 'dist/index.js')).href, upstream, prompt);
    return { call, close: () => router.close() };
  }
  if (values.setup !== 'raw') throw new Error(`no setup ${values.setup}: router or raw`);
  // The bytes the router sends (library-overhead.js reads them from the upstream; they are these).
  const pool = new Pool(upstream.url, { keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
  const headers = { authorization: `Bearer ${benchApiKey}`, 'content-type': 'application/json' };
  const call = async () => {
    const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
    const parsed = await response.body.json();
    if (response.statusCode !== 200 || parsed.choices[0].message.content !== 'SUCCESS') throw new Error('raw call failed');
  };
  return { call, close: () => pool.close() };
}

const perCall = (value) => Math.round((value / calls) * 100) / 100;

const upstream = await startUpstream();
const { call, close } = await setUp(upstream);
try {
  await runClosedLoop({ concurrency: inFlight, durationMs: 3_000, call });
  const schedule = await countScheduling(() => fixedCalls(call, calls), { stackFrames: Number(values.stacks) });
  const heap = await countAllocation(() => fixedCalls(call, calls));
  console.log(`${values.setup} (${values.base}), ${inFlight} in flight, ${calls} calls a window`);
  console.log('  per call, async resources:');
  for (const [type, count] of [...schedule.types].sort((left, right) => right[1] - left[1])) {
    console.log(`    ${type.padEnd(28)} ${perCall(count)}`);
  }
  for (const [site, count] of schedule.sites.slice(0, 80)) console.log(`    ${String(perCall(count)).padStart(6)} ${site}`);
  console.log(`  per call, bytes allocated: ${Math.round(heap.totalBytes / calls)}; CPU µs (instrumented): ${perCall(heap.cpuMicros)}`);
  console.log(`  garbage collections per 1,000 calls: ${[...heap.gcKinds].map(([kind, count]) => `kind ${kind}: ${perCall(count * 1000)}`).join(', ')}`);
  console.log('  bytes per call by script:');
  for (const [script, bytes] of heap.byScript.slice(0, 16)) console.log(`    ${String(Math.round(bytes / calls)).padStart(7)} ${script}`);
  const top = Number(values.top);
  if (top > 0) {
    console.log('  bytes per call by function:');
    for (const [name, bytes] of heap.byFunction.slice(0, top)) console.log(`    ${String(Math.round(bytes / calls)).padStart(7)} ${name}`);
  }
} finally {
  await close();
  await upstream.stop();
}
