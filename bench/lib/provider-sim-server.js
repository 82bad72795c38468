/**
 * The six simulated providers of the tail, failover and cache benchmarks: the package's provider test
 * server (recorded traffic of each provider), in its own process so its work never shares the event
 * loop of the router being timed. The parent drives it over IPC:
 *
 *   scenario { spec, seed, count }  every provider gets `count` pre-drawn behaviours: a lognormal
 *                                   latency, a share of stragglers `stragglerFactor` times slower, and a
 *                                   share of 503 errors (after a latency of the same body)
 *   set { provider, behavior }      one fixed behaviour (JSON: latencyMs is a number here)
 *   count                           requests seen since the last reset (`posts`: the calls' own, no models lists)
 */
import { startProviderTestServer } from '../../dist/testing/index.js';
import { serveIpc } from './child-server.js';
import { lognormal, seededRandom } from './stats.js';

const providerIds = ['groq', 'openai', 'anthropic', 'together', 'moonshot', 'google'];
const server = await startProviderTestServer();

function drawBehaviors({ spec, random, count }) {
  const behaviors = [];
  for (let index = 0; index < count; index += 1) {
    let latencyMs = lognormal(random, spec);
    if (random() < spec.stragglerRate) latencyMs *= spec.stragglerFactor;
    const rounded = Math.max(1, Math.round(latencyMs));
    behaviors.push(random() < spec.errorRate ? { kind: 'status', status: 503, latencyMs: rounded } : { kind: 'success', latencyMs: rounded });
  }
  return behaviors;
}

serveIpc(server.port, {
  environment: () => server.environment(),
  scenario: ({ spec, seed, count }) => {
    server.reset();
    providerIds.forEach((providerId, index) => {
      const random = seededRandom(seed + index * 7919);
      server.enqueue(providerId, ...drawBehaviors({ spec, random, count }));
      // Past the queue: the same distribution, drawn per request.
      server.setBehavior(providerId, { kind: 'success', latencyMs: () => Math.max(1, Math.round(lognormal(random, spec))) });
    });
    return { ok: true };
  },
  set: ({ provider, behavior }) => {
    server.setBehavior(provider, behavior);
    return { ok: true };
  },
  reset: () => {
    server.reset();
    return { ok: true };
  },
  count: () => {
    const byProvider = {};
    for (const request of server.requests) byProvider[request.provider] = (byProvider[request.provider] ?? 0) + 1;
    // POSTs: the calls' own requests, without health checks' models lists.
    const posts = server.requests.filter((request) => request.method === 'POST').length;
    return { requests: server.requests.length, posts, byProvider };
  },
});
