/** `backup-models demo`: simulated providers, the gateway and its dashboard, a steady load and a scripted outage. */
import { parseArgs } from 'node:util';
import { runDemo } from '../../demo/run-demo.js';
import type { CliCommand } from '../cli-command.js';
import { maximumPort, maximumTimerMs, numberOption, withUsageErrors } from '../parse-command-args.js';

const help = `Usage: backup-models demo [options]

Watch the router at work, with no API key: six simulated providers (the recorded responses of Groq, OpenAI,
Anthropic, Together, Moonshot and Google, replayed on 127.0.0.1 with realistic latency and a few failures),
the gateway in front of them, a steady load of requests, and the live dashboard. Nothing leaves this machine.

The script: at 10 s Groq (simulated) goes down for 20 s (its circuit opens, calls fail over, a probe closes
it again); at 20 s Anthropic (simulated) rate-limits for 15 s (429 with Retry-After: it cools down).
Every 60 s it starts over. Repeated prompts are answered by the cache.

Options:
  --port <port>          The gateway and dashboard port. Default 8787; 0 picks a free port.
  --duration-ms <ms>     Stop after this long. Default: run until Ctrl-C.
  -h, --help             Show this help.

Ctrl-C stops everything cleanly.`;

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Simulated providers, a scripted outage and the live dashboard: no API key needed.',
  help,
  async run(args, context) {
    const { values } = withUsageErrors('demo', () =>
      parseArgs({
        args: [...args],
        strict: true,
        allowPositionals: false,
        options: {
          port: { type: 'string' },
          'duration-ms': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    if (values.help) {
      context.stdout.write(`${help}\n`);
      return 0;
    }
    const port = numberOption('demo', 'port', values.port, { minimum: 0, maximum: maximumPort, integer: true });
    const durationMs = numberOption('demo', 'duration-ms', values['duration-ms'], { minimum: 1, maximum: maximumTimerMs, integer: true });
    await runDemo({
      ...(port !== undefined ? { port } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      signal: context.signal,
      write: (line) => context.stdout.write(`${line}\n`),
    });
    return 0;
  },
};
