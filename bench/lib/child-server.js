/**
 * Servers under test run in their own process, so the load generator never shares their event loop and
 * their CPU time can be read on its own. A child started with `startChildServer` speaks a tiny IPC
 * protocol: it sends `{ type: 'ready', port }` once listening, and answers `{ id, type, ... }` requests
 * with `{ id, reply }`. `serveIpc` is the child's half.
 */
import { fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const startTimeoutMs = 20_000;

/** Start `scriptPath` with IPC; resolves once it reported its port. `options.stdout`: a file descriptor for its output. */
export function startChildServer(scriptPath, options = {}) {
  const child = fork(scriptPath, options.args ?? [], {
    env: { ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', options.stdout ?? 'ignore', options.stderr === 'inherit' ? 'inherit' : 'ignore', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scriptPath} did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const waiter = pending.get(message?.id);
      if (waiter) {
        pending.delete(message.id);
        waiter(message.reply);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${scriptPath} exited before it was ready (code ${code}, signal ${signal})`));
      for (const waiter of pending.values()) waiter(undefined);
      pending.clear();
    });
  });
  const handle = {
    pid: child.pid,
    port: 0,
    url: '',
    /** Ask the child something; resolves with its reply. */
    ask(type, payload = {}) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ id, type, ...payload });
      });
    },
    /** User plus system CPU time of the child (and the processes it started) so far, in microseconds (from /proc, no IPC cost). */
    cpuMicros: () => processTreeCpuMicros(child.pid),
    /** Resident set size of the child, in bytes. */
    rssBytes: () => processRssBytes(child.pid),
    stop: () => stopProcess(child),
  };
  return ready.then((message) => {
    handle.port = message.port;
    handle.url = `http://127.0.0.1:${message.port}`;
    return handle;
  });
}

/**
 * Start a process that knows nothing of IPC (a third-party server) on `port`; resolves once it accepts connections.
 * `options.stdout`, a file descriptor, takes its standard output (V8's --trace-gc-nvp lines, for gc-survival.js);
 * `options.startTimeoutMs` replaces the 20 s allowed to start (a server under valgrind takes longer); `options.scheme`
 * is its URL's (default http).
 */
export async function startPlainServer(command, args, options) {
  const readyOutput = options.readyOutput;
  const child = spawn(command, args, { env: options.env, stdio: ['ignore', readyOutput ? 'pipe' : (options.stdout ?? 'ignore'), 'ignore'] });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  // `options.readyOutput`, a pattern its standard output matches once it is ready (`serve --workers`: all workers
  // listen, where the port accepts connections as soon as the first does).
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + (options.startTimeoutMs ?? startTimeoutMs);
  while (!(await canConnect(options.port)) || (readyOutput !== undefined && !readyOutput.test(output))) {
    if (exited) throw new Error(`${command} exited before it listened`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${command} did not listen within ${startTimeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid,
    port: options.port,
    url: `${options.scheme ?? 'http'}://127.0.0.1:${options.port}`,
    cpuMicros: () => processTreeCpuMicros(child.pid),
    rssBytes: () => processRssBytes(child.pid),
    stop: () => stopProcess(child),
  };
}

/** The child's half: report `port`, and answer requests with `handlers[type](message)`. */
export function serveIpc(port, handlers) {
  process.on('message', async (message) => {
    const handler = handlers[message?.type];
    const reply = handler ? await handler(message) : { error: `unknown request ${message?.type}` };
    process.send?.({ id: message.id, reply });
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const clockTicksPerSecond = 100;

function processCpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted after the command name: indices 11 and 12 here.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / clockTicksPerSecond;
}

/** The process's CPU time and that of the processes it started and that still run (`serve --workers`' workers). */
function processTreeCpuMicros(pid) {
  let micros = processCpuMicros(pid);
  for (const child of childProcessIds(pid)) {
    try {
      micros += processTreeCpuMicros(child);
    } catch {
      // It exited after it was listed.
    }
  }
  return micros;
}

function childProcessIds(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter((id) => id !== '').map(Number),
    );
  } catch {
    // Gone, or a kernel without the children files: the process's own time.
    return [];
  }
}

function processRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
