/** A gateway in front of the provider test server, with an official OpenAI client pointed at it. Shared by test/gateway*.test.ts. */
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Clock } from '../src/clock.js';
import { createGateway, type Gateway, type GatewayOptions } from '../src/gateway/create-gateway.js';
import { parseGatewayConfig, routerOptionsFromConfig, type GatewayConfig } from '../src/gateway/gateway-config.js';
import { createGatewayLogger } from '../src/gateway/gateway-logger.js';
import { BackupModelRouter } from '../src/routing/backup-model-router.js';
import type { BackupModelRouterOptions } from '../src/routing/router-options.js';
import { startProviderTestServer, type ProviderTestServer } from '../src/testing/index.js';

export const gatewayKeys = ['gateway-key-alpha-0123456789', 'gateway-key-bravo-9876543210'] as const;

export interface GatewayHarness {
  readonly providers: ProviderTestServer;
  readonly router: BackupModelRouter;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  /** The environment the router's providers read their keys and base URLs from, at each call: set a key here to configure a provider. */
  readonly env: Record<string, string>;
  readonly url: string;
  /** Uses the first gateway key; no retries, so every error reaches the test. */
  readonly client: OpenAI;
  clientWithKey(apiKey: string): OpenAI;
  /** An official Anthropic client with the first gateway key; no retries either. */
  readonly anthropicClient: Anthropic;
  /** Every log line the gateway wrote, parsed. */
  readonly logLines: Record<string, unknown>[];
  /** The raw log text. */
  logText(): string;
  close(): Promise<void>;
}

export async function startGatewayHarness(
  options: {
    /** The configuration; a function of the provider test server when it must name its URL. */
    readonly yamlText?: string | ((providers: ProviderTestServer) => string);
    readonly keys?: readonly string[];
    /** Admin keys (BACKUP_MODELS_GATEWAY_ADMIN_KEYS): they may also read /metrics, /health and the dashboard. Default none. */
    readonly adminKeys?: readonly string[];
    readonly routerOptions?: BackupModelRouterOptions;
    /** Providers given keys and base URLs; default all six. */
    readonly providerIds?: readonly string[];
    /** More of the environment the configuration and the router read (a key's `keyEnv`, a provider's key). */
    readonly env?: Readonly<Record<string, string>>;
    /** The gateway's quota store, shared failed key attempts, store of answered Responses items and clock. */
    readonly gatewayOptions?: Pick<GatewayOptions, 'quotaStore' | 'sharedFailedKeyAttempts' | 'responseStore' | 'clock'>;
    /** The clock of the provider test server's latencies and delays. Default the system clock. */
    readonly providerClock?: Clock;
  } = {},
): Promise<GatewayHarness> {
  const providers = await startProviderTestServer(options.providerClock ? { clock: options.providerClock } : {});
  const env: Record<string, string> = { ...providers.environment(options.providerIds), ...options.env };
  const keys = options.keys ?? gatewayKeys;
  const yamlText = typeof options.yamlText === 'function' ? options.yamlText(providers) : options.yamlText;
  const config = parseGatewayConfig({
    ...(yamlText !== undefined ? { yamlText } : {}),
    env: {
      ...options.env,
      BACKUP_MODELS_GATEWAY_KEYS: keys.join(','),
      ...(options.adminKeys ? { BACKUP_MODELS_GATEWAY_ADMIN_KEYS: options.adminKeys.join(',') } : {}),
    },
  });
  const router = new BackupModelRouter({ ...routerOptionsFromConfig(config, { env }), ...options.routerOptions });
  let raw = '';
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const text = chunk.toString('utf8');
      raw += text;
      for (const line of text.split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const gateway = createGateway({ router, config, logger: createGatewayLogger({ destination, level: config.logLevel }), ...options.gatewayOptions });
  const { url } = await gateway.listen({ host: '127.0.0.1', port: 0 });
  const clientWithKey = (apiKey: string): OpenAI => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });
  return {
    providers,
    router,
    gateway,
    config,
    env,
    url,
    client: clientWithKey(keys[0] ?? 'no-key-needed'),
    clientWithKey,
    anthropicClient: new Anthropic({ baseURL: url, apiKey: keys[0] ?? 'no-key-needed', maxRetries: 0, timeout: 15_000 }),
    logLines,
    logText: () => raw,
    close: async () => {
      await gateway.close();
      await router.close();
      await providers.close();
    },
  };
}

/**
 * A gateway harness for a file's tests whose provider test server refuses, before each test, what a real provider
 * refuses (`refuse` installs such an answer and returns its removal): the providers' requests are reset and the
 * refusal installed again before each test, and both removed and the gateway closed after the file.
 */
export function useRefusingGatewayHarness(
  options: Parameters<typeof startGatewayHarness>[0],
  refuse: (providers: ProviderTestServer) => () => void,
): { readonly current: GatewayHarness } {
  let harness: GatewayHarness | undefined;
  let stopRefusing: () => void = () => {};
  beforeAll(async () => {
    harness = await startGatewayHarness(options);
  });
  afterAll(async () => {
    stopRefusing();
    await harness?.close();
  });
  beforeEach(() => {
    stopRefusing();
    harness!.providers.reset();
    stopRefusing = refuse(harness!.providers);
  });
  return {
    get current(): GatewayHarness {
      if (!harness) throw new Error('The gateway harness is started before the file\'s tests, not at import.');
      return harness;
    },
  };
}
