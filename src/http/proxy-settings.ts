/**
 * The outbound proxy, from the variables curl, Python's requests and undici read: `HTTPS_PROXY` for https URLs,
 * `HTTP_PROXY` for http ones (and for https ones when `HTTPS_PROXY` is unset, as undici has it), `NO_PROXY` the origins
 * reached directly (no-proxy.ts); each name in lower case first, as curl reads them, and a blank value is unset. A proxy's URL
 * may carry a user name and password (its Basic credentials): a refusal describes it, never quotes it.
 */

export interface ProxySettings {
  /** The proxy of http URLs (and of https ones when `httpsProxy` is unset). */
  readonly httpProxy?: string;
  /** The proxy of https URLs. */
  readonly httpsProxy?: string;
  /** Origins reached directly: comma- or space-separated hosts (and their subdomains), addresses, CIDR ranges, each with an optional `:port`, or `*` (no-proxy.ts). */
  readonly noProxy?: string;
}

/** Each setting's variable, by its upper-case name (each is read in lower case first). */
const variableOf = { httpsProxy: 'HTTPS_PROXY', httpProxy: 'HTTP_PROXY', noProxy: 'NO_PROXY' } as const;

/** The variables read, by their upper-case names. */
export const proxyEnvironmentVariables = Object.values(variableOf);

export type ProxySettingsReading =
  | { readonly settings: ProxySettings | undefined; readonly refusal?: undefined }
  | { readonly settings?: undefined; readonly refusal: { readonly variable: string; readonly problem: string } };

/** What every refusal says is wanted, before what is wrong with the value. */
export const proxyUrlRequirement = 'must be an http or https URL of a proxy (a user name and password may come before its host)';

type Environment = Readonly<Record<string, string | undefined>>;

/** The variable of the pair that is set (lower case first) and its trimmed value, or undefined when neither is. */
function readPair(env: Environment, name: string): { readonly variable: string; readonly value: string } | undefined {
  for (const variable of [name.toLowerCase(), name]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/**
 * The proxy settings of an environment: undefined when no proxy is set (every request goes direct, by the pools of
 * old), or the first refused value's variable and what is wrong with it.
 */
export function proxySettingsFromEnv(env: Environment): ProxySettingsReading {
  const settings: { httpProxy?: string; httpsProxy?: string; noProxy?: string } = {};
  for (const key of ['httpProxy', 'httpsProxy'] as const) {
    const read = readPair(env, variableOf[key]);
    if (read === undefined) continue;
    const parsed = parseProxyUrl(read.value);
    if (parsed.problem !== undefined) return { refusal: { variable: read.variable, problem: parsed.problem } };
    settings[key] = parsed.url;
  }
  if (settings.httpProxy === undefined && settings.httpsProxy === undefined) return { settings: undefined };
  const noProxy = readPair(env, variableOf.noProxy);
  if (noProxy !== undefined) settings.noProxy = noProxy.value;
  return { settings };
}

/**
 * A proxy URL, or what is wrong with it. One without a scheme (`proxy.example:3128`) is an http proxy, as curl
 * reads it; a path is ignored (a proxy is asked at its origin).
 */
export function parseProxyUrl(text: string): { readonly url: string; readonly problem?: undefined } | { readonly url?: undefined; readonly problem: string } {
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return { problem: 'holds a space or a control character' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  if (!/^https?:\/\//i.test(withScheme)) return { problem: 'names a scheme other than http:// or https://' };
  if (!URL.canParse(withScheme)) return { problem: 'is not a URL' };
  // An http or https URL that parses has a host (WHATWG URL refuses `http://` and `http://:1`).
  const url = new URL(withScheme);
  if (url.search !== '' || url.hash !== '') return { problem: 'carries a query (?) or a fragment (#)' };
  return { url: url.href };
}

/** The settings as a log line may show them: each proxy's URL without its user name and password. */
export function proxySettingsShown(settings: ProxySettings): ProxySettings {
  const shown: { httpProxy?: string; httpsProxy?: string; noProxy?: string } = {};
  if (settings.httpsProxy !== undefined) shown.httpsProxy = proxyUrlShown(settings.httpsProxy);
  if (settings.httpProxy !== undefined) shown.httpProxy = proxyUrlShown(settings.httpProxy);
  if (settings.noProxy !== undefined) shown.noProxy = settings.noProxy;
  return shown;
}

/** A proxy's URL as a log line or a health output may show it: without its user name and password. */
export function proxyUrlShown(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  url.username = '';
  url.password = '';
  return url.href;
}

