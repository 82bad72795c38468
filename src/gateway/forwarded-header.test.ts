import { describe, expect, it } from 'vitest';
import { lastForwardedHop, notAnAddressElement } from './forwarded-header.js';

/** Every hop of `header` from the right, as the gateway reads them, until one names no address. */
function hopsOf(header: string): (string | undefined)[] {
  const addresses: (string | undefined)[] = [];
  let end = header.length;
  for (;;) {
    const hop = lastForwardedHop(header, end);
    addresses.push(hop.address);
    if (hop.address === undefined || hop.before < 0) return addresses;
    expect(header[hop.before], header).toBe(',');
    end = hop.before;
  }
}

describe('lastForwardedHop', () => {
  it("reads RFC 7239's examples (sections 4, 6 and 7.1)", () => {
    expect(hopsOf('for="_gazonk"')).toEqual([undefined]);
    expect(hopsOf('For="[2001:db8:cafe::17]:4711"')).toEqual(['2001:db8:cafe::17']);
    expect(hopsOf('for=192.0.2.60;proto=http;by=203.0.113.43')).toEqual(['192.0.2.60']);
    expect(hopsOf('for=192.0.2.43, for=198.51.100.17')).toEqual(['198.51.100.17', '192.0.2.43']);
    expect(hopsOf('for=192.0.2.43')).toEqual(['192.0.2.43']);
    expect(hopsOf('for="[2001:db8:cafe::17]"')).toEqual(['2001:db8:cafe::17']);
    expect(hopsOf('for=unknown')).toEqual([undefined]);
    expect(hopsOf('for="192.0.2.43:47011"')).toEqual(['192.0.2.43']);
    expect(hopsOf('for="[2001:db8:cafe::17]:47011"')).toEqual(['2001:db8:cafe::17']);
    expect(hopsOf('for=_hidden, for=_SEVKISEK')).toEqual([undefined]);
    expect(hopsOf('for=192.0.2.43, for="[2001:db8:cafe::17]", for=unknown')).toEqual([undefined]);
    expect(hopsOf('for=unknown, for="[2001:db8:cafe::17]", for=192.0.2.43')).toEqual(['192.0.2.43', '2001:db8:cafe::17', undefined]);
    expect(hopsOf('for="_gazonk:_port", for="192.0.2.43:_port"')).toEqual(['192.0.2.43', undefined]);
  });

  it('says where the element before ends, past quoted commas, semicolons and escaped quotes', () => {
    const header = 'for=192.0.2.43;host="a,b;c", for="[2001:db8::1]:80";ext="x\\", y", for=198.51.100.17';
    expect(lastForwardedHop(header, header.length)).toEqual({ address: '198.51.100.17', before: header.lastIndexOf(','), overHttps: false });
    expect(hopsOf(header)).toEqual(['198.51.100.17', '2001:db8::1', '192.0.2.43']);
    // A backslash that is itself escaped does not escape the quote after it.
    expect(hopsOf('for=192.0.2.1;ext="a\\\\", for=192.0.2.2')).toEqual(['192.0.2.2', '192.0.2.1']);
    expect(hopsOf('for=192.0.2.1;ext="a\\\\\\"", for=192.0.2.2')).toEqual(['192.0.2.2', '192.0.2.1']);
  });

  it('takes empty pairs and whitespace around the separators, not around `=`', () => {
    expect(hopsOf(';for=192.0.2.1;;proto=https;')).toEqual(['192.0.2.1']);
    expect(hopsOf(' for=192.0.2.1 ; proto=https\t,\tfor=192.0.2.2 ')).toEqual(['192.0.2.2', '192.0.2.1']);
    expect(hopsOf('for =192.0.2.1')).toEqual([undefined]);
    expect(hopsOf('for= 192.0.2.1')).toEqual([undefined]);
  });

  it('names no address for an element without one, or not well formed', () => {
    for (const element of ['', 'proto=http', 'for=192.0.2.1;for=192.0.2.2', 'for="192.0.2.1', 'for=192.0.2.1"', 'x"=1;for=192.0.2.1', 'for=[::1]']) {
      expect(lastForwardedHop(element, element.length), element).toBe(notAnAddressElement);
    }
  });
});

describe("lastForwardedHop's proto", () => {
  const overHttps = (element: string): boolean => lastForwardedHop(element, element.length).overHttps;

  it('is https in any case, quoted or not, anywhere in the element, the name in any case', () => {
    for (const element of ['for=192.0.2.1;proto=https', 'proto=HTTPS;for=192.0.2.1', 'for=192.0.2.1;proto="https"', 'for=192.0.2.1; Proto="HttpS" ;by=10.0.0.1']) {
      expect(overHttps(element), element).toBe(true);
    }
  });

  it('is not https when it says anything else, is missing, empty or given twice', () => {
    for (const element of [
      'for=192.0.2.1',
      'for=192.0.2.1;proto=http',
      'for=192.0.2.1;proto=wss',
      'for=192.0.2.1;proto="https "',
      'for=192.0.2.1;proto=httpsx',
      'for=192.0.2.1;proto=""',
      'for=192.0.2.1;proto="http\\s"',
      'for=192.0.2.1;proto=https;proto=https',
      'for=192.0.2.1;proto=http;proto=https',
      'for=192.0.2.1;protocol=https',
      'for=192.0.2.1;xproto=https',
    ]) {
      expect(overHttps(element), element).toBe(false);
    }
    // A proto given twice does not change what `for` says.
    const twice = 'for=192.0.2.1;proto=http;proto=https';
    expect(lastForwardedHop(twice, twice.length).address).toBe('192.0.2.1');
  });

  it("is the element's own, not a neighbour's", () => {
    const header = 'for=192.0.2.1;proto=https, for=192.0.2.2;proto=http';
    const last = lastForwardedHop(header, header.length);
    expect(last).toEqual({ address: '192.0.2.2', before: header.indexOf(','), overHttps: false });
    expect(lastForwardedHop(header, last.before)).toEqual({ address: '192.0.2.1', before: -1, overHttps: true });
  });

  it('is kept for a well-formed element that names no address, where the reading stops', () => {
    for (const element of ['for=unknown;proto=https', 'for=_hidden;proto=https', 'proto=https', 'by=10.0.0.1;proto=https']) {
      expect(lastForwardedHop(element, element.length), element).toEqual({ address: undefined, before: -1, overHttps: true });
    }
    // Not well formed: nothing in it is believed.
    for (const element of ['for=192.0.2.1;for=192.0.2.2;proto=https', 'proto=https;for="192.0.2.1', 'x"=1;proto=https']) {
      expect(lastForwardedHop(element, element.length), element).toBe(notAnAddressElement);
    }
  });
});
