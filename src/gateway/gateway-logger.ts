/**
 * The gateway's log: one structured JSON line per call on stderr, through pino. It names the client's address
 * (`clientAddress`: through a trusted proxy, the client it names), the key's name, the provider, model,
 * attempts, latency, cache and outcome; never a key, and never a prompt unless `logPrompts` is set.
 */
import pino from 'pino';

export type GatewayLogger = pino.Logger;

export function createGatewayLogger(options: { readonly level?: string; readonly destination?: NodeJS.WritableStream } = {}): GatewayLogger {
  // Lines are gathered up to 4 KiB (or 250 ms) per write: one write per line cost a thread-pool task and a
  // wake-up of the event loop per request. pino flushes what is gathered when the process exits.
  const destination = options.destination ?? pino.destination({ dest: 2, sync: false, minLength: 4096, periodicFlush: 250 });
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'backup-models-gateway' },
      // No `redact` paths: no log call is given headers or keys (the canary tests prove it), and pino's
      // redaction doubled the cost of every line on the hot path (benchmark finding B2).
    },
    destination,
  );
}
