/**
 * Benchmark 6, scale: many concurrent streams through the gateway (`backup-models serve`). The local
 * upstream sends each stream's first token, then holds every stream open until all of them are open;
 * the gateway's resident memory is read before and while they are all open, then the upstream releases
 * them and the client checks that each one ended with `[DONE]`.
 *
 * Each open stream costs the gateway two sockets (client side and upstream side). The gateway runs in a
 * shell that first raises its descriptor limit as far as the hard limit allows; the number of streams
 * is capped so that it fits, and the cap is reported.
 */
import { execFileSync } from 'node:child_process';
import { Pool } from 'undici';
import { checkTarget, printTable, printTargets } from './lib/report.js';
import { openAiEnv, startGateway, startUpstream } from './lib/servers.js';
import { round, sleep } from './lib/stats.js';
import { timeStream } from './lib/stream-client.js';

const wantedStreams = 10_000;
/** Descriptors a process needs besides its sockets (stdio, the event loop, files, the log). */
const reservedDescriptors = 120;

function hardDescriptorLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

export const scaleBenchmark = {
  id: 'scale',
  title: '6. Scale: concurrent streams through the gateway, all open at once',
  async run({ quick }) {
    const hardLimit = hardDescriptorLimit();
    const fits = Number.isFinite(hardLimit) ? Math.floor((hardLimit - reservedDescriptors) / 2) : wantedStreams;
    const streams = quick ? Math.min(2_000, fits) : Math.min(wantedStreams, fits);
    const limitNote =
      streams < (quick ? 2_000 : wantedStreams)
        ? `capped at ${streams}: the gateway holds 2 sockets per stream and the hard descriptor limit is ${hardLimit} (ulimit -Hn; raising it needs privileges)`
        : undefined;

    const upstream = await startUpstream();
    const started = [upstream];
    try {
      // The router's idle limit between chunks is raised: streams sit silent while the others open.
      const gateway = await startGateway({
        providerEnv: openAiEnv(upstream),
        yaml: 'cache:\n  enabled: false\nrouter:\n  idleTimeoutMs: 300000\n  firstTokenTimeoutMs: 120000\n',
        descriptorLimit: hardLimit,
      });
      started.push(gateway);
      const client = new Pool(gateway.url, { connections: streams + 10, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 300_000 });
      const body = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with the word SUCCESS.' }], stream: true });
      try {
        // Warm up with a few streams, then the idle gateway's memory.
        await Promise.all(Array.from({ length: 50 }, () => timeStream({ dispatcher: client, body })));
        await sleep(500);
        const rssBeforeBytes = gateway.rssBytes();

        await upstream.ask('hold');
        const openStartedAt = performance.now();
        let firstTokens = 0;
        const outcomes = [];
        const batch = 250;
        for (let opened = 0; opened < streams; opened += batch) {
          const size = Math.min(batch, streams - opened);
          for (let index = 0; index < size; index += 1) {
            outcomes.push(
              timeStream({ dispatcher: client, body, onFirstText: () => (firstTokens += 1) }).catch((error) => ({ completed: false, error })),
            );
          }
          // Open in steps, so the listen backlog is never the limit being measured.
          const target = opened + size;
          const stepDeadline = performance.now() + 30_000;
          while (firstTokens < target && performance.now() < stepDeadline) await sleep(20);
          if (firstTokens < target) break;
        }
        const openMs = performance.now() - openStartedAt;
        const openAtOnce = firstTokens;
        const { openStreams: upstreamOpen } = await upstream.ask('stats');
        await sleep(300);
        const rssDuringBytes = gateway.rssBytes();

        const releasedAt = performance.now();
        await upstream.ask('release');
        const results = await Promise.all(outcomes);
        const drainMs = performance.now() - releasedAt;
        const completed = results.filter((result) => result.completed).length;
        const firstError = results.find((result) => result.error)?.error;
        await sleep(500);
        const rssAfterBytes = gateway.rssBytes();

        const perStreamBytes = (rssDuringBytes - rssBeforeBytes) / Math.max(1, openAtOnce);
        const rows = [
          {
            streams,
            openAtOnce,
            upstreamOpen,
            completed,
            openSeconds: round(openMs / 1000, 1),
            drainSeconds: round(drainMs / 1000, 1),
            rssBeforeMiB: round(rssBeforeBytes / 2 ** 20, 0),
            rssDuringMiB: round(rssDuringBytes / 2 ** 20, 0),
            rssAfterMiB: round(rssAfterBytes / 2 ** 20, 0),
            kibPerStream: round(perStreamBytes / 1024, 1),
          },
        ];
        printTable(this.title, [
          { key: 'streams', label: 'streams' },
          { key: 'openAtOnce', label: 'open at once' },
          { key: 'upstreamOpen', label: 'open upstream' },
          { key: 'completed', label: 'completed' },
          { key: 'openSeconds', label: 'open s' },
          { key: 'drainSeconds', label: 'drain s' },
          { key: 'rssBeforeMiB', label: 'RSS before MiB' },
          { key: 'rssDuringMiB', label: 'RSS during MiB' },
          { key: 'rssAfterMiB', label: 'RSS after MiB' },
          { key: 'kibPerStream', label: 'KiB/stream' },
        ], rows);
        if (limitNote) console.log(`  ${limitNote}`);
        if (firstError) console.log(`  first error: ${firstError instanceof Error ? firstError.message : String(firstError)}`);
        const targets = [
          checkTarget({ name: `streams completed of ${streams} (share)`, value: completed / streams, limit: 1, direction: 'atLeast' }),
        ];
        printTargets(targets);
        return { rows, limitNote, descriptorHardLimit: hardLimit, targets };
      } finally {
        await client.destroy();
      }
    } finally {
      await Promise.all(started.map((server) => server.stop()));
    }
  },
};
