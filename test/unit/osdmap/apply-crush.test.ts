/**
 * An incremental's `crush` blob is not the full map's CRUSH section: OSDMap::apply_incremental
 * decodes it into a CrushWrapper (decode() ends with update_choose_args() and finalize()) and
 * the full map encodes that CrushWrapper again.
 *
 * The fixture is epochs 13 → 14 of a real Pacific monitor's history (test/fixtures/osdmap-apply/
 * crush-rm-max-devices: four OSDs crush-added to two hosts, then `ceph osd crush rm osd.3`):
 * the monitor removed osd.3's name but kept max_devices 4 in the CrushWrapper it encoded into
 * the incremental; the full map of epoch 14 has max_devices 3, as finalize() recomputes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  crushAsDecoded,
  crushTailGroupsFor,
  decodeCrushMap,
  emptyCrushMap,
  encodeCrushMap,
  reencodeCrushMap,
  TAIL_GROUPS_PACIFIC,
  TAIL_GROUPS_SQUID,
  type CrushMap,
} from '../../../src/lib/crush/index.js';
import { FEATURE } from '../../../src/lib/msg/features.js';
import {
  applyIncremental,
  applyIncrementalShared,
  decodeIncremental,
  decodeOSDMap,
  encodeOSDMap,
  osdmapEncodingFeatures,
  RELEASE,
} from '../../../src/lib/osdmap/index.js';
import { crcField } from '../../../src/lib/osdmap/osdmap.js';
import { FIXTURES_DIR } from '../../helpers/ceph.js';
import { replicatedRule } from '../../helpers/crush-maps.js';

const CASE = join(FIXTURES_DIR, 'osdmap-apply', 'crush-rm-max-devices');
const read = (f: string) => new Uint8Array(readFileSync(join(CASE, f)));
const u32At = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

/** Two hosts, osd.0..3 of which osd.3 was unlinked and its name dropped, max_devices still 4. */
function afterCrushRm(): CrushMap {
  const m = emptyCrushMap();
  m.maxDevices = 4;
  m.buckets = [
    { id: -1, type: 2, alg: 5, hash: 0, weight: 0x30000, items: [-2, -3], itemWeights: [0x20000, 0x10000] },
    { id: -2, type: 1, alg: 5, hash: 0, weight: 0x20000, items: [0, 1], itemWeights: [0x10000, 0x10000] },
    { id: -3, type: 1, alg: 5, hash: 0, weight: 0x10000, items: [2], itemWeights: [0x10000] },
  ];
  m.rules = [replicatedRule(-1)];
  m.typeMap = new Map([
    [0, 'osd'],
    [1, 'host'],
    [2, 'root'],
  ]);
  m.nameMap = new Map([
    [-3, 'host2'],
    [-2, 'host1'],
    [-1, 'default'],
    [0, 'osd.0'],
    [1, 'osd.1'],
    [2, 'osd.2'],
  ]);
  m.ruleNameMap = new Map([[0, 'replicated_rule']]);
  return m;
}

