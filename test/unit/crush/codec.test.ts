import { describe, expect, it } from 'vitest';
import {
  decodeCrushMap,
  decompileCrushMap,
  dumpCrushMap,
  emptyCrushMap,
  encodeCrushMap,
  legacyTunables,
  RuleOp,
  TAIL_GROUPS_SQUID,
  type CrushMap,
} from '../../../src/lib/crush/index.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { replicatedRule } from '../../helpers/crush-maps.js';

/** A small map with every bucket algorithm, device classes, choose_args and the Squid tail. */
function sampleMap(): CrushMap {
  const m = emptyCrushMap();
  m.maxDevices = 4;
  m.buckets = [
    { id: -1, type: 2, alg: 5, hash: 0, weight: 0x50000, items: [-2, -3, -4, -5], itemWeights: [0x20000, 0x10000, 0x10000, 0x10000] },
    { id: -2, type: 1, alg: 1, hash: 0, weight: 0x20000, items: [0, 1], itemWeight: 0x10000 },
    { id: -3, type: 1, alg: 2, hash: 0, weight: 0x10000, items: [2], itemWeights: [0x10000], sumWeights: [0x10000] },
    { id: -4, type: 1, alg: 3, hash: 0, weight: 0x10000, items: [3], nodeWeights: [0, 0x10000] },
    { id: -5, type: 1, alg: 4, hash: 0, weight: 0x10000, items: [3], itemWeights: [0x10000], straws: [0x10000] },
    null,
  ];
  m.rules = [
    replicatedRule(-1),
    null,
    {
      ruleset: 2,
      type: 3,
      minSize: 3,
      maxSize: 6,
      steps: [
        { op: RuleOp.SET_CHOOSE_TRIES, arg1: 100, arg2: 0 },
        { op: RuleOp.TAKE, arg1: -1, arg2: 0 },
        { op: RuleOp.CHOOSELEAF_INDEP, arg1: 0, arg2: 1 },
        { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
      ],
    },
  ];
  m.typeMap = new Map([
    [0, 'osd'],
    [1, 'host'],
    [2, 'root'],
  ]);
  m.nameMap = new Map([
    [-5, 'h4'],
    [-4, 'h3'],
    [-3, 'h2'],
    [-2, 'h1'],
    [-1, 'default'],
    [0, 'osd.0'],
    [1, 'osd.1'],
    [2, 'osd.2'],
    [3, 'osd.3'],
  ]);
  m.ruleNameMap = new Map([
    [0, 'replicated_rule'],
    [2, 'ec'],
  ]);
  m.tunables = { ...legacyTunables(), chooseTotalTries: 50, chooseleafStable: 1, allowedBucketAlgs: 54 };
  m.classMap = new Map([
    [0, 0],
    [1, 1],
  ]);
  m.className = new Map([
    [0, 'ssd'],
    [1, 'hdd'],
  ]);
  m.classBucket = new Map([[-2, new Map([[0, -6]])]]);
  m.chooseArgs = new Map([
    [-1n, [{ bucketIndex: 0, weightSet: [[1, 2, 3, 4]], ids: [] }]],
    [7n, [{ bucketIndex: 0, weightSet: [], ids: [-10, -11, -12, -13] }]],
  ]);
  m.tailGroups = TAIL_GROUPS_SQUID;
  return m;
}

function expectMonctlErrorWithOffset(fn: () => unknown): MonctlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MonctlError);
    const err = e as MonctlError;
    expect(typeof err.offset).toBe('number');
    return err;
  }
  throw new Error('expected a MonctlError');
}

