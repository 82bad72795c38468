/** What every command of the `backup-models` tool is: a name, its help, and a run that returns an exit code. */

export interface CliContext {
  /** The environment: provider keys, base URLs, gateway keys. The CLI is allowed to read it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /**
   * Hear each request to read the configuration again (SIGHUP, as daemons take it); returns the disposer. Absent
   * where nothing sends one. While no command listens, the signal does what it does by default.
   */
  readonly onReloadRequest?: (listener: () => void) => () => void;
}

export interface CliCommand {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Resolves with the process exit code. Throws for errors, which the tool prints as one line. */
  run(args: readonly string[], context: CliContext): Promise<number>;
}

/** A mistake in the command line itself: printed with a pointer to `--help`, exit code 2. */
export class CliUsageError extends Error {
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'CliUsageError';
    this.command = command;
  }
}

/**
 * A mistake in the configuration a command reads at its start (the file `--config` names, the environment's
 * settings): printed as it is, naming the setting, with exit code 2, as a mistake in the command line is. Nothing
 * was tried, so it is no failure of the command's work (exit code 1).
 */
export class CliConfigurationError extends Error {
  constructor(message: string, options: { readonly cause: unknown }) {
    super(message, options);
    this.name = 'CliConfigurationError';
  }
}
