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
    const reading = proxySettingsFromEnv({ HTTP_PROXY: 'http://ok:1', https_proxy: 'socks5://user:hunter2@proxy:1080' });
    expect(reading.refusal).toEqual({ variable: 'https_proxy', problem: 'names a scheme other than http:// or https://' });
    expect(JSON.stringify(reading)).not.toContain('hunter2');
  });
});

describe('parseProxyUrl', () => {
  it('takes http and https proxies, credentials and all, and one without a scheme as http', () => {
    expect(parseProxyUrl('https://user:p%40ss@proxy.example:8443')).toEqual({ url: 'https://user:p%40ss@proxy.example:8443/' });
    expect(parseProxyUrl('proxy.example:3128')).toEqual({ url: 'http://proxy.example:3128/' });
    expect(parseProxyUrl('HTTP://[::1]:3128/ignored/path')).toEqual({ url: 'http://[::1]:3128/ignored/path' });
  });

  it('refuses what is no proxy URL, saying why', () => {
    expect(parseProxyUrl('ftp://proxy:21').problem).toBe('names a scheme other than http:// or https://');
    expect(parseProxyUrl('http://proxy:3128/?token=x').problem).toBe('carries a query (?) or a fragment (#)');
    expect(parseProxyUrl('http://proxy:3128#x').problem).toBe('carries a query (?) or a fragment (#)');
    expect(parseProxyUrl('http://proxy :3128').problem).toBe('holds a space or a control character');
    expect(parseProxyUrl('http://proxy:99999').problem).toBe('is not a URL');
    expect(parseProxyUrl('http://').problem).toBe('is not a URL');
  });
});

describe('proxySettingsShown', () => {
  it("shows each proxy without its user name and password, and NO_PROXY as it is", () => {
    const shown = proxySettingsShown({ httpsProxy: 'http://team:hunter2@proxy.internal:3128/', httpProxy: 'http://plain:8080/', noProxy: '.corp' });
    expect(shown).toEqual({ httpsProxy: 'http://proxy.internal:3128/', httpProxy: 'http://plain:8080/', noProxy: '.corp' });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });
});