describe('CRUSH codec', () => {
  it('round-trips a map with every bucket algorithm, classes and choose_args', () => {
    const bytes = encodeCrushMap(sampleMap());
    const map = decodeCrushMap(bytes);
    expect(map).toEqual(sampleMap());
    expect(encodeCrushMap(map)).toEqual(bytes);
  });

  it('keeps the number of tail groups an older encoder wrote, with legacy defaults for the rest', () => {
    for (let groups = 0; groups <= TAIL_GROUPS_SQUID; groups++) {
      const m = sampleMap();
      m.tailGroups = groups;
      const bytes = encodeCrushMap(m);
      const back = decodeCrushMap(bytes);
      expect(back.tailGroups).toBe(groups);
      expect(encodeCrushMap(back)).toEqual(bytes);
      if (groups < 6) expect(back.tunables.chooseleafStable).toBe(0);
      if (groups < 8) expect(back.chooseArgs.size).toBe(0);
    }
  });

  it('writes an empty map as 16 header bytes plus names and the Pacific tail', () => {
    const bytes = encodeCrushMap(emptyCrushMap());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(decodeCrushMap(bytes)).toEqual(emptyCrushMap());
  });

  it('refuses a bad magic at offset 0', () => {
    const bytes = encodeCrushMap(sampleMap());
    bytes[0] = 1;
    const err = expectMonctlErrorWithOffset(() => decodeCrushMap(bytes));
    expect(err.code).toBe('DECODE_INVALID');
    expect(err.offset).toBe(0);
  });

  it('refuses an unknown bucket algorithm at its offset', () => {
    const bytes = encodeCrushMap(sampleMap());
    bytes[16] = 9;
    const err = expectMonctlErrorWithOffset(() => decodeCrushMap(bytes));
    expect(err.code).toBe('DECODE_INVALID');
    expect(err.offset).toBe(16);
  });

  it('refuses bytes after the last known field as too new', () => {
    const bytes = encodeCrushMap(sampleMap());
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    const err = expectMonctlErrorWithOffset(() => decodeCrushMap(longer));
    expect(err.code).toBe('DECODE_TOO_NEW');
    expect(err.offset).toBe(bytes.length);
  });

  it('refuses a choose_arg for a bucket index past max_buckets', () => {
    const m = sampleMap();
    m.chooseArgs = new Map([[1n, [{ bucketIndex: 6, weightSet: [[1]], ids: [] }]]]);
    m.tailGroups = 8;
    const err = expectMonctlErrorWithOffset(() => decodeCrushMap(encodeCrushMap(m)));
    expect(err.code).toBe('DECODE_INVALID');
  });

  it('reads the old 64-bit name keys and re-encodes them as Ceph does (32-bit)', () => {
    const m = emptyCrushMap();
    m.typeMap = new Map([[1, 'host']]);
    m.tailGroups = 0;
    const bytes = encodeCrushMap(m);
    // header 16 bytes, then type_map: count, key, len, "host"
    const wide = new Uint8Array(bytes.length + 4);
    wide.set(bytes.subarray(0, 24));
    wide.set([0, 0, 0, 0], 24); // the key's high half
    wide.set(bytes.subarray(24), 28);
    const back = decodeCrushMap(wide);
    expect(back.typeMap.get(1)).toBe('host');
    expect(encodeCrushMap(back)).toEqual(bytes);
  });

  it('truncation at every offset throws a MonctlError with an offset, or decodes a shorter valid tail', () => {
    const bytes = encodeCrushMap(sampleMap());
    for (let n = 0; n < bytes.length; n++) {
      const prefix = bytes.slice(0, n);
      let map: CrushMap | undefined;
      try {
        map = decodeCrushMap(prefix);
      } catch (e) {
        expect(e, `prefix ${n}`).toBeInstanceOf(MonctlError);
        expect(typeof (e as MonctlError).offset, `prefix ${n}`).toBe('number');
        continue;
      }
      // Ceph reads each tail group only while bytes remain: a cut between groups is a valid map.
      expect(encodeCrushMap(map), `prefix ${n}`).toEqual(prefix);
    }
  });

  it('random corruption never escapes as anything but a MonctlError', () => {
    const base = encodeCrushMap(sampleMap());
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    for (let round = 0; round < 2000; round++) {
      const bytes = base.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      try {
        const map = decodeCrushMap(bytes);
        dumpCrushMap(map);
        decompileCrushMap(map);
      } catch (e) {
        expect(e, `round ${round}`).toBeInstanceOf(MonctlError);
      }
    }
  });
});
