import { describe, expect, it } from 'vitest';
import { crc32c, crc32cExtend, crc32cRange } from '../../../src/lib/encoding/index.js';

const ascii = (s: string) => new TextEncoder().encode(s);

/** Bit-at-a-time reference, to check the slicing-by-8 tables. */
function slowCrc(seed: number, data: Uint8Array): number {
  let c = seed >>> 0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return c >>> 0;
}

describe('crc32c (Ceph raw register form)', () => {
  it('gives the check value of ceph_crc32c (Ceph src/common/crc32c.cc): ~standard CRC-32C with seed -1', () => {
    expect(crc32c(0xffffffff, ascii('123456789'))).toBe(0x1cf96d7c);
    expect(~crc32c(0xffffffff, ascii('123456789')) >>> 0).toBe(0xe3069283);
  });

  it('matches ceph-kvstore-tool crc (seed 0) for monitor/magic', () => {
    expect(crc32c(0, ascii('ceph mon volume v012\n'))).toBe(3903798760);
  });

  it('chains spans like one call over the concatenation', () => {
    const a = ascii('hello, ');
    const b = ascii('monitor store');
    const ab = new Uint8Array([...a, ...b]);
    expect(crc32c(crc32c(0xffffffff, a), b)).toBe(crc32c(0xffffffff, ab));
  });

  it('agrees with a bit-at-a-time reference on every length 0..64 and random seeds', () => {
    let x = 12345;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    for (let n = 0; n <= 64; n++) {
      const d = new Uint8Array(n).map(() => rnd() & 0xff);
      const seed = rnd();
      expect(crc32c(seed, d)).toBe(slowCrc(seed, d));
    }
  });
});

describe('crc32cRange (word reads through cached views of the underlying buffer)', () => {
  it('equals the bit-at-a-time reference at every alignment, length and view offset, alternating between buffers', () => {
    let x = 777;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    // Three buffers, read by views that start at odd offsets, taken in turn: the view cache
    // must follow the buffer of each call.
    const buffers = [new ArrayBuffer(4099), new ArrayBuffer(64), new SharedArrayBuffer(1031)].map((b) => {
      const all = new Uint8Array(b);
      for (let i = 0; i < all.length; i++) all[i] = rnd() & 0xff;
      return all;
    });
    for (let round = 0; round < 600; round++) {
      const whole = buffers[round % buffers.length]!;
      const viewAt = rnd() % 8;
      const view = whole.subarray(viewAt);
      const start = rnd() % Math.min(view.length, 200);
      const end = start + (rnd() % (view.length - start + 1));
      const seed = rnd();
      expect(crc32cRange(seed, view, start, end), `round ${round}`).toBe(slowCrc(seed, view.subarray(start, end)));
    }
  });

  it('follows a buffer that grew since its view was made (resizable ArrayBuffer)', () => {
    const buf = new ArrayBuffer(64, { maxByteLength: 4096 });
    const bytes = new Uint8Array(buf);
    bytes.fill(7);
    expect(crc32cRange(1, bytes, 0, 64)).toBe(slowCrc(1, new Uint8Array(64).fill(7)));
    buf.resize(4096);
    bytes.fill(9, 64);
    expect(crc32cRange(1, bytes, 0, 4096)).toBe(slowCrc(1, new Uint8Array(bytes)));
  });
});

describe('crc32cExtend (chaining a span by its own CRC and length)', () => {
  it('equals running the register over the span, for spans of many lengths and seeds', () => {
    const data = new Uint8Array(70_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    for (const [at, len] of [[0, 0], [0, 1], [3, 7], [100, 4096], [5, 65_536], [1, 69_000], [777, 12_345]] as const) {
      for (const seed of [0xffffffff, 0, 0x12345678]) {
        const head = crc32c(seed, data.subarray(0, at));
        const span = data.subarray(at, at + len);
        expect(crc32cExtend(head, crc32c(0, span), len)).toBe(crc32c(head, span));
      }
    }
  });
});
