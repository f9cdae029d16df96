/**
 * Full OSDMap and Incremental codecs on real maps (the committed fixture store) and small
 * hand-made values: every truncation is a MonctlError with an offset, a flipped byte is a CRC
 * error, feature-chosen versions, the per-OSD structs, interval sets and apply's rules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../../src/lib/encoding/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { FEATURE } from '../../../src/lib/msg/features.js';
import { makeEntityAddr, ADDR_TYPE } from '../../../src/lib/msg/entity-addr.js';
import {
  addrMapKey,
  applyIncremental,
  decodeIncremental,
  decodeOSDMap,
  decodeOsdXinfo,
  decodeOsdInfo,
  emptyIncremental,
  emptyOsdXinfo,
  encodeIncremental,
  encodeOSDMap,
  encodeOsdInfo,
  encodeOsdXinfo,
  intervalSubtract,
  intervalUnion,
  laggyProbability,
  laggyProbabilityToRaw,
  osdmapFlagSet,
  osdmapFlagString,
  osdStateSet,
  dumpOSDMap,
  type OSDMap,
} from '../../../src/lib/osdmap/index.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture } from '../../helpers/ceph.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
let full1 = new Uint8Array(0);
let full31 = new Uint8Array(0);
let inc31 = new Uint8Array(0);

beforeAll(async () => {
  await MonStore.with(extractFixture('leveldb'), {}, async (s) => {
    // Plain copies: the store may hand out Buffers, whose slice() is a view, not a copy.
    full1 = new Uint8Array(await s.require('osdmap', 'full_1'));
    full31 = new Uint8Array(await s.require('osdmap', 'full_31'));
    inc31 = new Uint8Array(await s.require('osdmap', '31'));
  });
});

function expectDecodeError(fn: () => unknown, n: number): MonctlError {
  try {
    fn();
  } catch (e) {
    expect(e, `prefix of ${n} bytes`).toBeInstanceOf(MonctlError);
    const err = e as MonctlError;
    expect(typeof err.offset, `prefix of ${n} bytes: ${err.message}`).toBe('number');
    expect(err.offset!).toBeLessThanOrEqual(n);
    return err;
  }
  throw new Error(`prefix of ${n} bytes decoded without error`);
}

describe('truncation and corruption', () => {
  it('every strict prefix of a real full map is a MonctlError with an offset', () => {
    for (let n = 0; n < full31.length; n++) expectDecodeError(() => decodeOSDMap(full31.subarray(0, n)), n);
  });

  it('every strict prefix of a real incremental is a MonctlError with an offset', () => {
    for (let n = 0; n < inc31.length; n++) expectDecodeError(() => decodeIncremental(inc31.subarray(0, n)), n);
  });

  it('a flipped byte in a full map is a CRC error naming both CRCs; skipCrc decodes it', () => {
    const bad = full31.slice();
    bad[12] = bad[12]! ^ 0x01; // first fsid byte
    const err = expectDecodeError(() => decodeOSDMap(bad), bad.length);
    expect(err.code).toBe('DECODE_INVALID');
    expect(err.offset).toBe(bad.length - 4);
    expect(err.message).toMatch(/CRC mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
    const m = decodeOSDMap(bad, { skipCrc: true });
    expect(m.fsid).not.toBe(decodeOSDMap(full31).fsid);
    // Encoding recomputes the CRC, so the edited map now decodes cleanly.
    expect(decodeOSDMap(encodeOSDMap(m)).fsid).toBe(m.fsid);
  });

  it('a flipped byte in an incremental is an inc_crc error', () => {
    const bad = inc31.slice();
    bad[12] = bad[12]! ^ 0x80;
    const err = expectDecodeError(() => decodeIncremental(bad), bad.length);
    expect(err.code).toBe('DECODE_INVALID');
    expect(err.offset).toBe(bad.length - 8);
    expect(decodeIncremental(bad, { skipCrc: true }).epoch).toBe(31);
  });

  it('a section compat newer than known is DECODE_TOO_NEW', () => {
    const bad = full31.slice();
    bad[7] = 11; // client section struct_compat
    expect(() => decodeOSDMap(bad)).toThrow(expect.objectContaining({ code: 'DECODE_TOO_NEW' }));
  });

  it('trailing bytes after a map are refused', () => {
    const longer = new Uint8Array(full31.length + 1);
    longer.set(full31);
    expect(() => decodeOSDMap(longer)).toThrow(expect.objectContaining({ code: 'DECODE_INVALID', offset: full31.length }));
  });
});

describe('feature-dependent encoding', () => {
  it('re-encodes a real map with its own features byte for byte', () => {
    const inc = decodeIncremental(inc31);
    expect(hex(encodeOSDMap(decodeOSDMap(full31), inc.encodeFeatures))).toBe(hex(full31));
    expect(hex(encodeIncremental(inc, inc.encodeFeatures | (1n << 62n)))).toBe(hex(inc31));
  });

  it('without SERVER_NAUTILUS writes client v7 / osd-only v6 with legacy addresses', () => {
    const inc = decodeIncremental(inc31);
    const mimic = inc.encodeFeatures & ~(1n << 2n); // SERVER_NAUTILUS's own bit, keeping the incarnation bits
    const bytes = encodeOSDMap(decodeOSDMap(full31), mimic);
    const back = decodeOSDMap(bytes);
    expect([back.clientV, back.osdV]).toEqual([7, 6]);
    expect(back.pools.size).toBe(decodeOSDMap(full31).pools.size);
    expect(hex(encodeOSDMap(back))).toBe(hex(bytes));
  });

  it('without SERVER_LUMINOUS writes client v3 / osd-only v1 and an incremental client v3 / osd v2', () => {
    const inc = decodeIncremental(inc31);
    const old = inc.encodeFeatures & ~(FEATURE.SERVER_LUMINOUS | FEATURE.SERVER_MIMIC | FEATURE.SERVER_NAUTILUS);
    expect(old & (1n << 57n)).toBe(0n);
    const back = decodeOSDMap(encodeOSDMap(decodeOSDMap(full31), old));
    expect([back.clientV, back.osdV]).toEqual([3, 1]);
    const incBack = decodeIncremental(encodeIncremental(inc, old));
    expect([incBack.clientV, incBack.osdV, incBack.encodeFeatures]).toEqual([3, 2, old]);
  });
});

describe('osd_info_t and osd_xinfo_t', () => {
  it('osd_info_t is 25 bytes with a leading version 1', () => {
    const w = new Writer();
    const info = { lastCleanBegin: 1, lastCleanEnd: 2, upFrom: 3, upThru: 4, downAt: 5, lostAt: 6 };
    encodeOsdInfo(w, info);
    const b = w.bytes();
    expect(b.length).toBe(25);
    expect(b[0]).toBe(1);
    expect(decodeOsdInfo(new Reader(b))).toEqual(info);
  });

  it('osd_xinfo_t is v4 with SERVER_OCTOPUS, v3 without', () => {
    const x = { ...emptyOsdXinfo(), features: 0x3f01cfbffffdffffn, oldWeight: 0x8000, deadEpoch: 9 };
    const octopus = (1n << 16n) | (1n << 57n) | (1n << 28n);
    for (const [features, v] of [[octopus, 4], [0n, 3]] as const) {
      const w = new Writer();
      encodeOsdXinfo(w, x, features);
      const back = decodeOsdXinfo(new Reader(w.bytes()));
      expect(back.structV).toBe(v);
      expect(back.deadEpoch).toBe(v === 4 ? 9 : 0);
      expect(back.oldWeight).toBe(0x8000);
    }
  });

  it("laggy_probability follows Ceph's float round trip", () => {
    expect(laggyProbabilityToRaw(laggyProbability(0))).toBe(0);
    expect(laggyProbability(0x80000000)).toBeCloseTo(0.5, 6);
    const raw = laggyProbabilityToRaw(0.123);
    expect(laggyProbabilityToRaw(laggyProbability(raw))).toBe(raw);
    // 1.0 × 2^32 does not fit a u32: Ceph's conversion leaves 0.
    expect(laggyProbabilityToRaw(1)).toBe(0);
  });
});

describe('interval sets', () => {
  const iv = (pairs: [number, number][]) => pairs.map(([s, l]) => ({ start: BigInt(s), len: BigInt(l) }));
  it('union merges overlapping and adjacent intervals', () => {
    expect(intervalUnion(iv([[1, 2]]), iv([[3, 1], [10, 2]]))).toEqual(iv([[1, 3], [10, 2]]));
  });
  it('subtract splits and drops', () => {
    expect(intervalSubtract(iv([[1, 9]]), iv([[3, 2]]))).toEqual(iv([[1, 2], [5, 5]]));
    expect(intervalSubtract(iv([[1, 2]]), iv([[1, 2]]))).toEqual([]);
  });
});

describe('applyIncremental rules', () => {
  const base = (): OSDMap => decodeOSDMap(full31);
  const next = (m: OSDMap) => ({ ...emptyIncremental(m.fsid, m.epoch + 1), encodeFeatures: decodeIncremental(inc31).encodeFeatures });

  it('refuses an incremental of the wrong epoch or cluster', () => {
    const m = base();
    expect(() => applyIncremental(m, emptyIncremental(m.fsid, m.epoch + 2))).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => applyIncremental(m, emptyIncremental('11111111-2222-3333-4444-555555555555', m.epoch + 1))).toThrow(MonctlError);
  });

  it('grows the OSD vectors, marks in, brings up, toggles and destroys', () => {
    const m = base();
    m.osdPrimaryAffinity = undefined; // as in a map where no affinity was ever set
    const inc = next(m);
    inc.newMaxOsd = m.maxOsd + 2;
    const a = m.maxOsd;
    inc.newWeight.set(a, 0x10000);
    inc.newUpClient.set(a + 1, { v: [makeEntityAddr(ADDR_TYPE.MSGR2, new Uint8Array([10, 0, 0, 1]), 6800, 7)] });
    const r1 = applyIncremental(m, inc);
    expect(r1.maxOsd).toBe(a + 2);
    expect(r1.osdState[a]).toBe(1); // weight sets EXISTS
    expect(r1.osdState[a + 1]).toBe(3); // EXISTS | UP
    expect(r1.osdInfo[a + 1]!.upFrom).toBe(r1.epoch);
    expect(r1.osdPrimaryAffinity).toBeUndefined();
    expect(decodeOSDMap(encodeOSDMap(r1)).maxOsd).toBe(a + 2);

    const inc2 = next(r1);
    inc2.newState.set(a + 1, 0); // legacy "toggle up": marks it down
    inc2.newState.set(a, 1); // toggling EXISTS destroys the slot
    const r2 = applyIncremental(r1, inc2);
    expect(r2.osdState[a + 1]).toBe(1);
    expect(r2.osdInfo[a + 1]!.downAt).toBe(r2.epoch);
    expect(r2.osdState[a]).toBe(0);
    // Destroying an OSD resets its affinity, which creates the affinity vector (as Ceph does).
    expect(r2.osdPrimaryAffinity?.length).toBe(a + 2);
    // The result's versions are those of the incremental's features: both encodings agree.
    expect(r2.crc).toBe(decodeOSDMap(encodeOSDMap(r2, inc2.encodeFeatures)).crc);
    expect(hex(encodeOSDMap(r2))).toBe(hex(encodeOSDMap(r2, inc2.encodeFeatures)));
  });

  it('blocklist inserts keep existing entries; pg overrides set and erase', () => {
    const m = base();
    const addr = makeEntityAddr(ADDR_TYPE.ANY, new Uint8Array([10, 0, 0, 1]), 0, 256);
    const inc = next(m);
    inc.newBlocklist.set(addrMapKey(addr), { addr, until: { sec: 100, nsec: 0 } });
    inc.newPgTemp.set('1.0', { pg: { pool: 1, seed: 0 }, value: [0, 1] });
    const r1 = applyIncremental(m, inc);
    expect(r1.blocklist.size).toBe(1);
    expect(r1.pgTemp.get('1.0')?.value).toEqual([0, 1]);
    const inc2 = next(r1);
    inc2.newBlocklist.set(addrMapKey(addr), { addr, until: { sec: 999, nsec: 0 } });
    inc2.newPgTemp.set('1.0', { pg: { pool: 1, seed: 0 }, value: [] });
    const r2 = applyIncremental(r1, inc2);
    expect(r2.blocklist.get(addrMapKey(addr))?.until.sec).toBe(100);
    expect(r2.pgTemp.size).toBe(0);
    expect(dumpOSDMap(r1).blocklist).toEqual({ '10.0.0.1:0/256': '100.000000' });
  });

  it('orders blocklist entries by the in-memory image (nonce 256 before nonce 1)', () => {
    const m = base();
    const inc = next(m);
    const a1 = makeEntityAddr(ADDR_TYPE.ANY, new Uint8Array([10, 0, 0, 1]), 0, 1);
    const a256 = makeEntityAddr(ADDR_TYPE.ANY, new Uint8Array([10, 0, 0, 1]), 0, 256);
    inc.newBlocklist.set(addrMapKey(a1), { addr: a1, until: { sec: 1, nsec: 0 } });
    inc.newBlocklist.set(addrMapKey(a256), { addr: a256, until: { sec: 2, nsec: 0 } });
    const back = decodeIncremental(encodeIncremental(inc));
    expect([...back.newBlocklist.values()].map((e) => e.addr.nonce)).toEqual([256, 1]);
  });
});

describe('dump helpers', () => {
  it('names flags and states as Ceph does', () => {
    expect(osdmapFlagString(0x588000)).toBe('sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit');
    expect(osdmapFlagSet(0x588003)).toEqual(['', 'pglog_hardlimit', 'purged_snapdirs', 'recovery_deletes', 'sortbitwise']);
    expect(osdStateSet(0x803)).toEqual(['exists', 'noout', 'up']);
    expect(osdStateSet(0x80000000)).toEqual(['???']);
  });

  it('dumps the fixture map with its epoch and fsid', () => {
    const d = dumpOSDMap(decodeOSDMap(full1));
    expect(d.epoch).toBe(1);
    expect(d.fsid).toBe('6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00');
  });
});
