import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { decodeMonMap, emptyMonMap, encodeMonMap, printMonMap, type MonMap } from '../../../src/lib/monmap/index.js';
import { parseEntityAddrvec } from '../../../src/lib/msg/index.js';

function sampleMap(): MonMap {
  const m = emptyMonMap('11111111-2222-3333-4444-555555555555');
  m.epoch = 3;
  m.lastChanged = { sec: 1700000000, nsec: 123456789 };
  m.created = { sec: 123, nsec: 456000 };
  m.persistentFeatures = 0xffn;
  const add = (name: string, addrs: string): void => {
    m.monInfo.set(name, { name, publicAddrs: parseEntityAddrvec(addrs), priority: 0, weight: 0, crushLoc: new Map() });
    m.ranks.push(name);
  };
  add('b', '[v2:10.0.0.2:3300/0,v1:10.0.0.2:6789/0]');
  add('a', 'v1:[::1]:6789/0');
  m.minMonRelease = 16;
  return m;
}

const encode = (m: MonMap): Uint8Array => {
  const w = new Writer();
  encodeMonMap(w, m);
  return w.bytes();
};

describe('MonMap', () => {
  it('writes v9 compat 6 and round-trips, names in byte order, ranks as given', () => {
    const b = encode(sampleMap());
    expect([b[0], b[1]]).toEqual([9, 6]);
    const r = new Reader(b);
    const m = decodeMonMap(r);
    r.end('MonMap');
    expect(m.ranks).toEqual(['b', 'a']);
    expect([...m.monInfo.keys()]).toEqual(['a', 'b']);
    expect(Buffer.from(encode(m)).equals(Buffer.from(b))).toBe(true);
  });

  it('prints as monmaptool --print does', () => {
    const m = sampleMap();
    m.monInfo.get('a')!.crushLoc = new Map([['zone', 'z1'], ['host', 'h']]);
    expect(printMonMap(m, 'mm')).toBe(
      [
        'monmaptool: monmap file mm',
        'epoch 3',
        'fsid 11111111-2222-3333-4444-555555555555',
        'last_changed 2023-11-14T22:13:20.123456+0000',
        'created 123.000456',
        'min_mon_release 16 (pacific)',
        'election_strategy: 1',
        '0: [v2:10.0.0.2:3300/0,v1:10.0.0.2:6789/0] mon.b',
        '1: v1:[::1]:6789/0 mon.a; crush_location {host=h,zone=z1}',
        '',
      ].join('\n'),
    );
  });

  it('prints stretch mode and disallowed leaders', () => {
    const m = sampleMap();
    m.stretchModeEnabled = true;
    m.tiebreakerMon = 'a';
    m.disallowedLeaders = ['b', 'a'];
    m.minMonRelease = 17;
    const text = printMonMap(m);
    // By default as the map's min_mon_release (Quincy names itself); Pacific's monmaptool does not know it.
    expect(text).toContain('min_mon_release 17 (quincy)\nelection_strategy: 1\nstretch_mode_enabled 1\ntiebreaker_mon a\ndisallowed_leaders a,b\n');
    expect(printMonMap(m, undefined, 16)).toContain('min_mon_release 17 (unknown)\n');
    const back = decodeMonMap(new Reader(encode(m)));
    expect(printMonMap(back)).toBe(text);
  });

  it('re-encodes older envelope versions as decoded (v5–v8) and reads bare v2', () => {
    for (const v of [8, 7, 6, 5]) {
      const m = sampleMap();
      m.structV = v;
      for (const i of m.monInfo.values()) i.structV = v >= 6 ? 5 : 2;
      const b = encode(m);
      const back = decodeMonMap(new Reader(b));
      expect(back.structV).toBe(v);
      expect(Buffer.from(encode(back)).equals(Buffer.from(b))).toBe(true);
    }
    const m2 = sampleMap();
    m2.structV = 2;
    const b2 = encode(m2);
    expect([b2[0], b2[1]]).toEqual([2, 0]);
    const back2 = decodeMonMap(new Reader(b2));
    // Bare maps carry legacy (v1) addresses only; ranks are recomputed by the address's
    // memory image, where family 2 (b, IPv4) sorts before family 10 (a, IPv6).
    expect(back2.ranks).toEqual(['b', 'a']);
    expect(Buffer.from(encode(back2)).equals(Buffer.from(b2))).toBe(true);
  });

  it('refuses a compat newer than v9 with DECODE_TOO_NEW', () => {
    const b = encode(sampleMap());
    b[1] = 10;
    expect(() => decodeMonMap(new Reader(b))).toThrow(expect.objectContaining({ code: 'DECODE_TOO_NEW', offset: 0 }));
  });

  it('throws MonctlError with an offset when truncated at every offset', () => {
    const b = encode(sampleMap());
    for (let n = 0; n < b.length; n++) {
      let err: unknown;
      try {
        decodeMonMap(new Reader(b.subarray(0, n)));
      } catch (e) {
        err = e;
      }
      expect(err, `length ${n}`).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).offset).toBeTypeOf('number');
    }
  });
});
