/**
 * How `serve --workers`' primary and its workers know each other: the variable that marks a worker, and what they
 * say over the cluster's IPC channel. Each message's `type` is prefixed, as prom-client's own cluster messages are,
 * so neither side takes the other's for its own.
 */
import cluster from 'node:cluster';

/**
 * Set by the primary in each worker's environment: a process is one of our workers only then, not whenever
 * `cluster.isWorker` (a process manager's cluster mode, PM2's, runs `serve` itself as a cluster worker).
 */
export const serveWorkerVariable = 'BACKUP_MODELS_SERVE_WORKER';

/** Whether this process is a worker `serve --workers` started. */
export function isServeWorker(env: Readonly<Record<string, string | undefined>>): boolean {
  return cluster.isWorker && env[serveWorkerVariable] === '1';
}

/** A worker listens (after its configuration was read and its Redis connected): the URL it serves. */
export interface WorkerListeningMessage {
  readonly type: 'backup-models:worker-listening';
  readonly url: string;
}

/** A worker was asked `GET /metrics`: every worker's metrics, please. */
export interface MetricsRequestMessage {
  readonly type: 'backup-models:metrics-request';
  readonly requestId: number;
}

/** The primary's answer: the workers' metrics summed, in Prometheus's text format, or why they could not be. */
export interface MetricsAnswerMessage {
  readonly type: 'backup-models:metrics-answer';
  readonly requestId: number;
  readonly exposition?: string;
  readonly error?: string;
}

export type WorkerMessage = WorkerListeningMessage | MetricsRequestMessage;

function hasType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

export function isWorkerListening(message: unknown): message is WorkerListeningMessage {
  return hasType(message, 'backup-models:worker-listening');
}

export function isMetricsRequest(message: unknown): message is MetricsRequestMessage {
  return hasType(message, 'backup-models:metrics-request');
}

export function isMetricsAnswer(message: unknown): message is MetricsAnswerMessage {
  return hasType(message, 'backup-models:metrics-answer');
}
