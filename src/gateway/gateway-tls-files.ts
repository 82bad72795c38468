/**
 * The gateway's certificate chain and private key, read from the files `tls` names (gateway-tls-config.ts) at start
 * and at every reload, so a certificate renewed in place (cert-manager, certbot) is served after `kill -HUP`. A file
 * that cannot be read, or a pair that makes no TLS context (not PEM, a key that is not the certificate's), is an
 * InvalidArgumentError naming the setting; the key's bytes are never quoted.
 */
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { fail } from './config-fields.js';
import { configRelativePath } from './env-file.js';
import type { GatewayTlsConfig } from './gateway-tls-config.js';

/** What an HTTPS server is made with. */
export interface GatewayTlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
}

async function readSetting(path: string, setting: string, configPath: string | undefined): Promise<Buffer> {
  const resolved = configRelativePath(path, configPath);
  try {
    return await readFile(resolved);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fail(setting, `cannot be read: ${resolved}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
}

export async function readGatewayTlsFiles(tls: GatewayTlsConfig, configPath: string | undefined): Promise<GatewayTlsMaterial> {
  // One after the other: with both missing, the refusal names the certificate's setting every time.
  const cert = await readSetting(tls.certFile, tls.certFileSetting, configPath);
  const key = await readSetting(tls.keyFile, tls.keyFileSetting, configPath);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    // OpenSSL's reason (`key values mismatch`, `no start line`), never the files' bytes.
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '').replace(/^error:[0-9A-F]+:/, '') : typeof error;
    fail(`${tls.certFileSetting} and ${tls.keyFileSetting}`, `do not make a certificate and its private key: ${reason}.`);
  }
  return { cert, key };
}
