/**
 * Where a provider is called: its `<NAME>_BASE_URL` (the definition's `baseUrlEnv`) when set, else its definition's
 * `baseUrl`, held to the one base URL rule (parse-base-url.ts). Read by the HTTP provider when it is made and at
 * each call, and by the gateway's configuration before anything is started.
 */
import type { ProviderDefinition } from '../catalog.js';
import { type BaseUrlReading, parseBaseUrl } from '../http/parse-base-url.js';
import { environmentVariable } from './environment-variable.js';

type Environment = Readonly<Record<string, string | undefined>>;

export interface BaseUrlOverride {
  /** The variable's name: what an error names, never its value. */
  readonly variable: string;
  readonly reading: BaseUrlReading;
}

/** Undefined when the provider has no such variable, or it is unset or blank (a blank key is no key either). */
export function baseUrlOverrideOf(definition: Pick<ProviderDefinition, 'baseUrlEnv'>, env: Environment): BaseUrlOverride | undefined {
  const variable = definition.baseUrlEnv;
  if (variable === undefined || variable === '') return undefined;
  const text = environmentVariable(env, variable);
  if (text === undefined || text.trim() === '') return undefined;
  return { variable, reading: parseBaseUrl(text) };
}

/** The base URL in effect, or what is wrong with it and where it came from (`variable` unset: the definition's). */
export type ProviderBaseUrl =
  | { readonly baseUrl: string; readonly problem?: undefined }
  | { readonly baseUrl?: undefined; readonly problem: string; readonly variable: string | undefined };

export function providerBaseUrlOf(definition: Pick<ProviderDefinition, 'baseUrl' | 'baseUrlEnv'>, env: Environment): ProviderBaseUrl {
  const override = baseUrlOverrideOf(definition, env);
  const reading = override?.reading ?? parseBaseUrl(definition.baseUrl);
  return reading.problem === undefined ? { baseUrl: reading.baseUrl } : { problem: reading.problem, variable: override?.variable };
}
