/** `backup-models health`: every provider, whether its key is set, whether it answers, its circuit and latency. */
import { parseArgs } from 'node:util';
import { ProviderError } from '../../errors.js';
import type { ModelProvider } from '../../providers/model-provider.js';
import type { CliCommand } from '../cli-command.js';
import { formatTable } from '../format-table.js';
import { maximumTimerSeconds, numberOption, withUsageErrors } from '../parse-command-args.js';
import { routerForCommand } from '../router-from-config.js';

const help = `Usage: backup-models health [options]

Check every provider with its cheapest call (the models list), in parallel. Behind an outbound proxy
(HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) a PROXY column names the one each provider is reached through.

Options:
  --config <file>     Check the providers of a gateway configuration (its own ones and base URLs) too.
  --json              Print the result as JSON.
  --timeout <seconds> Limit on each check. Default 5.
  -h, --help          Show this help.

Exit code 0 when at least one provider is reachable, 1 otherwise.`;

export interface ProviderHealthRow {
  readonly provider: string;
  readonly keyPresent: boolean;
  /** Null when not checked (no key). */
  readonly reachable: boolean | null;
  readonly circuitState: string;
  readonly latencyMs: number | null;
  /** Why it is not reachable: the failure reason, or the key variable to set. */
  readonly detail: string | null;
  /** The outbound proxy its requests go through (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), without credentials; null when direct. */
  readonly outboundProxy: string | null;
}

async function checkProvider(provider: ModelProvider, options: { timeoutMs: number; signal: AbortSignal }): Promise<Omit<ProviderHealthRow, 'circuitState' | 'outboundProxy'>> {
  const keyPresent = provider.isConfigured();
  if (!keyPresent) {
    return { provider: provider.id, keyPresent, reachable: null, latencyMs: null, detail: `set ${provider.definition.apiKeyEnv}` };
  }
  const startedAtMs = performance.now();
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    await provider.checkHealth({ signal });
    return { provider: provider.id, keyPresent, reachable: true, latencyMs: Math.round(performance.now() - startedAtMs), detail: null };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    const detail = ProviderError.isInstance(error) ? error.reason : signal.aborted ? 'timeout' : 'network';
    return { provider: provider.id, keyPresent, reachable: false, latencyMs: Math.round(performance.now() - startedAtMs), detail };
  }
}

export const healthCommand: CliCommand = {
  name: 'health',
  summary: 'Show every provider: key present, reachable, circuit state, latency.',
  help,
  async run(args, context) {
    const { values } = withUsageErrors('health', () =>
      parseArgs({
        args: [...args],
        strict: true,
        allowPositionals: false,
        options: { config: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      }),
    );
    if (values.help) {
      context.stdout.write(`${help}\n`);
      return 0;
    }
    const timeoutMs = Math.round((numberOption('health', 'timeout', values.timeout, { minimum: 0.001, maximum: maximumTimerSeconds, unit: 'seconds' }) ?? 5) * 1000);
    const router = await routerForCommand(context, values.config);
    try {
      const checks = await Promise.all(router.providers.map((provider) => checkProvider(provider, { timeoutMs, signal: context.signal })));
      const status = router.getHealthStatus();
      const rows: ProviderHealthRow[] = checks.map((check) => {
        const providerStatus = status[check.provider];
        return { ...check, circuitState: providerStatus?.circuitState ?? 'closed', outboundProxy: providerStatus?.outboundProxy ?? null };
      });
      if (values.json) {
        context.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        // The proxy column only behind a proxy: without one every row would say '-'.
        const showProxy = rows.some((row) => row.outboundProxy !== null);
        const table = [
          ['PROVIDER', 'KEY', 'REACHABLE', 'CIRCUIT', 'LATENCY', ...(showProxy ? ['PROXY'] : []), 'DETAIL'],
          ...rows.map((row) => [
            row.provider,
            row.keyPresent ? 'set' : 'missing',
            row.reachable === null ? '-' : row.reachable ? 'yes' : 'no',
            row.circuitState,
            row.latencyMs === null ? '-' : `${row.latencyMs} ms`,
            ...(showProxy ? [row.outboundProxy ?? '-'] : []),
            row.detail ?? '',
          ]),
        ];
        context.stdout.write(`${formatTable(table)}\n`);
      }
      return rows.some((row) => row.reachable === true) ? 0 : 1;
    } finally {
      await router.close();
    }
  },
};
