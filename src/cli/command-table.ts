/** The commands of `backup-models`, in help order. Adding one is adding a file under commands/ and a line here. */
import type { CliCommand } from './cli-command.js';
import { chatCommand } from './commands/chat.js';
import { demoCommand } from './commands/demo.js';
import { healthCommand } from './commands/health.js';
import { serveCommand } from './commands/serve.js';

export const commands: readonly CliCommand[] = [chatCommand, healthCommand, serveCommand, demoCommand];
