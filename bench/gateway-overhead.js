/**
 * Benchmark 2, gateway overhead. autocannon at 1 and 32 connections against: the local upstream
 * directly, a bare node:http pass-through proxy (the floor for one Node hop), our gateway as users run it
 * (`backup-models serve`, cache off), two references without a target (an undici proxy that only parses and
 * re-serializes JSON, and our gateway with `logLevel: warn`, tracing, HTTPS, and as two worker processes beside the bare
 * proxy as two) and Portkey's gateway when installed. Each server runs in its own process (or processes); its CPU time
 * per request comes from /proc. Then the time to the first streamed token, one
 * request at a time, through the bare proxy, our gateway and Portkey.
 */
import { connect } from 'node:net';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { checkTarget, printTable, printTargets } from './lib/report.js';
import {
  findPortkey,
  openAiEnv,
  portkeyHeaders,
  portkeyVersion,
  startBareProxy,
  startGateway,
  startJsonProxy,
  startPortkey,
  startOtlpSink,
  startUpstream,
} from './lib/servers.js';
import { median, round, summarize } from './lib/stats.js';
import { timeStream } from './lib/stream-client.js';

const messages = [{ role: 'user', content: 'Reply with the word SUCCESS.' }];

async function loadOnce({ target, connections, durationSeconds }) {
  const latenciesMs = [];
  const cpuBefore = target.server.cpuMicros();
  const instance = autocannon({
    url: `${target.url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: target.body,
    connections,
    duration: durationSeconds,
  });
  // autocannon's own histogram counts whole milliseconds; these are the exact times.
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode === 200) latenciesMs.push(responseTimeMs);
  });
  const result = await instance;
  const cpuMicros = target.server.cpuMicros() - cpuBefore;
  return { result, latenciesMs, cpuMicros };
}

function combine(runs) {
  const requests = runs.reduce((sum, run) => sum + run.result.requests.total, 0);
  const seconds = runs.reduce((sum, run) => sum + run.result.duration, 0);
  const errors = runs.reduce((sum, run) => sum + run.result.errors + run.result.timeouts + run.result.non2xx, 0);
  const cpuMicros = runs.reduce((sum, run) => sum + run.cpuMicros, 0);
  const latency = summarize(runs.flatMap((run) => run.latenciesMs));
  return { requestsPerSecond: requests / seconds, requests, errors, cpuMicrosPerRequest: cpuMicros / Math.max(1, requests), latency };
}

export const gatewayOverhead = {
  id: 'gateway',
  title: '2. Gateway overhead: autocannon, POST /v1/chat/completions, one local upstream',
  async run({ quick }) {
    const upstream = await startUpstream();
    const started = [upstream];
    const notRun = [];
    try {
      const proxy = await startBareProxy(upstream);
      started.push(proxy);
      const gateway = await startGateway({ providerEnv: openAiEnv(upstream) });
      started.push(gateway);
      const jsonProxy = await startJsonProxy(upstream);
      started.push(jsonProxy);
      // The same gateway logging only what goes wrong: what the one JSON line each call is logged as costs.
      const quietGateway = await startGateway({ providerEnv: openAiEnv(upstream), yaml: 'cache:\n  enabled: false\nlogLevel: warn\n' });
      started.push(quietGateway);
      // The same gateway tracing every request to an OTLP/HTTP receiver (in a process of its own, keeping nothing).
      const sink = await startOtlpSink();
      started.push(sink);
      const tracingGateway = await startGateway({ providerEnv: { ...openAiEnv(upstream), OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } });
      started.push(tracingGateway);
      // The same gateway serving HTTPS itself (`tls`): what TLS on its clients' kept-alive connections costs.
      const httpsGateway = await startGateway({ providerEnv: openAiEnv(upstream), tls: true });
      started.push(httpsGateway);
      // The gateway as two processes on one port (`serve --workers 2`, its state shared on the local Redis), and
      // the bare proxy the same way: what a second core buys each, and the like-for-like ratio of the two.
      const clustered = [];
      if (await redisListens()) {
        const proxyWorkers = await startBareProxy(upstream, { workers: 2 });
        started.push(proxyWorkers);
        const gatewayWorkers = await startGateway({ providerEnv: openAiEnv(upstream), workers: 2 });
        started.push(gatewayWorkers);
        clustered.push(
          { name: 'bare proxy, 2 workers', url: proxyWorkers.url, server: proxyWorkers, cpuLabel: 'hop' },
          { name: 'gateway, 2 workers (Redis)', url: gatewayWorkers.url, server: gatewayWorkers, cpuLabel: 'hop' },
        );
      } else {
        notRun.push({ name: 'gateway and bare proxy, 2 workers', reason: 'no Redis on 127.0.0.1:6379 (serve --workers shares its state there)' });
      }
      const ourBody = JSON.stringify({ model: 'openai/gpt-4o-mini', messages });
      const targets = [
        { name: 'upstream direct', url: upstream.url, server: upstream, headers: {}, body: ourBody, cpuLabel: 'upstream' },
        { name: 'bare node:http proxy', url: proxy.url, server: proxy, headers: {}, body: ourBody, cpuLabel: 'hop' },
        { name: 'backup-models gateway', url: gateway.url, server: gateway, headers: {}, body: ourBody, cpuLabel: 'hop' },
        // A reference: what parsing and re-serializing alone cost in one Node hop. Whole answers only.
        { name: 'undici JSON proxy (ref.)', url: jsonProxy.url, server: jsonProxy, headers: {}, body: ourBody, cpuLabel: 'hop', wholeAnswersOnly: true },
        // Not a target: the gateway above with `logLevel: warn`, so the price of its per-call log line shows.
        { name: 'gateway, logLevel: warn', url: quietGateway.url, server: quietGateway, headers: {}, body: ourBody, cpuLabel: 'hop', wholeAnswersOnly: true },
        // Not a target: the gateway above with OTLP tracing on, so what tracing costs shows (three spans a request).
        { name: 'gateway, OTLP tracing on', url: tracingGateway.url, server: tracingGateway, headers: {}, body: ourBody, cpuLabel: 'hop', wholeAnswersOnly: true },
        // Not a target: the gateway above serving HTTPS (autocannon does not check the certificate).
        { name: 'gateway, HTTPS (tls)', url: httpsGateway.url, server: httpsGateway, headers: {}, body: ourBody, cpuLabel: 'hop', wholeAnswersOnly: true },
        // Not targets: the two above of two processes each (CPU: the primary's and the workers' together).
        // Warmed up on a connection to each worker: at one connection, each round's new connection goes to the next
        // worker, and one warmed alone left the other running its first requests unoptimized (0.27 of the bare proxy).
        ...clustered.map((target) => ({ ...target, headers: {}, body: ourBody, wholeAnswersOnly: true, warmUpConnections: 2 })),
      ];
      const portkey = findPortkey();
      if (portkey.script) {
        try {
          const server = await startPortkey(portkey.script);
          started.push(server);
          const body = JSON.stringify({ model: 'gpt-4o-mini', messages });
          const probe = await fetch(`${server.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...portkeyHeaders(upstream) },
            body,
          });
          if (probe.status !== 200) throw new Error(`a probe request answered ${probe.status}`);
          await probe.arrayBuffer();
          targets.push({ name: `portkey gateway ${portkeyVersion}`, url: server.url, server, headers: portkeyHeaders(upstream), body, cpuLabel: 'hop' });
        } catch (error) {
          notRun.push({ name: `portkey gateway ${portkeyVersion}`, reason: error instanceof Error ? error.message : String(error) });
        }
      } else {
        notRun.push({ name: 'portkey gateway', reason: portkey.reason });
      }

      // Six short rounds rather than two long ones: this host's speed changes by 2x within seconds, and
      // the median of two per-round ratios moved by 0.2 from run to run.
      const rounds = quick ? 2 : 6;
      const durationSeconds = 1;
      const warmUpSeconds = 4;
      const rows = [];
      const targetsMet = [];
      for (const connections of [1, 32]) {
        const runs = new Map(targets.map((target) => [target, []]));
        // Warm-up: V8 optimizes a function only after some thousands of runs. With one second of it, a
        // gateway at one connection (about a thousand requests) was measured partly unoptimized, at half
        // the throughput it has a few seconds later; a gateway in service is always warm.
        for (const target of targets) {
          await loadOnce({ target, connections: Math.max(connections, target.warmUpConnections ?? 1), durationSeconds: quick ? 1 : warmUpSeconds });
        }
        for (let index = 0; index < rounds; index += 1) {
          const order = index % 2 === 0 ? targets : [...targets].reverse();
          for (const target of order) runs.get(target).push(await loadOnce({ target, connections, durationSeconds }));
        }
        const stats = new Map(targets.map((target) => [target, combine(runs.get(target))]));
        const floor = stats.get(targets[1]);
        // Each round's ratio to the bare proxy of the same round; the median of those is the figure.
        const rateOf = (run) => run.result.requests.total / run.result.duration;
        const ratioToProxy = (target) => median(runs.get(target).map((run, index) => rateOf(run) / rateOf(runs.get(targets[1])[index])));
        for (const target of targets) {
          const measured = stats.get(target);
          rows.push({
            setup: target.name,
            connections,
            requestsPerSecond: round(measured.requestsPerSecond, 0),
            p50Ms: round(measured.latency.p50, 3),
            p99Ms: round(measured.latency.p99, 3),
            cpuMicrosPerRequest: round(measured.cpuMicrosPerRequest, 0),
            cpuOf: target.cpuLabel,
            ofBareProxy: round(ratioToProxy(target), 3),
            errors: measured.errors,
          });
        }
        for (const skipped of notRun) rows.push({ setup: skipped.name, connections, requestsPerSecond: 'not run' });
        targetsMet.push(
          checkTarget({
            name: `gateway throughput / bare proxy at ${connections} connections`,
            value: ratioToProxy(targets[2]),
            limit: 0.8,
            direction: 'atLeast',
            detail: `CPU per request: gateway ${round(stats.get(targets[2]).cpuMicrosPerRequest, 0)} µs, bare proxy ${round(floor.cpuMicrosPerRequest, 0)} µs, undici JSON proxy ${round(stats.get(targets[3]).cpuMicrosPerRequest, 0)} µs`,
          }),
        );
      }
      printTable(this.title, [
        { key: 'setup', label: 'setup' },
        { key: 'connections', label: 'conns' },
        { key: 'requestsPerSecond', label: 'req/s' },
        { key: 'p50Ms', label: 'p50 ms' },
        { key: 'p99Ms', label: 'p99 ms' },
        { key: 'cpuMicrosPerRequest', label: 'server CPU µs/req' },
        { key: 'cpuOf', label: 'CPU of' },
        { key: 'ofBareProxy', label: 'x bare proxy' },
        { key: 'errors', label: 'errors' },
      ], rows);
      for (const skipped of notRun) console.log(`  ${skipped.name}: not run: ${skipped.reason}`);
      const workerRows = (connections) => ['bare proxy, 2 workers', 'gateway, 2 workers (Redis)'].map((name) => rows.find((row) => row.setup === name && row.connections === connections));
      for (const connections of [1, 32]) {
        const [proxyRow, gatewayRow] = workerRows(connections);
        if (proxyRow?.ofBareProxy === undefined || gatewayRow?.ofBareProxy === undefined) continue;
        console.log(
          `  ${connections} conn.: gateway of 2 workers / bare proxy of 2 workers ${round(gatewayRow.ofBareProxy / proxyRow.ofBareProxy, 3)} ` +
            `(no target; of the one-process bare proxy ${gatewayRow.ofBareProxy})`,
        );
      }

      const streamed = targets.slice(1).filter((target) => !target.wholeAnswersOnly);
      const { rows: streaming, skipped: streamingSkipped } = await measureFirstToken({ targets: streamed, quick });
      const proxyStream = streaming.find((row) => row.setup === targets[1].name);
      for (const row of streaming) row.addedP50Ms = round(row.p50Ms - proxyStream.p50Ms, 3);
      for (const skipped of streamingSkipped) streaming.push({ setup: skipped.setup, streams: 'not run' });
      printTable('   Time to the first streamed token (stream: true, one request at a time)', [
        { key: 'setup', label: 'setup' },
        { key: 'streams', label: 'streams' },
        { key: 'p50Ms', label: 'p50 ms' },
        { key: 'p90Ms', label: 'p90 ms' },
        { key: 'p99Ms', label: 'p99 ms' },
        { key: 'addedP50Ms', label: 'added p50 ms vs bare proxy' },
        { key: 'completed', label: 'completed' },
      ], streaming);
      for (const skipped of streamingSkipped) console.log(`  ${skipped.setup}: not run: ${skipped.reason}`);
      const ourStream = streaming.find((row) => row.setup === targets[2].name);
      targetsMet.push(
        checkTarget({ name: 'added time to first streamed token, p50 (ms)', value: ourStream.addedP50Ms, limit: 0.5, direction: 'atMost' }),
      );
      printTargets(targetsMet);
      return { rows, streaming, notRun: [...notRun, ...streamingSkipped.map((skipped) => ({ name: `${skipped.setup} (streaming)`, reason: skipped.reason }))], targets: targetsMet };
    } finally {
      await Promise.all(started.map((server) => server.stop()));
    }
  },
};

