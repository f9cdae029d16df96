import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import {
  ADDR_TYPE,
  FEATURE,
  FEATURES_ALL,
  blankEntityAddr,
  compareEntityAddr,
  decodeEntityAddr,
  decodeEntityAddrvec,
  dumpEntityAddrvec,
  encodeEntityAddr,
  encodeEntityAddrvec,
  entityAddrKey,
  formatEntityAddr,
  formatEntityAddrvec,
  formatIPv6,
  formatLegacyStr,
  makeEntityAddr,
  parseEntityAddr,
  parseEntityAddrvec,
  parseIPv6,
  type EntityAddr,
} from '../../../src/lib/msg/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const enc = (a: EntityAddr, features?: bigint): Uint8Array => {
  const w = new Writer();
  encodeEntityAddr(w, a, features);
  return w.bytes();
};

describe('entity_addr_t', () => {
  it('encodes v2:127.0.0.1:40100/0 as entity_addr_t::encode writes it (Ceph src/msg/msg_types.h)', () => {
    const a = parseEntityAddr('v2:127.0.0.1:40100/0');
    expect(hex(enc(a))).toBe('0101011c000000' + '02000000' + '00000000' + '10000000' + '0200' + '9ca4' + '7f000001' + '00'.repeat(8));
    expect(formatEntityAddr(a)).toBe('v2:127.0.0.1:40100/0');
  });

  it('encodes a blank address with a 28-byte sockaddr (47 bytes)', () => {
    const b = enc(blankEntityAddr());
    expect(b.length).toBe(47);
    expect(formatEntityAddr(blankEntityAddr())).toBe('-');
  });

  it('round-trips IPv6 and prints it in brackets', () => {
    const a = parseEntityAddr('v1:[2001:db8::1]:6789/12');
    const back = decodeEntityAddr(new Reader(enc(a)));
    expect(back).toEqual(a);
    expect(formatEntityAddr(back)).toBe('v1:[2001:db8::1]:6789/12');
    expect(enc(a).length).toBe(7 + 12 + 28);
  });

  it('writes and reads the 136-byte legacy form (family big-endian)', () => {
    const a = parseEntityAddr('v1:10.1.2.3:6789/99');
    const b = enc(a, FEATURES_ALL & ~FEATURE.MSG_ADDR2);
    expect(b.length).toBe(136);
    expect(hex(b.subarray(0, 16))).toBe('00000000' + '63000000' + '0002' + '1a85' + '0a010203');
    const back = decodeEntityAddr(new Reader(b));
    expect(back.legacyForm).toBe(true);
    expect(formatEntityAddr(back)).toBe('v1:10.1.2.3:6789/99');
    expect(hex(enc(back))).toBe(hex(b));
  });

  it('writes type ANY as LEGACY for pre-Nautilus peers', () => {
    const a = parseEntityAddr('any:1.2.3.4:5/0');
    expect(formatEntityAddr(a)).toBe('1.2.3.4:5/0');
    const b = enc(a, FEATURES_ALL & ~FEATURE.SERVER_NAUTILUS);
    expect(decodeEntityAddr(new Reader(b)).type).toBe(ADDR_TYPE.LEGACY);
  });

  it('refuses a bad marker and an oversize sockaddr with typed errors', () => {
    expect(() => decodeEntityAddr(new Reader(new Uint8Array([7])))).toThrow(MonctlError);
    const b = enc(parseEntityAddr('v2:1.2.3.4:1/0'));
    b[15] = 29; // elen
    expect(() => decodeEntityAddr(new Reader(b))).toThrowError(/sockaddr length 29/);
  });

  it('throws MonctlError with an offset when truncated at every offset', () => {
    const b = enc(parseEntityAddr('v2:[::1]:3300/7'));
    for (let n = 0; n < b.length; n++) {
      try {
        decodeEntityAddr(new Reader(b.subarray(0, n)));
        expect.unreachable(`decoded from ${n} bytes`);
      } catch (e) {
        expect(e).toBeInstanceOf(MonctlError);
        expect((e as MonctlError).offset).toBeTypeOf('number');
      }
    }
  });
});

