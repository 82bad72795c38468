/**
 * The router's outbound proxy, read from its environment when it is made (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`:
 * proxy-settings.ts). Unlike keys and base URLs, read at each call, a proxy is where connections are made, and
 * those are pooled: a router made anew (as the gateway's reload makes one) takes a changed proxy.
 */
import { InvalidArgumentError } from '../errors.js';
import { type ProxySettings, proxySettingsFromEnv, proxyUrlRequirement } from '../http/proxy-settings.js';

/** The proxy settings, or an InvalidArgumentError naming the variable refused, never quoting its value. */
export function outboundProxyOf(env: Readonly<Record<string, string | undefined>>): ProxySettings | undefined {
  const reading = proxySettingsFromEnv(env);
  if (reading.refusal === undefined) return reading.settings;
  const { variable, problem } = reading.refusal;
  throw new InvalidArgumentError({ argument: variable, message: `${variable} ${proxyUrlRequirement}; it ${problem}.` });
}
