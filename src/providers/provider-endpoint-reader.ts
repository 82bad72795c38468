/**
 * A provider's key and base URL, both read from the environment at call time, so a key set or rotated after
 * start-up is used by the next call. The key is trimmed (a key read from a file ends with a newline); one that
 * is empty once trimmed is no key, and one holding characters an HTTP header cannot carry fails as a bad key
 * does, with an `authentication` ProviderError that names its variable, never the key. The base URL is held to
 * one rule (parse-base-url.ts) when the reader is made, where a bad one throws an InvalidArgumentError naming its
 * variable, and at each call, where one changed to a bad value since fails this provider with a `configuration`
 * ProviderError naming it; neither quotes the value.
 */
import type { ProviderDefinition } from '../catalog.js';
import { InvalidArgumentError, ProviderError, registerSecret } from '../errors.js';
import { baseUrlRequirement } from '../http/parse-base-url.js';
import { environmentVariable } from './environment-variable.js';
import { providerBaseUrlOf } from './provider-base-url.js';
import type { EndpointConfig } from './wire-protocol.js';

export interface ProviderEndpointReader {
  /** The key as set now, trimmed: '' when it is unset or the provider takes none. */
  readonly readApiKey: () => string;
  /** Where a call is sent, and with which key, read now: the same object as long as neither variable changed. */
  readonly endpoint: () => EndpointConfig;
}

export function createProviderEndpointReader(
  definition: ProviderDefinition,
  env: Readonly<Record<string, string | undefined>>,
): ProviderEndpointReader {
  const providerId = definition.id;

  // Trimmed: a key read from a file or pasted into a .env often ends with a newline or a space.
  const readApiKey = (): string => (definition.apiKeyEnv === '' ? '' : (environmentVariable(env, definition.apiKeyEnv) ?? '').trim());

  // Checked now, so that a bad one stops the router (and the gateway) from starting, and again at each call.
  const initialBaseUrl = providerBaseUrlOf(definition, env);
  if (initialBaseUrl.problem !== undefined) {
    const source = initialBaseUrl.variable ?? 'baseUrl';
    throw new InvalidArgumentError({
      argument: initialBaseUrl.variable ?? 'definition.baseUrl',
      message: `${providerId}: ${source} ${baseUrlRequirement}; it ${initialBaseUrl.problem}.`,
    });
  }

  let lastEndpoint: EndpointConfig | undefined;
  let lastOverride: string | undefined;
  const endpoint = (): EndpointConfig => {
    const apiKey = readApiKey();
    if (definition.apiKeyEnv !== '' && apiKey === '') {
      throw new ProviderError({
        provider: providerId,
        reason: 'authentication',
        message: `no API key: set ${definition.apiKeyEnv}`,
      });
    }
    const override = definition.baseUrlEnv === undefined ? undefined : environmentVariable(env, definition.baseUrlEnv);
    // Both variables are read on every call, but the endpoint is only rebuilt when one of them changed.
    if (lastEndpoint === undefined || lastEndpoint.apiKey !== apiKey || lastOverride !== override) {
      if (!isValidHeaderValue(apiKey)) {
        // A bad key, as a rejected one is (the provider is kept out, the call fails over), never quoted.
        throw new ProviderError({
          provider: providerId,
          reason: 'authentication',
          message: `${definition.apiKeyEnv} holds characters a header cannot carry (a line break or a control character inside the key?)`,
        });
      }
      // Read again at each call, as the key is: one changed to a bad value since fails this provider, never quoted.
      const current = providerBaseUrlOf(definition, env);
      if (current.problem !== undefined) {
        throw new ProviderError({
          provider: providerId,
          reason: 'configuration',
          message: `${current.variable ?? 'baseUrl'} ${baseUrlRequirement}; it ${current.problem}`,
        });
      }
      registerSecret(apiKey);
      lastEndpoint = { providerId, baseUrl: current.baseUrl, apiKey };
      lastOverride = override;
    }
    return lastEndpoint;
  };

  return { readApiKey, endpoint };
}

/** What an HTTP header value may hold: tab, visible ASCII, space and Latin-1 (undici refuses the rest). */
const isValidHeaderValue = (value: string): boolean => !/[^\t\x20-\x7e\x80-\xff]/.test(value);
