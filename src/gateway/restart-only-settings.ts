/**
 * The settings a reload of the configuration cannot change, since what reads them is made once at start: where the
 * server listens (`host`, `port`: the socket is bound), the failed key attempts' limits (their counts live on, and a
 * reload is no way to reset a guesser's allowance), the memory bound of kept Responses items (the store lives on,
 * answers and all) and whether it serves HTTPS (`tls` on or off; a renewed certificate is read again and served).
 * A reload keeps their values in use and says they need a restart; everything else applies.
 */
import type { GatewayConfig } from './gateway-config.js';

type Setting = readonly [name: string, valueOf: (config: GatewayConfig) => unknown];

const restartOnlySettings: readonly Setting[] = [
  ['host', (config) => config.host],
  ['port', (config) => config.port],
  ['limits.maxFailedKeyAttempts', (config) => config.limits.maxFailedKeyAttempts],
  ['limits.failedKeyAttemptWindowMs', (config) => config.limits.failedKeyAttemptWindowMs],
  ['limits.maxFailedKeyAttemptAddresses', (config) => config.limits.maxFailedKeyAttemptAddresses],
  ['storedResponses.maxMemoryBytes', (config) => config.storedResponses.maxMemoryBytes],
  // HTTPS on or off: the server is made one or the other. Its certificate and key are read again and served.
  ['tls', (config) => config.tls !== undefined],
];

/** The names of the settings `next` changes that only a restart applies (none of them holds a key). */
export function changedRestartOnlySettings(inUse: GatewayConfig, next: GatewayConfig): string[] {
  return restartOnlySettings.flatMap(([name, valueOf]) => (valueOf(inUse) === valueOf(next) ? [] : [name]));
}

/** `next` with the restart-only settings of the configuration in use: what the gateway then actually runs with. */
export function withRestartOnlySettingsOf(inUse: GatewayConfig, next: GatewayConfig): GatewayConfig {
  const { tls: nextTls, ...rest } = next;
  const tls = (inUse.tls === undefined) === (nextTls === undefined) ? nextTls : inUse.tls;
  return {
    ...rest,
    ...(tls !== undefined ? { tls } : {}),
    host: inUse.host,
    port: inUse.port,
    limits: {
      ...next.limits,
      maxFailedKeyAttempts: inUse.limits.maxFailedKeyAttempts,
      failedKeyAttemptWindowMs: inUse.limits.failedKeyAttemptWindowMs,
      maxFailedKeyAttemptAddresses: inUse.limits.maxFailedKeyAttemptAddresses,
    },
    storedResponses: { ...next.storedResponses, maxMemoryBytes: inUse.storedResponses.maxMemoryBytes },
  };
}
