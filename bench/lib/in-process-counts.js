/**
 * What a piece of work in this process schedules and allocates, counted over one window: the in-process
 * half of `per-call-counts.js` (the gateway's counts are taken inside its own process by per-request-hooks.cjs,
 * whose figures these are). Two kinds of window, so that neither instrument counts the other's work:
 * - `countScheduling(run)`: async resources by type (async_hooks: PROMISE, Timeout, Immediate, TickObject, ...),
 *   and with `stackFrames`, by where they were made;
 * - `countAllocation(run)`: bytes allocated in total, by function and by script (V8's sampling heap profiler,
 *   keeping the objects garbage collection has already freed), garbage collections by kind, and CPU time.
 */
import { createHook } from 'node:async_hooks';
import { Session } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import creationSiteModule from './creation-site.cjs';
import sumHeapProfileModule from './sum-heap-profile.cjs';

const samplingIntervalBytes = Number(process.env.BENCH_SAMPLING_BYTES ?? 256);

const { creationSite } = creationSiteModule;
/** This tool's own frames, left out of the sites. */
const ownFrames = /in-process-counts/;

/** Async resources made while `run` runs, by type, and with `stackFrames` by where (the sites' keys). */
export async function countScheduling(run, { stackFrames = 0 } = {}) {
  const types = new Map();
  const sites = new Map();
  const hook = createHook({
    init(_asyncId, type) {
      types.set(type, (types.get(type) ?? 0) + 1);
      if (stackFrames > 0) {
        const key = `${type} ${creationSite(stackFrames, ownFrames)}`;
        sites.set(key, (sites.get(key) ?? 0) + 1);
      }
    },
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return { types, sites: [...sites].sort((left, right) => right[1] - left[1]) };
}

const { sumHeapProfile } = sumHeapProfileModule;

function sumProfile(profile) {
  const { totalBytes, byFunction, byScript } = sumHeapProfile(profile);
  const sorted = (map) => [...map].sort((left, right) => right[1] - left[1]);
  return { totalBytes, byFunction: sorted(byFunction), byScript: sorted(byScript) };
}

/** Bytes allocated while `run` runs (freed ones included), by function and script; collections by kind; CPU µs. */
export async function countAllocation(run) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  const gcKinds = new Map();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind ?? entry.kind;
      gcKinds.set(kind, (gcKinds.get(kind) ?? 0) + 1);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await post('HeapProfiler.startSampling', {
    samplingInterval: samplingIntervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const cpuAtStart = process.cpuUsage();
  let cpu;
  let profile;
  try {
    await run();
  } finally {
    cpu = process.cpuUsage(cpuAtStart);
    ({ profile } = await post('HeapProfiler.stopSampling'));
    // Collections reported after the window's end belong to it: let the observer's queue drain.
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    session.disconnect();
  }
  return { ...sumProfile(profile), gcKinds, cpuMicros: cpu.user + cpu.system };
}
