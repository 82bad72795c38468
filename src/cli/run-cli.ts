/** The tool's dispatcher: top-level help, the command, and every error as one line with an exit code. */
import type { CliCommand, CliContext } from './cli-command.js';
import { CliConfigurationError, CliUsageError } from './cli-command.js';
import { describeError } from './describe-error.js';

export function topLevelHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: backup-models <command> [options]

LLM calls that do not fail: parallel fallback across Groq, OpenAI, Anthropic, Together, Moonshot and Google.

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run backup-models <command> --help for a command's options.`;
}

/**
 * Resolves with the exit code: 0 success, 1 failure, 2 a mistake in the command line or in the configuration it
 * reads (the file, the environment), 130 interrupted.
 */
export async function runCli(argv: readonly string[], context: CliContext & { readonly commands: readonly CliCommand[] }): Promise<number> {
  const [name, ...rest] = argv;
  const { commands } = context;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' && rest[0] ? commands.find((command) => command.name === rest[0]) : undefined;
    context.stdout.write(`${target ? target.help : topLevelHelp(commands)}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  try {
    if (!command) {
      throw new CliUsageError(`Unknown command "${name}". Commands: ${commands.map((candidate) => candidate.name).join(', ')}.`);
    }
    return await command.run(rest, context);
  } catch (error) {
    const mistake = error instanceof CliUsageError || error instanceof CliConfigurationError;
    if (context.signal.aborted && !mistake) {
      context.stderr.write('backup-models: interrupted\n');
      return 130;
    }
    const hint = error instanceof CliUsageError ? ` (see backup-models ${error.command ? `${error.command} ` : ''}--help)` : '';
    context.stderr.write(`backup-models: ${describeError(error)}${hint}\n`);
    return mistake ? 2 : 1;
  }
}
