/**
 * The gateway's log: one structured JSON line per call on stderr, through pino. It names the provider,
 * model, attempts, latency, cache and outcome; never a key, and never a prompt unless `logPrompts` is set.
 */
import pino from 'pino';

export type GatewayLogger = pino.Logger;

export function createGatewayLogger(options: { readonly level?: string; readonly destination?: NodeJS.WritableStream } = {}): GatewayLogger {
  const destination = options.destination ?? pino.destination({ dest: 2, sync: false });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'backup-models-gateway' },
      // Belt and braces: these never reach a log call, and are cut if one ever does.
      redact: { paths: ['authorization', 'headers.authorization', '*.authorization', 'apiKey', 'key'], censor: '[redacted]' },
    },
    destination,
  );
}
