import { describe, expect, it } from 'vitest';
import { lastForwardedHop } from './forwarded-header.js';
import { notAnAddress } from './hop-address.js';

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
    expect(lastForwardedHop(header, header.length)).toEqual({ address: '198.51.100.17', before: header.lastIndexOf(',') });
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
    for (const element of ['', 'proto=https', 'for=192.0.2.1;for=192.0.2.2', 'for="192.0.2.1', 'for=192.0.2.1"', 'x"=1;for=192.0.2.1', 'for=[::1]']) {
      expect(lastForwardedHop(element, element.length), element).toBe(notAnAddress);
    }
  });
});
