#!/usr/bin/env node
/** The `backup-models` command. Wires the process (arguments, environment, streams, signals) to runCli. */
import { commands } from './command-table.js';
import { describeError } from './describe-error.js';
import { runCli } from './run-cli.js';
import { isServeWorker } from './serve-worker-protocol.js';

const controller = new AbortController();
let signalCount = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  signalCount += 1;
  // The first signal asks the command to stop cleanly (serve drains); a second one exits at once.
  if (signalCount > 1) process.exit(130);
  controller.abort(new DOMException(`Received ${signal}.`, 'AbortError'));
};
// A worker of `serve --workers` stops when its primary sends it SIGTERM: Ctrl-C reaches every process of the
// terminal's group, and the worker taking it too would count the primary's SIGTERM as a second signal (exit at once).
const ignoreSignal = (): void => {};
const onInterrupt = isServeWorker(process.env) ? ignoreSignal : onSignal;
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onSignal);
// `backup-models chat ... | head` closes stdout early: that is not an error worth a trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});
process.on('uncaughtException', (error) => {
  process.stderr.write(`backup-models: ${describeError(error)}\n`);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`backup-models: ${describeError(error)}\n`);
  process.exit(1);
});

/** SIGHUP reaches a command only while it listens (`serve`): otherwise it ends the process, as by default. */
const onReloadRequest = (listener: () => void): (() => void) => {
  const onHangUp = (): void => listener();
  process.on('SIGHUP', onHangUp);
  return () => process.off('SIGHUP', onHangUp);
};

const exitCode = await runCli(process.argv.slice(2), {
  commands,
  // A copy: nothing changes a running process's environment from outside, and the router reads keys at
  // every call, where a plain object costs a fraction of process.env's getenv (0.4 µs a read, eight a call).
  env: { ...process.env },
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: controller.signal,
  onReloadRequest,
});
process.exitCode = exitCode;
process.off('SIGINT', onInterrupt);
process.off('SIGTERM', onSignal);
