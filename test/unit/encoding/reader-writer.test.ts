import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { EncodeRangeError, Reader, Writer, decodeUuid, encodeUuid, formatUTime, hexdump, utimeFromDate } from '../../../src/lib/encoding/index.js';

function expectMonctl(fn: () => unknown, code: string, offset?: number): MonctlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MonctlError);
    const m = e as MonctlError;
    expect(m.code).toBe(code);
    if (offset !== undefined) expect(m.offset).toBe(offset);
    return m;
  }
  throw new Error(`expected ${code}`);
}

describe('Writer/Reader primitives', () => {
  it('round-trips little-endian integers, floats, strings and blobs', () => {
    const w = new Writer(4);
    w.u8(0xfe).s8(-2).u16(0xbeef).s16(-3).u32(0xdeadbeef).s32(-4).u64(0xfedcba9876543210n).s64(-5n).f32(1.5).f64(-2.25);
    w.string('osdmap').blob(new Uint8Array([1, 2, 3])).bool(true);
    const r = new Reader(w.bytes());
    expect([r.u8(), r.s8(), r.u16(), r.s16(), r.u32(), r.s32()]).toEqual([0xfe, -2, 0xbeef, -3, 0xdeadbeef, -4]);
    expect([r.u64(), r.s64()]).toEqual([0xfedcba9876543210n, -5n]);
    expect([r.f32(), r.f64()]).toEqual([1.5, -2.25]);
    expect(r.string()).toBe('osdmap');
    expect(Array.from(r.blob())).toEqual([1, 2, 3]);
    expect(r.bool()).toBe(true);
    r.end('test');
  });

  it('encodes u32 little-endian exactly', () => {
    expect(Array.from(new Writer().u32(0x01020304).bytes())).toEqual([4, 3, 2, 1]);
    expect(Array.from(new Writer().string('ab').bytes())).toEqual([2, 0, 0, 0, 0x61, 0x62]);
  });

  it('throws DECODE_TRUNCATED with the offset of the short read', () => {
    const r = new Reader(new Uint8Array([1, 2, 3, 4, 5]));
    r.u32();
    const e = expectMonctl(() => r.u32('epoch'), 'DECODE_TRUNCATED', 4);
    expect(e.message).toContain('epoch');
  });

  it('refuses a string whose length runs past the end', () => {
    const bytes = new Writer().u32(100).raw(new Uint8Array(3)).bytes();
    expectMonctl(() => new Reader(bytes).string('name'), 'DECODE_TRUNCATED', 4);
  });

  it('refuses a container count that cannot fit in the bytes left', () => {
    const bytes = new Writer().u32(0xffffffff).bytes();
    expectMonctl(() => new Reader(bytes).list('ops', (r) => r.u32(), 4), 'DECODE_INVALID', 0);
  });

  it('envelope: back-patched length, skipped tail, refused newer compat, overrun', () => {
    const w = new Writer();
    const m = w.envelope(3, 1);
    w.u32(7).u32(99); // a v3 field an older decoder does not know
    w.finish(m);
    w.u8(0xaa);
    const bytes = w.bytes();
    expect(Array.from(bytes.subarray(0, 6))).toEqual([3, 1, 8, 0, 0, 0]);

    const r = new Reader(bytes);
    const env = r.envelope('thing', 2);
    expect(env.version).toBe(3);
    expect(r.u32()).toBe(7);
    const tail = r.finish(env, 'thing');
    expect(Array.from(tail)).toEqual([99, 0, 0, 0]);
    expect(r.u8()).toBe(0xaa);

    const tooNew = new Writer();
    tooNew.finish(tooNew.envelope(5, 4));
    expectMonctl(() => new Reader(tooNew.bytes()).envelope('thing', 3), 'DECODE_TOO_NEW', 0);

    const over = new Reader(new Uint8Array([1, 1, 2, 0, 0, 0, 9, 9, 9, 9]));
    const e2 = over.envelope('thing', 1);
    over.u32();
    expectMonctl(() => over.finish(e2, 'thing'), 'DECODE_INVALID');

    expectMonctl(() => new Reader(new Uint8Array([1, 1, 50, 0, 0, 0])).envelope('thing', 1), 'DECODE_TRUNCATED', 0);
  });

  it('uuid and utime forms', () => {
    const w = new Writer();
    encodeUuid(w, 'a49ce417-3017-4c1e-9a57-0b5c3e2d1f00');
    expect(w.bytes()[0]).toBe(0xa4);
    expect(decodeUuid(new Reader(w.bytes()))).toBe('a49ce417-3017-4c1e-9a57-0b5c3e2d1f00');
    expect(formatUTime({ sec: 1700000000, nsec: 123456789 })).toBe('2023-11-14T22:13:20.123456+0000');
  });

  it('hexdump has the hexdump -C layout', () => {
    const text = hexdump(new TextEncoder().encode('ceph mon volume v012\n'));
    expect(text).toBe(
      '00000000  63 65 70 68 20 6d 6f 6e  20 76 6f 6c 75 6d 65 20  |ceph mon volume |\n' +
        '00000010  76 30 31 32 0a                                    |v012.|\n' +
        '00000015',
    );
  });
});

describe('Writer refuses values that do not fit their field', () => {
  const cases: [string, (w: Writer) => unknown][] = [
    ['u8 256', (w) => w.u8(256)],
    ['u8 -1', (w) => w.u8(-1)],
    ['s8 128', (w) => w.s8(128)],
    ['u16 65536', (w) => w.u16(0x10000)],
    ['s16 -32769', (w) => w.s16(-0x8001)],
    ['u32 -1', (w) => w.u32(-1)],
    ['u32 2^32', (w) => w.u32(2 ** 32)],
    ['u32 1.5', (w) => w.u32(1.5)],
    ['s32 2^31', (w) => w.s32(2 ** 31)],
    ['u64 -1', (w) => w.u64(-1n)],
    ['u64 2^64', (w) => w.u64(1n << 64n)],
    ['s64 2^63', (w) => w.s64(1n << 63n)],
    ['struct_v 256', (w) => w.envelope(256, 1)],
  ];
  for (const [name, write] of cases) {
    it(name, () => {
      const w = new Writer(4);
      expect(() => write(w)).toThrow(EncodeRangeError);
      expect(w.length).toBe(0);
    });
  }

  it('takes the edges of every range', () => {
    const w = new Writer(4);
    w.u8(0xff).s8(-0x80).u16(0xffff).s16(-0x8000).u32(0xffffffff).s32(-0x80000000).u64((1n << 64n) - 1n).s64(-(1n << 63n));
    const r = new Reader(w.bytes());
    expect([r.u8('a'), r.s8('b'), r.u16('c'), r.s16('d'), r.u32('e'), r.s32('f')]).toEqual([0xff, -0x80, 0xffff, -0x8000, 0xffffffff, -0x80000000]);
    expect([r.u64('g'), r.s64('h')]).toEqual([(1n << 64n) - 1n, -(1n << 63n)]);
  });

  it('is a MonctlError (BAD_ARGUMENT) naming the field', () => {
    const e = (() => {
      try {
        new Writer().u16(70000);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(MonctlError);
    expect((e as MonctlError).code).toBe('BAD_ARGUMENT');
    expect((e as Error).message).toBe('70000 does not fit in a u16');
  });
});

describe('utimeFromDate', () => {
  it('keeps milliseconds as nanoseconds', () => {
    expect(utimeFromDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toEqual({ sec: 1767323045, nsec: 678_000_000 });
    expect(utimeFromDate(1500)).toEqual({ sec: 1, nsec: 500_000_000 });
  });
});
