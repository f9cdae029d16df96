import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/lib/encoding/index.js';

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
  it('gives the check value of formats.md §2: ~standard CRC-32C with seed -1', () => {
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
