/**
 * rjenkins1 hash vectors and crush_ln. The hash vectors match libceph-common 16.2.15 (Ceph
 * src/crush/hash.c; the same inputs checked through the library's exported crush_hash32* functions); the
 * crush_ln values and checksums are those of the tables in the 16.2.15 binary (§3).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash32_1, hash32_2, hash32_3, hash32_4, hash32_5 } from '../../../src/lib/crush/hash.js';
import { LL_TABLE, RH_LH_TABLE, crushLn, int64LeBytes, straw2LnTable } from '../../../src/lib/crush/ln.js';

/** SHA-256 (hex) of both tables as little-endian int64, to compare with Ceph src/crush/crush_ln_table.h */
function lnTableChecksums(): { rhLh: string; ll: string } {
  const sha = (v: readonly number[]): string => createHash('sha256').update(int64LeBytes(v)).digest('hex');
  return { rhLh: sha(RH_LH_TABLE), ll: sha(LL_TABLE) };
}

describe('crush_hash32_rjenkins1', () => {
  it.each([
    ['h1(0)', hash32_1(0), 398764043],
    ['h1(1)', hash32_1(1), 3574081617],
    ['h2(0,0)', hash32_2(0, 0), 430787817],
    ['h2(1,2)', hash32_2(1, 2), 3079532188],
    ['h2(5,1)', hash32_2(5, 1), 4119553837],
    ['h3(1,2,3)', hash32_3(1, 2, 3), 1935332395],
    ['h3(0,-1,0)', hash32_3(0, -1, 0), 573963155],
    ['h3(123,-5,7)', hash32_3(123, -5, 7), 3618930581],
    ['h4(1,2,3,4)', hash32_4(1, 2, 3, 4), 1768759062],
    ['h5(1,2,3,4,5)', hash32_5(1, 2, 3, 4, 5), 1262657953],
  ])('%s', (_name, got, want) => {
    expect(got).toBe(want);
  });

  it('takes negative ids and x ≥ 2^31 as their unsigned 32-bit values', () => {
    expect(hash32_3(0, 0xffffffff, 0)).toBe(hash32_3(0, -1, 0));
    expect(hash32_3(123, 0xfffffffb, 7)).toBe(3618930581);
    expect(hash32_2(0x80000000, 3)).toBe(hash32_2(-0x80000000, 3));
    for (const v of [hash32_1(0xffffffff), hash32_2(4119553837, 1), hash32_4(-1, -2, -3, -4)]) {
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    }
  });

  it('is crushtool --pool-id: x 5 with pool 1 hashes to 4119553837', () => {
    expect(hash32_2(5, 1)).toBe(4119553837);
  });
});

describe('crush_ln', () => {
  it('tables are Ceph 16.2 byte for byte (SHA-256 of little-endian int64)', () => {
    expect(RH_LH_TABLE.length).toBe(258);
    expect(LL_TABLE.length).toBe(256);
    expect(lnTableChecksums()).toEqual({
      rhLh: '304b097c8de73930d785af5802b1f6b4e9827a69175038f910f6120565e8364c',
      ll: '56fecbea65b1d35d0d20f0327d783a870652a56356e9a5326b6ab16d6c31b6ca',
    });
    expect(RH_LH_TABLE.reduce((a, b) => a + BigInt(b), 0n)).toBe(45404130998100503n);
    expect(LL_TABLE.reduce((a, b) => a + BigInt(b), 0n)).toBe(404690236986906n);
    // The special last entry (not 2^48) that makes crush_ln non-monotonic at the top.
    expect(RH_LH_TABLE[257]).toBe(0xffff00000000);
  });

  it.each([
    [0x0000, 0x000000000000],
    [0x0001, 0x100000000000],
    [0x0002, 0x195c01a39fbd],
    [0x00ff, 0x800000000000],
    [0x0100, 0x80171e3b6d7a],
    [0x7ffe, 0xefffbe92e131],
    [0x7fff, 0xf00000000000],
    [0x8000, 0xf0002e2a60a0],
    [0xc000, 0xf95c01a39fbd],
    [0xfffe, 0xfffffd61ad10],
    [0xffff, 0xfffff0000000],
  ])('crush_ln(%i)', (u, want) => {
    expect(crushLn(u)).toBe(want);
  });

  it('is not monotonic at the very top, as in Ceph', () => {
    expect(crushLn(0xfffe)).toBeGreaterThan(crushLn(0xffff));
  });

  it('whole domain: checksum and sum of crush_ln(0..65535)', () => {
    const all = Array.from({ length: 0x10000 }, (_, u) => crushLn(u));
    expect(createHash('sha256').update(int64LeBytes(all)).digest('hex')).toBe('7e86f34e8fedc36c3b6252e5a6e4fe3fa4e115ed44e16f58f7fed6543aa1bd20');
    expect(all.reduce((a, b) => a + BigInt(b), 0n)).toBe(16783591338754560694n);
  });

  it('straw2 table holds crush_ln(u) − 2^48', () => {
    const t = straw2LnTable();
    expect(t.length).toBe(0x10000);
    expect(t[0]).toBe(-(2 ** 48));
    expect(t[0xffff]).toBe(0xfffff0000000 - 2 ** 48);
    for (let u = 0; u < 0x10000; u += 997) expect(t[u]).toBe(crushLn(u) - 2 ** 48);
  });
});
