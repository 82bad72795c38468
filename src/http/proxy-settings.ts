/**
 * The outbound proxy, from the variables curl, Python's requests and undici read: `HTTPS_PROXY` for https URLs,
 * `HTTP_PROXY` for http ones (and for https ones when `HTTPS_PROXY` is unset, as undici has it), `ALL_PROXY` for
 * either when its own is unset (as curl and requests have it), `NO_PROXY` the origins reached directly (no-proxy.ts);
 * each name in lower case first, as curl reads them, and a blank value is unset. A proxy is an HTTP proxy (`http://`,
 * `https://`: CONNECT tunnels) or a SOCKS5 one (`socks5://`, names resolved here; `socks5h://`, names resolved by the
 * proxy), as curl reads the schemes. A proxy's URL may carry a user name and password (an HTTP proxy's Basic
 * credentials, a SOCKS5 proxy's RFC 1929 ones): a refusal describes it, never quotes it.
 */

export interface ProxySettings {
  /** The proxy of http URLs (and of https ones when `httpsProxy` is unset). */
  readonly httpProxy?: string;
  /** The proxy of https URLs. */
  readonly httpsProxy?: string;
  /** The proxy of URLs whose scheme's own is unset (`ALL_PROXY`). */
  readonly allProxy?: string;
  /** Origins reached directly: comma- or space-separated hosts (and their subdomains), addresses, CIDR ranges, each with an optional `:port`, or `*` (no-proxy.ts). */
  readonly noProxy?: string;
}

/** Each setting's variable, by its upper-case name (each is read in lower case first). */
const variableOf = { httpsProxy: 'HTTPS_PROXY', httpProxy: 'HTTP_PROXY', allProxy: 'ALL_PROXY', noProxy: 'NO_PROXY' } as const;

/** The variables read, by their upper-case names. */
export const proxyEnvironmentVariables = Object.values(variableOf);

export type ProxySettingsReading =
  | { readonly settings: ProxySettings | undefined; readonly refusal?: undefined }
  | { readonly settings?: undefined; readonly refusal: { readonly variable: string; readonly problem: string } };

/** What every refusal says is wanted, before what is wrong with the value. */
export const proxyUrlRequirement =
  'must be the URL of an http, https, socks5 or socks5h proxy (a user name and password may come before its host)';

/** The schemes of a SOCKS5 proxy: `socks5h` has the proxy resolve the provider's host name, `socks5` resolves it here. */
const socksSchemes = new Set(['socks5:', 'socks5h:']);

/** Where a SOCKS5 proxy listens when its URL names no port, as curl has it. */
const defaultSocksPort = 1080;

/** Whether a proxy URL (`parseProxyUrl`'s) names a SOCKS5 proxy rather than an HTTP one. */
export function isSocksProxyUrl(proxyUrl: string): boolean {
  return socksSchemes.has(proxyUrl.slice(0, proxyUrl.indexOf(':') + 1));
}

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
  const settings: { -readonly [K in keyof ProxySettings]: ProxySettings[K] } = {};
  for (const key of ['httpProxy', 'httpsProxy', 'allProxy'] as const) {
    const read = readPair(env, variableOf[key]);
    if (read === undefined) continue;
    const parsed = parseProxyUrl(read.value);
    if (parsed.problem !== undefined) return { refusal: { variable: read.variable, problem: parsed.problem } };
    settings[key] = parsed.url;
  }
  if (settings.httpProxy === undefined && settings.httpsProxy === undefined && settings.allProxy === undefined) return { settings: undefined };
  const noProxy = readPair(env, variableOf.noProxy);
  if (noProxy !== undefined) settings.noProxy = noProxy.value;
  return { settings };
}

/**
 * A proxy URL, or what is wrong with it. One without a scheme (`proxy.example:3128`) is an http proxy, as curl
 * reads it; a path is ignored (a proxy is asked at its origin). A SOCKS5 proxy's URL comes back as its scheme (lower
 * case), credentials, host and port (1080 when it names none), with no path.
 */
export function parseProxyUrl(text: string): { readonly url: string; readonly problem?: undefined } | { readonly url?: undefined; readonly problem: string } {
  if (/[\s\u0000-\u001f\u007f]/.test(text)) return { problem: 'holds a space or a control character' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const scheme = withScheme.slice(0, withScheme.indexOf(':') + 1).toLowerCase();
  if (/^socks/.test(scheme) && !socksSchemes.has(scheme)) return { problem: 'names a SOCKS version other than 5 (socks5:// or socks5h://)' };
  if (!socksSchemes.has(scheme) && !/^https?:$/.test(scheme)) return { problem: 'names a scheme other than http://, https://, socks5:// or socks5h://' };
  if (!URL.canParse(withScheme)) return { problem: 'is not a URL' };
  // An http or https URL that parses has a host (WHATWG URL refuses `http://` and `http://:1`); a socks5 one need not.
  const url = new URL(withScheme);
  if (url.hostname === '') return { problem: 'names no host' };
  if (url.search !== '' || url.hash !== '') return { problem: 'carries a query (?) or a fragment (#)' };
  if (!socksSchemes.has(scheme)) return { url: url.href };
  const credentials = url.username === '' && url.password === '' ? '' : `${url.username}${url.password === '' ? '' : `:${url.password}`}@`;
  return { url: `${scheme}//${credentials}${url.hostname.toLowerCase()}:${url.port === '' ? defaultSocksPort : url.port}` };
}

/** The settings as a log line may show them: each proxy's URL without its user name and password. */
export function proxySettingsShown(settings: ProxySettings): ProxySettings {
  const shown: { -readonly [K in keyof ProxySettings]: ProxySettings[K] } = {};
  if (settings.httpsProxy !== undefined) shown.httpsProxy = proxyUrlShown(settings.httpsProxy);
  if (settings.httpProxy !== undefined) shown.httpProxy = proxyUrlShown(settings.httpProxy);
  if (settings.allProxy !== undefined) shown.allProxy = proxyUrlShown(settings.allProxy);
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

