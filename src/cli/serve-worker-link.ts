/**
 * A `serve --workers` worker's side of the cluster: it tells the primary where it listens, asks it for every worker's
 * metrics when `/metrics` is scraped (each worker counts only the requests it answered), and answers the primary's
 * own gathering from its registry (prom-client's cluster aggregation).
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { isMetricsAnswer, type WorkerMessage } from './serve-worker-protocol.js';

/** The longest a scrape waits for the primary's sum, within Prometheus's default scrape timeout (10 s). */
const metricsTimeoutMs = 8_000;

export interface ServeWorkerLink {
  /** `createGateway`'s `metricsExposition`: every worker's metrics, summed by the primary. */
  readonly metricsExposition: () => Promise<string>;
  /** The registry the primary's gathering reads here (the gateway's, once it is made). */
  shareMetrics(registry: Registry): void;
  /** Tell the primary this worker serves `url`. */
  announceListening(url: string): void;
  /** After the gateway stopped: let go of the channel, so that the process exits, with its own exit code. */
  close(): void;
}

interface PendingScrape {
  readonly resolve: (exposition: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export function linkToPrimary(): ServeWorkerLink {
  let nextRequestId = 0;
  const pending = new Map<number, PendingScrape>();
  const onMessage = (message: unknown): void => {
    if (!isMetricsAnswer(message)) return;
    const scrape = pending.get(message.requestId);
    if (scrape === undefined) return;
    pending.delete(message.requestId);
    clearTimeout(scrape.timer);
    if (message.exposition !== undefined) scrape.resolve(message.exposition);
    else scrape.reject(new Error(message.error ?? 'the primary gave no metrics'));
  };
  process.on('message', onMessage);
  const send = (message: WorkerMessage, onError: (error: Error) => void = () => {}): void => {
    if (process.send === undefined || !process.connected) {
      onError(new Error('the primary is gone'));
      return;
    }
    process.send(message, undefined, undefined, (error) => {
      if (error) onError(error);
    });
  };
  return {
    metricsExposition: () =>
      new Promise<string>((resolve, reject) => {
        const requestId = nextRequestId++;
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error(`the workers did not all answer within ${metricsTimeoutMs / 1000} s`));
        }, metricsTimeoutMs);
        pending.set(requestId, { resolve, reject, timer });
        send({ type: 'backup-models:metrics-request', requestId }, (error) => {
          pending.delete(requestId);
          clearTimeout(timer);
          reject(error);
        });
      }),
    shareMetrics(registry) {
      AggregatorRegistry.setRegistries([registry]);
      // Made for what its constructor does in a worker: start answering the primary's requests for this registry.
      new AggregatorRegistry();
    },
    announceListening(url) {
      send({ type: 'backup-models:worker-listening', url });
    },
    close() {
      process.off('message', onMessage);
      for (const scrape of pending.values()) {
        clearTimeout(scrape.timer);
        scrape.reject(new Error('the worker is stopping'));
      }
      pending.clear();
      // A disconnect the worker asked for: the cluster does not then exit the process at once (with 0), as it does
      // when the primary goes; it ends once nothing else is left, with the exit code `serve` gave.
      if (process.connected) cluster.worker?.disconnect();
    },
  };
}