async function measureFirstToken({ targets: candidates, quick }) {
  const count = quick ? 100 : 300;
  const targets = [];
  const skipped = [];
  for (const target of candidates) {
    const body = JSON.stringify({ ...JSON.parse(target.body), stream: true });
    const probe = await fetch(`${target.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body,
    });
    const text = await probe.text();
    if (probe.status === 200 && text.includes('[DONE]')) targets.push({ ...target, streamBody: body });
    else skipped.push({ setup: target.name, reason: `stream: true answered ${probe.status} ${text.slice(0, 120)}` });
  }
  // Warm-up, for the reason given at the throughput warm-up: streams one at a time run each function of
  // the path once per stream, and after ten (or 1,500) of them V8 had not yet optimized the streaming
  // path, so the figure was partly the cost of unoptimized code (added p50 +1.0 ms after 20 streams, +0.56
  // after 1,500, +0.44 after 6,000; +0.37 after 1,500 with V8 told to optimize sooner). A few seconds of
  // concurrent streams do what hours of service would.
  for (const target of targets) {
    await loadOnce({ target: { ...target, body: target.streamBody }, connections: 8, durationSeconds: quick ? 1 : 4 });
  }
  const pools = targets.map((target) => new Pool(target.url, { connections: 1, keepAliveTimeout: 30_000 }));
  const samples = targets.map(() => []);
  const completed = targets.map(() => 0);
  try {
    const warmUp = quick ? 20 : 100;
    for (let index = -warmUp; index < count; index += 1) {
      // Interleaved, so a noisy moment on the machine touches every setup alike.
      for (let which = 0; which < targets.length; which += 1) {
        const timing = await timeStream({ dispatcher: pools[which], headers: targets[which].headers, body: targets[which].streamBody });
        if (index < 0) continue;
        if (timing.completed) completed[which] += 1;
        if (timing.firstTextMs !== undefined) samples[which].push(timing.firstTextMs);
      }
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  const rows = targets.map((target, which) => {
    const latency = summarize(samples[which]);
    return {
      setup: target.name,
      streams: count,
      p50Ms: round(latency.p50, 3),
      p90Ms: round(latency.p90, 3),
      p99Ms: round(latency.p99, 3),
      completed: completed[which],
    };
  });
  return { rows, skipped };
}

/** Whether the local Redis accepts connections (`serve --workers` needs it). */
function redisListens() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