describe('entity_addrvec_t', () => {
  it('encodes the empty vector as 02 00000000', () => {
    const w = new Writer();
    encodeEntityAddrvec(w, { v: [] });
    expect(hex(w.bytes())).toBe('0200000000');
    expect(formatEntityAddrvec({ v: [] })).toBe('');
  });

  it('prints one address bare and several in brackets; dumps Ceph field names', () => {
    const av = parseEntityAddrvec('[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]');
    expect(formatEntityAddrvec(av)).toBe('[v2:127.0.0.1:3300/0,v1:127.0.0.1:6789/0]');
    expect(formatEntityAddrvec({ v: [av.v[0]!] })).toBe('v2:127.0.0.1:3300/0');
    expect(formatLegacyStr(av)).toBe('127.0.0.1:6789/0');
    expect(dumpEntityAddrvec(av)).toEqual({
      addrvec: [
        { type: 'v2', addr: '127.0.0.1:3300', nonce: 0 },
        { type: 'v1', addr: '127.0.0.1:6789', nonce: 0 },
      ],
    });
  });

  it('reads single-address markers 0 and 1 and writes them back the same way', () => {
    for (const features of [FEATURES_ALL, FEATURES_ALL & ~FEATURE.MSG_ADDR2]) {
      const b = enc(parseEntityAddr('v1:1.2.3.4:6789/3'), features);
      const av = decodeEntityAddrvec(new Reader(b));
      expect(av.v).toHaveLength(1);
      const w = new Writer();
      encodeEntityAddrvec(w, av);
      expect(hex(w.bytes())).toBe(hex(b));
    }
  });

  it('refuses marker 3', () => {
    expect(() => decodeEntityAddrvec(new Reader(new Uint8Array([3, 0, 0, 0, 0])))).toThrowError(/marker 3/);
  });

  it('parses a bracketed IPv6 address alone as one address, a bracketed IPv4 one as a vector', () => {
    expect(parseEntityAddrvec('[1.2.3.4]').v).toHaveLength(1);
    const av = parseEntityAddrvec('[::1]:6789');
    expect(av.v).toHaveLength(1);
    expect(formatEntityAddrvec(av)).toBe('v2:[::1]:6789/0');
    expect(formatEntityAddrvec(parseEntityAddrvec('[v2:[::1]:3300,v1:[::1]:6789]'))).toBe('[v2:[::1]:3300/0,v1:[::1]:6789/0]');
  });

  it('rejects malformed text with BAD_ARGUMENT', () => {
    for (const t of ['', 'v2:', '1.2.3', '[v2:1.2.3.4:1', '1.2.3.4:99999', 'v2:1.2.3.4:1/0x']) {
      expect(() => parseEntityAddrvec(t), t).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
  });
});

describe('IPv6 text (glibc inet_ntop)', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:1:1:1:1:1:1', '1:0:1:1:1:1:1:1'],
    ['::ffff:0102:0304', '::ffff:1.2.3.4'],
    ['::0102:0304', '::1.2.3.4'],
    ['FE80::ABCD', 'fe80::abcd'],
  ])('%s prints as %s', (input, out) => {
    expect(formatIPv6(parseIPv6(input)!)).toBe(out);
  });
});

describe('comparison key (Ceph src/msg/msg_types.h entity_addr_t comparison)', () => {
  it('is type, nonce (little-endian), then the sockaddr: 36 bytes', () => {
    const a = parseEntityAddr('v1:10.0.0.1:6800/2');
    expect(hex(entityAddrKey(a))).toBe('01000000' + '02000000' + '0200' + '1a90' + '0a000001' + '00'.repeat(20));
  });

  it('orders the live blocklist sample the way Ceph does', () => {
    const texts = ['v1:10.0.0.1:6800/2', 'v1:10.0.0.2:0/1', 'v1:10.0.0.1:0/1', 'v1:9.0.0.5:0/1', 'v1:10.0.0.1:0/256'];
    const sorted = texts.map((t) => parseEntityAddr(t)).sort(compareEntityAddr).map(formatEntityAddr);
    expect(sorted).toEqual(['v1:10.0.0.1:0/256', 'v1:9.0.0.5:0/1', 'v1:10.0.0.1:0/1', 'v1:10.0.0.2:0/1', 'v1:10.0.0.1:6800/2']);
  });

  it('makeEntityAddr rejects an address of the wrong size', () => {
    expect(() => makeEntityAddr(1, new Uint8Array(5), 1)).toThrow(RangeError);
  });
});
