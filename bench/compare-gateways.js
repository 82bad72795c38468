/**
 * Two builds of the gateway side by side: how a change moved its throughput and CPU per request, measured in
 * alternating rounds against one local upstream, so the host's drift hits both alike. Not a target; the tool
 * this repository's performance changes were measured with.
 *
 *   node bench/compare-gateways.js --base ../other-checkout          this checkout against another (built) one
 *   node bench/compare-gateways.js --base .                          this build against itself: the noise floor
 *   node bench/compare-gateways.js --base DIR --stream --rounds 12 --connections 32
 *   node bench/compare-gateways.js --base DIR --otlp                 both tracing every request to an OTLP sink
 *
 * Each round runs both gateways for 2 s each (order alternating); the figure is the median of the per-round
 * throughput ratios, with the CPU time each gateway process spent per request (from /proc) over all rounds.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { printTable } from './lib/report.js';
import { openAiEnv, startGateway, startOtlpSink, startUpstream } from './lib/servers.js';
import { median, round } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    stream: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    otlp: { type: 'boolean', default: false },
  },
});
if (values.base === undefined) {
  console.error('Usage: node bench/compare-gateways.js --base <checkout, built> [--stream] [--rounds N] [--connections N]');
  process.exit(2);
}
const baseServers = resolve(values.base, 'bench/lib/servers.js');
if (!existsSync(baseServers) || !existsSync(resolve(values.base, 'dist/cli/main.js'))) {
  console.error(`${values.base} is not a built checkout of backup-models (run npm ci && npm run build there).`);
  process.exit(2);
}
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const { startGateway: startBaseGateway } = await import(pathToFileURL(baseServers).href);

const upstream = await startUpstream();
// With --otlp, one receiver that keeps nothing (lib/otlp-sink.js) takes both gateways' spans.
const sink = values.otlp ? await startOtlpSink() : undefined;
const providerEnv = { ...openAiEnv(upstream), ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}) };
const gateways = [
  { name: `base (${values.base})`, server: await startBaseGateway({ providerEnv }) },
  { name: 'this checkout', server: await startGateway({ providerEnv }) },
];
const body = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with the word SUCCESS.' }], stream: values.stream });

async function load(gateway, durationSeconds) {
  const cpuBefore = gateway.server.cpuMicros();
  const result = await autocannon({
    url: `${gateway.server.url}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: durationSeconds,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${gateway.name}: ${result.non2xx} answers not 2xx, ${result.errors} errors`);
  return { requests: result.requests.total, seconds: result.duration, cpuMicros: gateway.server.cpuMicros() - cpuBefore };
}

try {
  // Warm-up: V8 optimizes after some thousands of requests.
  for (const gateway of gateways) await load(gateway, 3);
  const runs = gateways.map(() => []);
  for (let index = 0; index < rounds; index += 1) {
    const order = index % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) runs[which].push(await load(gateways[which], 2));
  }
  const rate = (run) => run.requests / run.seconds;
  const ratios = runs[1].map((run, index) => rate(run) / rate(runs[0][index]));
  const rows = gateways.map((gateway, which) => {
    const requests = runs[which].reduce((sum, run) => sum + run.requests, 0);
    const seconds = runs[which].reduce((sum, run) => sum + run.seconds, 0);
    const cpuMicros = runs[which].reduce((sum, run) => sum + run.cpuMicros, 0);
    return { gateway: gateway.name, requestsPerSecond: round(requests / seconds, 0), cpuMicrosPerRequest: round(cpuMicros / requests, 1) };
  });
  const tracing = values.otlp ? ', tracing every request' : '';
  printTable(`Gateway against gateway, ${values.stream ? 'streams' : 'whole answers'}${tracing}, ${connections} connections, ${rounds} rounds`, [
    { key: 'gateway', label: 'gateway' },
    { key: 'requestsPerSecond', label: 'req/s' },
    { key: 'cpuMicrosPerRequest', label: 'CPU µs/req' },
  ], rows);
  const sorted = [...ratios].sort((left, right) => left - right);
  console.log(`  this checkout / base, throughput: median ${round(median(ratios), 3)} of rounds ${sorted.map((ratio) => round(ratio, 2)).join(' ')}`);
  console.log(`  this checkout / base, CPU per request: ${round(rows[1].cpuMicrosPerRequest / rows[0].cpuMicrosPerRequest, 3)}`);
} finally {
  for (const gateway of gateways) await gateway.server.stop();
  await upstream.stop();
  await sink?.stop();
}