describe('an incremental CRUSH blob as the full map holds it', () => {
  it('a real `osd crush rm osd.3`: the incremental says max_devices 4, the full map 3, and apply gives the stored full map', () => {
    const prev = decodeOSDMap(read('full_13.bin'));
    const inc = decodeIncremental(read('inc_14.bin'));
    const stored = read('full_14.bin');
    // Header: magic, max_buckets, max_rules, max_devices.
    expect(u32At(inc.crush, 12)).toBe(4);
    const storedMap = decodeOSDMap(stored);
    expect(u32At(storedMap.crushBytes, 12)).toBe(3);
    expect(storedMap.crush.nameMap.has(3)).toBe(false);

    const { map, bytes } = applyIncrementalShared(prev, inc);
    expect(Buffer.from(bytes).equals(stored)).toBe(true);
    expect(crcField(bytes)).toBe(inc.fullCrc);
    expect(map.crush.maxDevices).toBe(3);
    expect(Buffer.from(map.crushBytes).equals(storedMap.crushBytes)).toBe(true);
    // The deep-copying apply and the plain encoder agree.
    expect(Buffer.from(encodeOSDMap(applyIncremental(prev, inc), inc.encodeFeatures)).equals(stored)).toBe(true);
    // Only that header field differs between the incremental's blob and the full map's.
    const diff = [...inc.crush].flatMap((b, i) => (b !== storedMap.crushBytes[i] ? [i] : []));
    expect(diff).toEqual([12]);
  });

  it('max_devices is recomputed as finalize() does: from the bucket items, then the last named id', () => {
    const stale = afterCrushRm();
    expect(crushAsDecoded(stale).maxDevices).toBe(3);
    const bytes = reencodeCrushMap(encodeCrushMap(stale)).bytes;
    expect(u32At(bytes, 12)).toBe(3);
    // A named device outside every bucket still counts (osd crush set-device-class on a new OSD).
    const named = afterCrushRm();
    named.nameMap.set(7, 'osd.7');
    expect(crushAsDecoded(named).maxDevices).toBe(8);
    // Too low is raised as well (an encoder that never finalized).
    const low = afterCrushRm();
    low.maxDevices = 0;
    expect(crushAsDecoded(low).maxDevices).toBe(3);
    // Ceph's int arithmetic: one past 2^31 - 1 wraps.
    const wrap = afterCrushRm();
    wrap.nameMap.set(0x7fffffff, 'osd.big');
    expect(crushAsDecoded(wrap).maxDevices).toBe(-0x80000000);
  });

  it('choose_args are cleaned as update_choose_args does: args of missing or non-straw2 buckets dropped, weight sets sized to the bucket', () => {
    const m = afterCrushRm();
    m.buckets.push({ id: -4, type: 1, alg: 4, hash: 0, weight: 0, items: [], itemWeights: [], straws: [] });
    m.chooseArgs = new Map([
      [
        -1n,
        [
          { bucketIndex: 0, weightSet: [[0x20000, 0x10000]], ids: [] },
          { bucketIndex: 2, weightSet: [[0x10000, 0x10000]], ids: [] }, // osd.3 was removed from host2
          { bucketIndex: 3, weightSet: [[0x10000]], ids: [] }, // a straw bucket
        ],
      ],
    ]);
    const back = decodeCrushMap(reencodeCrushMap(encodeCrushMap(m)).bytes);
    expect(back.chooseArgs.get(-1n)).toEqual([
      { bucketIndex: 0, weightSet: [[0x20000, 0x10000]], ids: [] },
      { bucketIndex: 2, weightSet: [[0x10000]], ids: [] },
    ]);
  });

  it('writes every tail group the encoding features allow, whatever the blob carried', () => {
    const m = afterCrushRm();
    m.tailGroups = 5;
    const blob = encodeCrushMap(m);
    const pacific = FEATURE.SERVER_LUMINOUS | FEATURE.CRUSH_TUNABLES5;
    expect(reencodeCrushMap(blob, pacific).map.tailGroups).toBe(TAIL_GROUPS_PACIFIC);
    expect(reencodeCrushMap(blob).map.tailGroups).toBe(TAIL_GROUPS_PACIFIC);
    expect(crushTailGroupsFor(FEATURE.CRUSH_TUNABLES5)).toBe(6);
    expect(crushTailGroupsFor(0n)).toBe(5);
  });

  it('writes the msr tunables only with CRUSH_MSR, as CrushWrapper::encode does', () => {
    const m = crushAsDecoded(afterCrushRm());
    m.tailGroups = TAIL_GROUPS_SQUID;
    m.tunables = { ...m.tunables, msrDescents: 7, msrCollisionTries: 9 };
    const blob = encodeCrushMap(m);
    const tentacle = osdmapEncodingFeatures(RELEASE.TENTACLE);
    // The OSDMap's features never include CRUSH_MSR: a full map's CRUSH has no msr tunables.
    const full = reencodeCrushMap(blob, tentacle);
    expect(full.map.tailGroups).toBe(TAIL_GROUPS_PACIFIC);
    expect(full.bytes.length).toBe(blob.length - 8);
    // A quorum's features do: the decoded values are written back (the defaults if absent).
    expect(Buffer.from(reencodeCrushMap(blob, tentacle | FEATURE.CRUSH_MSR).bytes).equals(blob)).toBe(true);
    const withDefaults = decodeCrushMap(reencodeCrushMap(full.bytes, tentacle | FEATURE.CRUSH_MSR).bytes);
    expect([withDefaults.tailGroups, withDefaults.tunables.msrDescents, withDefaults.tunables.msrCollisionTries]).toEqual([TAIL_GROUPS_SQUID, 100, 100]);
    // Without features the blob's own tail groups are kept.
    expect(reencodeCrushMap(blob).map.tailGroups).toBe(TAIL_GROUPS_SQUID);
  });

  it('is idempotent: a map Ceph encoded after decoding comes back byte for byte', () => {
    const once = reencodeCrushMap(encodeCrushMap(afterCrushRm())).bytes;
    expect(Buffer.from(reencodeCrushMap(once).bytes).equals(once)).toBe(true);
    const stored = decodeOSDMap(read('full_14.bin')).crushBytes;
    expect(Buffer.from(reencodeCrushMap(stored).bytes).equals(stored)).toBe(true);
  });
});
