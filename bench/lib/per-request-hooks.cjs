/**
 * Preloaded (`--require`) into a server under test by `bench/per-request-counts.js`: counts what the server
 * schedules and allocates between two SIGUSR2 signals, so a change can be measured in numbers a noisy host
 * does not move. A signal starts a window, the next one ends it and writes its counts as JSON to
 * BENCH_COUNTS_FILE with the window's kind appended. Windows alternate between two kinds, so that neither
 * instrument counts the other's work:
 * - `schedule`: async resources by type (async_hooks: PROMISE, Timeout, Immediate, TickObject, ...) and
 *   listeners added and removed, by event name (EventEmitter's on, once, prepend*, off and removeListener);
 * - `heap`: bytes allocated, in total, by function and by script (V8's sampling heap profiler, keeping the
 *   objects that garbage collection has already freed), garbage collections by kind, and CPU time.
 */
'use strict';
const { createHook } = require('node:async_hooks');
const { EventEmitter } = require('node:events');
const { writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const { PerformanceObserver } = require('node:perf_hooks');
const { creationSite } = require('./creation-site.cjs');
const { sumHeapProfile } = require('./sum-heap-profile.cjs');

const outputPath = process.env.BENCH_COUNTS_FILE;
const samplingIntervalBytes = Number(process.env.BENCH_SAMPLING_BYTES ?? 256);
let counting = false;
/** Where listeners are added and removed is looked up in `schedule` windows only, never in `heap` ones. */
let schedulingWindow = false;
let asyncTypes = new Map();
let listenerEvents = new Map();
let gcKinds = new Map();
let cpuAtStart;

// With BENCH_ASYNC_STACKS=<frames>, each async resource is also counted by where it was made (dear: for finding
// where they come from, not for the per-request figures).
const stackFrames = Number(process.env.BENCH_ASYNC_STACKS ?? 0);
let asyncStacks = new Map();

/** This preload's own frames, left out of the sites. */
const ownFrames = /per-request-hooks|countedListener|countedRemoval|countListener/;

const hook = createHook({
  init(_asyncId, type) {
    asyncTypes.set(type, (asyncTypes.get(type) ?? 0) + 1);
    if (stackFrames > 0) {
      const key = `${type} ${creationSite(stackFrames, ownFrames)}`;
      asyncStacks.set(key, (asyncStacks.get(key) ?? 0) + 1);
    }
  },
});

function countListener(name) {
  if (!counting) return;
  const key = typeof name === 'symbol' ? name.toString() : name;
  listenerEvents.set(key, (listenerEvents.get(key) ?? 0) + 1);
  if (stackFrames > 0 && schedulingWindow) {
    const site = `listener ${key} ${creationSite(stackFrames, ownFrames)}`;
    asyncStacks.set(site, (asyncStacks.get(site) ?? 0) + 1);
  }
}
for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']) {
  const original = EventEmitter.prototype[method];
  EventEmitter.prototype[method] = function countedListener(name, listener) {
    // once() calls on() itself: count the outer call only.
    if (method === 'once' || method === 'prependOnceListener') {
      countListener(name);
      const wasCounting = counting;
      counting = false;
      try {
        return original.call(this, name, listener);
      } finally {
        counting = wasCounting;
      }
    }
    countListener(name);
    return original.call(this, name, listener);
  };
}

let listenerRemovals = new Map();
const originalRemoveListener = EventEmitter.prototype.removeListener;
EventEmitter.prototype.removeListener = function countedRemoval(name, listener) {
  if (counting) {
    const key = typeof name === 'symbol' ? name.toString() : name;
    listenerRemovals.set(key, (listenerRemovals.get(key) ?? 0) + 1);
    if (stackFrames > 0 && schedulingWindow) {
      const site = `removal ${key} ${creationSite(stackFrames, ownFrames)}`;
      asyncStacks.set(site, (asyncStacks.get(site) ?? 0) + 1);
    }
  }
  return originalRemoveListener.call(this, name, listener);
};
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

new PerformanceObserver((list) => {
  if (!counting) return;
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind ?? entry.kind;
    gcKinds.set(kind, (gcKinds.get(kind) ?? 0) + 1);
  }
}).observe({ entryTypes: ['gc'] });

const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

let window = 0;
let running = false;

function startWindow(kind) {
  asyncTypes = new Map();
  asyncStacks = new Map();
  listenerEvents = new Map();
  listenerRemovals = new Map();
  gcKinds = new Map();
  if (kind === 'schedule') {
    counting = true;
    schedulingWindow = true;
    hook.enable();
    return;
  }
  void post('HeapProfiler.startSampling', {
    samplingInterval: samplingIntervalBytes,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  }).then(() => {
    cpuAtStart = process.cpuUsage();
    counting = true;
  });
}

function endWindow(kind) {
  const path = `${outputPath}.${kind}.json`;
  if (kind === 'schedule') {
    hook.disable();
    counting = false;
    schedulingWindow = false;
    const asyncSites = [...asyncStacks].sort((left, right) => right[1] - left[1]).slice(0, 80);
    writeFileSync(path, JSON.stringify({ asyncTypes: Object.fromEntries(asyncTypes), asyncSites, listenerEvents: Object.fromEntries(listenerEvents), listenerRemovals: Object.fromEntries(listenerRemovals) }));
    return;
  }
  counting = false;
  const cpu = process.cpuUsage(cpuAtStart);
  void post('HeapProfiler.stopSampling').then(({ profile }) => {
    const { totalBytes, byFunction, byScript } = sumHeapProfile(profile);
    const top = (map, count) => [...map].sort((left, right) => right[1] - left[1]).slice(0, count);
    writeFileSync(
      path,
      JSON.stringify({
        gcKinds: Object.fromEntries(gcKinds),
        cpuMicros: cpu.user + cpu.system,
        allocatedBytes: totalBytes,
        allocatedByFunction: top(byFunction, 80),
        allocatedByScript: top(byScript, 40),
      }),
    );
  });
}

process.on('SIGUSR2', () => {
  const kind = window % 2 === 0 ? 'schedule' : 'heap';
  if (!running) {
    running = true;
    startWindow(kind);
    return;
  }
  running = false;
  window += 1;
  endWindow(kind);
});
