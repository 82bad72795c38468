/**
 * `serve --workers N`'s primary: N gateway processes on one port (node:cluster: the primary accepts each connection
 * and hands it to the next worker in turn), so that the gateway uses more than the one core a Node process's event
 * loop runs on. The primary serves nothing itself. It starts the workers and says where they listen once all do,
 * passes them SIGHUP (each reads the configuration again) and the stop (SIGTERM: each drains), starts a new worker
 * in place of one that dies (backing off when they keep dying), and sums the workers' metrics for the one that is
 * scraped.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { GatewayLogger } from '../gateway/gateway-logger.js';
import { isMetricsRequest, isWorkerListening, type MetricsAnswerMessage, serveWorkerVariable } from './serve-worker-protocol.js';

/** A worker that exits sooner than this after it began to listen counts toward the restart back-off. */
const quickExitMs = 10_000;
/** The back-off's first wait and its ceiling: 100 ms, doubling with each quick exit in a row, up to 10 s. */
const firstRestartDelayMs = 100;
const maximumRestartDelayMs = 10_000;

/**
 * How long to wait before a worker's replacement: at once after a worker that had served a while, else doubling
 * with each worker in a row that exited soon after it listened (a crash every request brings back would otherwise
 * fork and crash as fast as requests come).
 */
export function restartDelayMs(quickExitsInARow: number): number {
  return quickExitsInARow === 0 ? 0 : Math.min(firstRestartDelayMs * 2 ** (quickExitsInARow - 1), maximumRestartDelayMs);
}

export interface ServeWorkersOptions {
  /** How many workers, at least 2. */
  readonly workers: number;
  /** The CLI's entry point, and the arguments each worker runs it with (`serve ...`). */
  readonly exec: string;
  readonly args: readonly string[];
  /** The workers' environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: GatewayLogger;
  readonly stdout: NodeJS.WritableStream;
  /** Aborted on the first SIGINT or SIGTERM: the workers then drain and stop. */
  readonly signal: AbortSignal;
  readonly onReloadRequest?: (listener: () => void) => () => void;
}

/**
 * Resolves with the exit code once every worker has exited: 0 when all stopped cleanly, 2 when a worker refused its
 * configuration at start (read again there: the primary read it first), else 1 (one failed to start, or a stop that
 * did not end cleanly). A worker writes its own reasons to the shared stderr.
 */
export async function runServeWorkers(options: ServeWorkersOptions): Promise<number> {
  const { logger, signal } = options;
  cluster.setupPrimary({ exec: options.exec, args: [...options.args] });
  // Its constructor, in the primary, hears the workers' answers to its gatherings.
  const aggregator = new AggregatorRegistry();
  const live = new Set<Worker>();
  const listening = new Map<Worker, string>();
  const listeningSinceMs = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let quickExitsInARow = 0;
  let starting = true;
  let stopping = false;
  let exitCode = 0;
  let onStarted: (started: boolean) => void = () => {};
  const started = new Promise<boolean>((resolve) => (onStarted = resolve));
  let onStopAsked: () => void = () => {};
  const stopAsked = new Promise<void>((resolve) => (onStopAsked = resolve));
  let onAllExited: () => void = () => {};
  const allExited = new Promise<void>((resolve) => (onAllExited = resolve));

  const answerScrape = (worker: Worker, requestId: number): void => {
    const reply = (answer: Omit<MetricsAnswerMessage, 'type' | 'requestId'>): void => {
      if (worker.isConnected()) worker.send({ type: 'backup-models:metrics-answer', requestId, ...answer } satisfies MetricsAnswerMessage);
    };
    aggregator.clusterMetrics().then(
      (exposition) => reply({ exposition }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  };

  const fail = (code: number): void => {
    exitCode = Math.max(exitCode, code);
    if (starting) onStarted(false);
    onStopAsked();
  };

  const fork = (): void => {
    const worker = cluster.fork({ ...options.env, [serveWorkerVariable]: '1' });
    live.add(worker);
    worker.on('message', (message: unknown) => {
      if (isMetricsRequest(message)) answerScrape(worker, message.requestId);
      else if (isWorkerListening(message)) {
        listening.set(worker, message.url);
        listeningSinceMs.set(worker, Date.now());
        if (starting && listening.size === options.workers) onStarted(true);
      }
    });
    worker.on('exit', (code: number | null, exitSignal: string | null) => {
      live.delete(worker);
      const wasListening = listening.delete(worker);
      const servedMs = Date.now() - (listeningSinceMs.get(worker) ?? 0);
      listeningSinceMs.delete(worker);
      if (stopping) {
        // One still starting in another's place has no drain to finish: the stop's SIGTERM ends it, no failure.
        if (code !== 0 && wasListening) exitCode = Math.max(exitCode, 1);
        if (live.size === 0) onAllExited();
      } else if (!wasListening) {
        // It could not start (its configuration, the port): nor, likely, can the next. Its stderr says why.
        fail(code === 2 ? 2 : 1);
      } else {
        quickExitsInARow = servedMs < quickExitMs ? quickExitsInARow + 1 : 0;
        const delayMs = restartDelayMs(quickExitsInARow);
        logger.warn({ worker: worker.id, exitCode: code, signal: exitSignal, restartInMs: delayMs }, 'gateway worker exited: starting another in its place');
        if (delayMs === 0) fork();
        else {
          const restart = setTimeout(() => {
            restarts.delete(restart);
            fork();
          }, delayMs);
          restarts.add(restart);
        }
      }
    });
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    for (const restart of restarts) clearTimeout(restart);
    restarts.clear();
    if (live.size === 0) return;
    for (const worker of live) worker.process.kill('SIGTERM');
    await allExited;
  };

  // A stop asked for is a stop with no failure of its own.
  const onAbort = (): void => fail(0);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (let index = 0; index < options.workers; index += 1) fork();
    if (signal.aborted) onAbort();
    if (await started) {
      starting = false;
      const url = listening.values().next().value as string;
      logger.info({ url, workers: options.workers }, 'gateway workers listening');
      // Only to workers that listen: SIGHUP ends a process that does not hear it yet (one starting in another's
      // place reads the configuration as it is anyway).
      const stopHearingReloads = options.onReloadRequest?.(() => {
        for (const worker of listening.keys()) worker.process.kill('SIGHUP');
      });
      options.stdout.write(`backup-models gateway listening on ${url} (${options.workers} workers)\n`);
      await stopAsked;
      stopHearingReloads?.();
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    await stopAll();
  }
  if (!starting) logger.info({ exitCode }, 'stopped');
  logger.flush();
  return exitCode;
}
