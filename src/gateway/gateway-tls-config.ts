/**
 * `tls` in the gateway's configuration: the PEM files of its certificate chain and private key, so that it serves
 * HTTPS itself and a key sent to it beyond loopback does not cross the network in the clear. Over the file's,
 * `BACKUP_MODELS_GATEWAY_TLS_CERT_FILE` and `BACKUP_MODELS_GATEWAY_TLS_KEY_FILE`. Both or neither. Pure: the files
 * are read by `readGatewayTlsFiles` (gateway-tls-files.ts), relative to the configuration file's directory.
 */
import { fail, objectAt } from './config-fields.js';

export interface GatewayTlsConfig {
  /** The certificate chain's PEM file: the gateway's certificate first, then its intermediates. */
  readonly certFile: string;
  /** The private key's PEM file. */
  readonly keyFile: string;
  /** Where each came from, for a refusal to name: `tls.certFile` or the variable. */
  readonly certFileSetting: string;
  readonly keyFileSetting: string;
}

export const gatewayTlsEnvironmentVariables = {
  certFile: 'BACKUP_MODELS_GATEWAY_TLS_CERT_FILE',
  keyFile: 'BACKUP_MODELS_GATEWAY_TLS_KEY_FILE',
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** A path, from the variable when it is set (not blank), else from the file's field; undefined when neither gives one. */
function pathOf(fileValue: unknown, fileSetting: string, env: Environment, variable: string): { readonly path: string; readonly setting: string } | undefined {
  const fromEnv = env[variable]?.trim();
  if (fromEnv) return { path: fromEnv, setting: variable };
  if (fileValue === undefined || fileValue === null) return undefined;
  if (typeof fileValue !== 'string' || fileValue.trim() === '') fail(fileSetting, 'must be the path of a PEM file.');
  return { path: fileValue.trim(), setting: fileSetting };
}

export function gatewayTlsOf(value: unknown, env: Environment): GatewayTlsConfig | undefined {
  const file = value === undefined || value === null ? {} : objectAt(value, 'tls', ['certFile', 'keyFile']);
  const cert = pathOf(file.certFile, 'tls.certFile', env, gatewayTlsEnvironmentVariables.certFile);
  const key = pathOf(file.keyFile, 'tls.keyFile', env, gatewayTlsEnvironmentVariables.keyFile);
  if (cert === undefined && key === undefined) return undefined;
  const { certFile: certVariable, keyFile: keyVariable } = gatewayTlsEnvironmentVariables;
  if (cert === undefined) fail(key!.setting, `is given without tls.certFile (or ${certVariable}): HTTPS needs both.`);
  if (key === undefined) fail(cert.setting, `is given without tls.keyFile (or ${keyVariable}): HTTPS needs both.`);
  return { certFile: cert.path, keyFile: key.path, certFileSetting: cert.setting, keyFileSetting: key.setting };
}
