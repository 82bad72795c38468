/**
 * The one rule a provider's base URL is held to, wherever it comes from (a `<NAME>_BASE_URL` variable, a catalog
 * entry in code, the gateway's YAML) and whenever it is read (when the router is made, at each call): an http or
 * https URL with a host, to which the API paths (`/chat/completions`, `/v1/messages`) can be appended. So no
 * user name or password (never sent: the request goes to the URL's origin, and a key belongs in its own
 * variable), no query and no fragment (the paths would land inside them). Surrounding whitespace is trimmed, as
 * it is from a key (a value read from a file ends with a newline), and trailing slashes are dropped.
 *
 * A problem is described, never quoted: a base URL may carry a key in its user name or its query.
 */

export type BaseUrlReading =
  | { readonly baseUrl: string; readonly problem?: undefined }
  | { readonly baseUrl?: undefined; readonly problem: string };

/** What every refusal says is wanted, before what is wrong with the value. */
export const baseUrlRequirement = 'must be an http or https URL with no user name, password, query or fragment';

export function parseBaseUrl(text: string): BaseUrlReading {
  const trimmed = text.trim();
  if (trimmed === '') return { problem: 'is empty' };
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed)) return { problem: 'holds a space or a control character' };
  const scheme = /^https?:\/\//i.exec(trimmed);
  if (scheme === null) return { problem: 'does not begin with http:// or https://' };
  if (trimmed.includes('?')) return { problem: 'carries a query (?)' };
  if (trimmed.includes('#')) return { problem: 'carries a fragment (#)' };
  const authority = trimmed.slice(scheme[0].length).split(/[/\\]/, 1)[0] ?? '';
  if (authority === '') return { problem: 'names no host' };
  if (authority.includes('@')) return { problem: 'carries a user name or password (user:password@)' };
  if (!URL.canParse(trimmed)) return { problem: 'is not a URL' };
  return { baseUrl: trimmed.replace(/\/+$/, '') };
}
