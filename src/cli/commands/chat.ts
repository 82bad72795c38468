/** `backup-models chat "prompt"`: one call through the router, printed as text, streamed, or as the full result. */
import { parseArgs } from 'node:util';
import { BackupModelRouter } from '../../routing/backup-model-router.js';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { CompleteOptions, CompletionResult, PromptOrMessages } from '../../routing/router-options.js';
import type { ImageInput, ReasoningEffort, Tier } from '../../types.js';
import { type CliCommand, type CliContext, CliUsageError } from '../cli-command.js';
import { maximumTimerSeconds, numberOption, withUsageErrors } from '../parse-command-args.js';
import { routerForCommand } from '../router-from-config.js';

const help = `Usage: backup-models chat [options] "prompt"

Ask the best available provider; another answers if it fails. The prompt can also come on stdin.

Options:
  --stream            Print the answer as it arrives.
  --tier <1|2|3>      1 fast and cheap, 2 balanced, 3 best quality.
  --provider <id>     Try this provider first (groq, openai, anthropic, together, moonshot, google, or
                      one that --config adds).
  --model <id>        The model to ask --provider for (or provider/model, which needs no --provider).
  --only              Use only --provider (and --model), with no fallback to others.
  --reasoning <none|low|medium|high>
                      How hard a reasoning model thinks (others answer as usual); none asks it not to,
                      or to think the least it can. The reasoning a model shows is printed on stderr,
                      before the answer.
  --image <file|url>  Attach an image (PNG, JPEG, GIF or WebP file, or an http(s) URL); repeat for more.
                      Only models that take images are asked.
  --config <file>     Use a gateway configuration's providers (its own ones and base URLs) and strategy.
  --json              Print the full result as JSON: text, provider, model, latency, usage, attempts.
  --timeout <seconds> Deadline of the whole call, fallbacks included. Default 60.
  -h, --help          Show this help.

Keys come from the environment: GROQ_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, TOGETHER_API_KEY,
MOONSHOT_API_KEY, GOOGLE_API_KEY (one is enough).`;

async function readStdin(stdin: CliContext['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  return text.trim();
}

function tierOf(value: string | undefined): Tier | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2' || value === '3') return Number(value) as Tier;
  throw new CliUsageError(`--tier must be 1, 2 or 3, not "${value}".`, 'chat');
}

function reasoningEffortOf(value: string | undefined): ReasoningEffort | undefined {
  if (value === undefined) return undefined;
  if (value === 'none' || value === 'low' || value === 'medium' || value === 'high') return value;
  throw new CliUsageError(`--reasoning must be none, low, medium or high, not "${value}".`, 'chat');
}

function targetOptions(values: { provider?: string; model?: string; only?: boolean }, router: BackupModelRouter): CompleteOptions {
  let { provider, model } = values;
  if (model !== undefined && provider === undefined) {
    const slash = model.indexOf('/');
    if (slash <= 0) throw new CliUsageError('--model needs --provider, or the form provider/model.', 'chat');
    provider = model.slice(0, slash);
    model = model.slice(slash + 1);
  }
  if (provider === undefined) {
    if (values.only) throw new CliUsageError('--only needs --provider.', 'chat');
    return {};
  }
  const known = router.providers.find((candidate) => candidate.id === provider);
  if (!known) {
    const ids = router.providers.map((candidate) => candidate.id).join(', ');
    throw new CliUsageError(`Unknown provider "${provider}" (known: ${ids}).`, 'chat');
  }
  if (values.only) return { route: [{ provider, model: model ?? known.definition.defaultModel }] };
  return { preferredProvider: provider, ...(model !== undefined ? { preferredModel: model } : {}) };
}

const imageTypes: Readonly<Record<string, string>> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** `--image`: an http(s) URL as is, a file as a data URL of its bytes. */
async function imageInputOf(value: string): Promise<ImageInput> {
  if (/^https?:\/\//.test(value)) return { url: value };
  const mediaType = imageTypes[extname(value).toLowerCase()];
  if (mediaType === undefined) throw new CliUsageError(`--image ${value}: give a .png, .jpg, .gif or .webp file, or an http(s) URL.`, 'chat');
  let bytes: Buffer;
  try {
    bytes = await readFile(value);
  } catch (error) {
    throw new CliUsageError(`--image ${value}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, 'chat');
  }
  return { url: `data:${mediaType};base64,${bytes.toString('base64')}` };
}

/** Who answered, on stderr, so stdout holds only the answer. */
function servedBy(result: CompletionResult): string {
  return `(${result.provider}/${result.model}, ${Math.round(result.latencyMs)} ms)\n`;
}

function jsonResult(result: CompletionResult): string {
  return JSON.stringify(result, null, 2);
}

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'Ask a question; the fastest healthy provider answers.',
  help,
  async run(args, context) {
    const { values, positionals } = withUsageErrors('chat', () =>
      parseArgs({
        args: [...args],
        allowPositionals: true,
        strict: true,
        options: {
          stream: { type: 'boolean' },
          tier: { type: 'string' },
          provider: { type: 'string' },
          model: { type: 'string' },
          only: { type: 'boolean' },
          json: { type: 'boolean' },
          config: { type: 'string' },
          image: { type: 'string', multiple: true },
          reasoning: { type: 'string' },
          timeout: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }),
    );
    if (values.help) {
      context.stdout.write(`${help}\n`);
      return 0;
    }
    const timeoutSeconds = numberOption('chat', 'timeout', values.timeout, { minimum: 0.001, maximum: maximumTimerSeconds, unit: 'seconds' });
    const tier = tierOf(values.tier);
    const reasoningEffort = reasoningEffortOf(values.reasoning);
    let prompt = positionals.join(' ').trim();
    if (prompt === '' && context.stdin.isTTY !== true) prompt = await readStdin(context.stdin);
    if (prompt === '') throw new CliUsageError('Give a prompt: backup-models chat "your question".', 'chat');
    const images = await Promise.all((values.image ?? []).map((image) => imageInputOf(image)));
    const input: PromptOrMessages = images.length === 0 ? prompt : [{ role: 'user', content: prompt, images }];
    const router = await routerForCommand(context, values.config);
    try {
      const options: CompleteOptions = {
        ...targetOptions(values, router),
        ...(tier !== undefined ? { tier } : {}),
        ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
        signal: context.signal,
        cache: false,
      };
      if (!values.stream) {
        const result = await router.complete(input, options);
        if (result.reasoning !== undefined && !values.json) context.stderr.write(`${result.reasoning}\n\n`);
        context.stdout.write(values.json ? `${jsonResult(result)}\n` : `${result.content || JSON.stringify(result.toolCalls)}\n`);
        if (!values.json) context.stderr.write(servedBy(result));
        return 0;
      }
      const stream = router.stream(input, options);
      for await (const chunk of stream) {
        if (chunk.type === 'text-delta' && !values.json) context.stdout.write(chunk.text);
        // The reasoning goes to stderr, so stdout holds only the answer.
        if (chunk.type === 'reasoning-delta' && !values.json) context.stderr.write(chunk.text);
      }
      const result = await stream.result;
      context.stdout.write(values.json ? `${jsonResult(result)}\n` : '\n');
      if (!values.json) context.stderr.write(servedBy(result));
      return 0;
    } finally {
      await router.close();
    }
  },
};
