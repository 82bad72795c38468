import { describe, expect, it } from 'vitest';
import { parseProxyUrl, proxySettingsFromEnv, proxySettingsShown } from './proxy-settings.js';

describe('proxySettingsFromEnv', () => {
  it('is no proxy when neither proxy variable is set, whatever NO_PROXY says', () => {
    expect(proxySettingsFromEnv({})).toEqual({ settings: undefined });
    expect(proxySettingsFromEnv({ NO_PROXY: '*', HTTP_PROXY: ' ', https_proxy: '' })).toEqual({ settings: undefined });
  });

  it('reads each pair lower case first, trimmed, with NO_PROXY as given', () => {
    const reading = proxySettingsFromEnv({
      https_proxy: ' http://proxy.internal:3128\n',
      HTTPS_PROXY: 'http://other:1',
      HTTP_PROXY: 'http://plain.internal:8080',
      NO_PROXY: 'localhost,.corp.example',
      no_proxy: '',
    });
    expect(reading.settings).toEqual({
      httpsProxy: 'http://proxy.internal:3128/',
      httpProxy: 'http://plain.internal:8080/',
      noProxy: 'localhost,.corp.example',
    });
  });

  it('names the variable whose value is refused, and what is wrong, never the value', () => {
    const reading = proxySettingsFromEnv({ HTTP_PROXY: 'http://ok:1', https_proxy: 'socks4://user:hunter2@proxy:1080' });
    expect(reading.refusal).toEqual({ variable: 'https_proxy', problem: 'names a SOCKS version other than 5 (socks5:// or socks5h://)' });
    expect(JSON.stringify(reading)).not.toContain('hunter2');
    const allProxy = proxySettingsFromEnv({ all_proxy: 'ftp://user:hunter2@proxy:21' });
    expect(allProxy.refusal).toEqual({ variable: 'all_proxy', problem: 'names a scheme other than http://, https://, socks5:// or socks5h://' });
  });

  it('reads ALL_PROXY, alone or beside the others, lower case first', () => {
    expect(proxySettingsFromEnv({ ALL_PROXY: 'socks5h://tunnel.internal' }).settings).toEqual({ allProxy: 'socks5h://tunnel.internal:1080' });
    expect(proxySettingsFromEnv({ all_proxy: 'socks5://a:1', ALL_PROXY: 'socks5://b:2', HTTPS_PROXY: 'http://p:3', NO_PROXY: 'x' }).settings).toEqual({
      allProxy: 'socks5://a:1',
      httpsProxy: 'http://p:3/',
      noProxy: 'x',
    });
  });
});

describe('parseProxyUrl', () => {
  it('takes http and https proxies, credentials and all, and one without a scheme as http', () => {
    expect(parseProxyUrl('https://user:p%40ss@proxy.example:8443')).toEqual({ url: 'https://user:p%40ss@proxy.example:8443/' });
    expect(parseProxyUrl('proxy.example:3128')).toEqual({ url: 'http://proxy.example:3128/' });
    expect(parseProxyUrl('HTTP://[::1]:3128/ignored/path')).toEqual({ url: 'http://[::1]:3128/ignored/path' });
  });

  it('takes SOCKS5 proxies as curl names them, with the port 1080 when none is named and no path', () => {
    expect(parseProxyUrl('socks5://proxy.example')).toEqual({ url: 'socks5://proxy.example:1080' });
    expect(parseProxyUrl('SOCKS5H://Team:p%40ss@Proxy.Example:9050/ignored')).toEqual({ url: 'socks5h://Team:p%40ss@proxy.example:9050' });
    expect(parseProxyUrl('socks5://user@[::1]:1081')).toEqual({ url: 'socks5://user@[::1]:1081' });
  });

  it('refuses what is no proxy URL, saying why', () => {
    expect(parseProxyUrl('ftp://proxy:21').problem).toBe('names a scheme other than http://, https://, socks5:// or socks5h://');
    expect(parseProxyUrl('socks://proxy:1080').problem).toBe('names a SOCKS version other than 5 (socks5:// or socks5h://)');
    expect(parseProxyUrl('socks4a://proxy:1080').problem).toBe('names a SOCKS version other than 5 (socks5:// or socks5h://)');
    expect(parseProxyUrl('socks5://').problem).toBe('names no host');
    expect(parseProxyUrl('socks5://proxy:1080?token=x').problem).toBe('carries a query (?) or a fragment (#)');
    expect(parseProxyUrl('socks5://proxy:65536').problem).toBe('is not a URL');
    expect(parseProxyUrl('http://proxy:3128/?token=x').problem).toBe('carries a query (?) or a fragment (#)');
    expect(parseProxyUrl('http://proxy:3128#x').problem).toBe('carries a query (?) or a fragment (#)');
    expect(parseProxyUrl('http://proxy :3128').problem).toBe('holds a space or a control character');
    expect(parseProxyUrl('http://proxy:99999').problem).toBe('is not a URL');
    expect(parseProxyUrl('http://').problem).toBe('is not a URL');
  });
});

describe('proxySettingsShown', () => {
  it("shows each proxy without its user name and password, and NO_PROXY as it is", () => {
    const shown = proxySettingsShown({
      httpsProxy: 'http://team:hunter2@proxy.internal:3128/',
      httpProxy: 'http://plain:8080/',
      allProxy: 'socks5h://team:hunter2@tunnel.internal:1080',
      noProxy: '.corp',
    });
    expect(shown).toEqual({ httpsProxy: 'http://proxy.internal:3128/', httpProxy: 'http://plain:8080/', allProxy: 'socks5h://tunnel.internal:1080', noProxy: '.corp' });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });
});

