import { describe, expect, it } from 'vitest';
import { parseNoProxy } from './no-proxy.js';

const bypasses = (noProxy: string | undefined, origin: string): boolean => parseNoProxy(noProxy).bypasses(new URL(origin));

describe('NO_PROXY', () => {
  it('names nothing when unset or blank, everything with *', () => {
    expect(bypasses(undefined, 'https://api.openai.com')).toBe(false);
    expect(bypasses(' , ', 'https://api.openai.com')).toBe(false);
    expect(bypasses('example.com, *', 'https://api.openai.com')).toBe(true);
  });

  it('names a host and its subdomains, in any case, a leading . or *. changing nothing', () => {
    for (const entry of ['openai.com', '.openai.com', '*.OpenAI.com']) {
      expect(bypasses(entry, 'https://api.openai.com'), entry).toBe(true);
      expect(bypasses(entry, 'https://openai.com'), entry).toBe(true);
      expect(bypasses(entry, 'https://notopenai.com'), entry).toBe(false);
    }
  });

  it('takes CIDR ranges and addresses, IPv4 and IPv6, as a Kubernetes cluster lists its own', () => {
    const list = 'localhost,127.0.0.1,10.0.0.0/8 172.16.0.0/12,fd00::/8,.svc,.cluster.local';
    expect(bypasses(list, 'http://10.1.2.3:8000')).toBe(true);
    expect(bypasses(list, 'http://172.31.255.1')).toBe(true);
    expect(bypasses(list, 'http://172.32.0.1')).toBe(false);
    expect(bypasses(list, 'http://[fd12::1]:8000')).toBe(true);
    expect(bypasses(list, 'http://vllm.models.svc:8000')).toBe(true);
    expect(bypasses(list, 'http://127.0.0.1:11434')).toBe(true);
    expect(bypasses(list, 'http://127.0.0.2:11434')).toBe(false);
    expect(bypasses('127.0.0.0/8', 'http://127.0.0.2:11434')).toBe(true);
    expect(bypasses('[::1]', 'http://[::1]:11434')).toBe(true);
  });

  it('limits an entry with a port to that port, the scheme giving the default one', () => {
    expect(bypasses('example.com:8443', 'https://example.com:8443')).toBe(true);
    expect(bypasses('example.com:8443', 'https://example.com')).toBe(false);
    expect(bypasses('example.com:443', 'https://example.com')).toBe(true);
    expect(bypasses('10.0.0.0/8:8000', 'http://10.0.0.5:8000')).toBe(true);
    expect(bypasses('10.0.0.0/8:8000', 'http://10.0.0.5:9000')).toBe(false);
    expect(bypasses('[fd00::1]:80', 'http://[fd00::1]')).toBe(true);
  });

  it('takes a range that does not parse as naming nothing', () => {
    expect(bypasses('10.0.0.0/33, example/8, 10.0.0.0/x', 'http://10.0.0.1')).toBe(false);
  });
});
