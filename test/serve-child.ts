/**
 * `backup-models serve` as a child process, for the tests that need the real process (signals, its exit, what it
 * loads): started on a free port, resolved once it says where it listens, its stderr (the log) kept.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface ServeChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:<port>` (`https://` with tls), as the process announced it. */
  readonly url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

export interface StartServeChildOptions {
  /** The CLI's built entry point. */
  readonly mainScript: string;
  /** Arguments after `serve --port 0`. */
  readonly args?: readonly string[];
  /** Node's own options, before the script (`--import ...`). */
  readonly nodeArgs?: readonly string[];
  /** The child's whole environment besides PATH. */
  readonly env: Readonly<Record<string, string>>;
  /** In a process group of its own, which `process.kill(-child.pid, signal)` signals whole, as a terminal's Ctrl-C does. */
  readonly detached?: boolean;
}

export async function startServeChild(options: StartServeChildOptions): Promise<ServeChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.mainScript, 'serve', '--port', '0', ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    ...(options.detached ? { detached: true } : {}),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, stdout: () => stdout, exited };
}
