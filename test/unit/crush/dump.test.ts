import { describe, expect, it } from 'vitest';
import {
  decompileCrushMap,
  dumpCrushMap,
  effectiveChooseArgs,
  effectiveMaxDevices,
  emptyCrushMap,
  fixedPoint3,
  legacyTunables,
  minRequiredVersion,
  RuleOp,
  tunablesProfile,
  weightFloat,
  type CrushMap,
} from '../../../src/lib/crush/index.js';
import { MonctlError } from '../../../src/lib/errors.js';

function smallMap(): CrushMap {
  const m = emptyCrushMap();
  m.maxDevices = 1;
  m.buckets = [
    { id: -1, type: 1, alg: 5, hash: 0, weight: 0x18000, items: [0, 3], itemWeights: [0x10000, 0x8000] },
    { id: -2, type: 1, alg: 3, hash: 0, weight: 0x10000, items: [0], nodeWeights: [0, 0x10000] },
  ];
  m.rules = [
    {
      ruleset: 0,
      type: 1,
      minSize: 1,
      maxSize: 10,
      steps: [
        { op: RuleOp.TAKE, arg1: -1, arg2: 0 },
        { op: RuleOp.CHOOSE_FIRSTN, arg1: 0, arg2: 0 },
        { op: RuleOp.SET_CHOOSELEAF_VARY_R, arg1: 1, arg2: 0 },
        { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
      ],
    },
  ];
  m.typeMap = new Map([[1, 'host']]);
  m.nameMap = new Map([
    [-1, 'h'],
    [0, 'osd.0'],
  ]);
  m.ruleNameMap = new Map([[0, 'r']]);
  return m;
}

describe('fixedPoint3 (printf %.3f of a 16.16 weight)', () => {
  it('rounds exact ties to even like glibc, not up like toFixed', () => {
    expect(fixedPoint3(0x1000)).toBe('0.062'); // 0.0625
    expect(fixedPoint3(0x3000)).toBe('0.188'); // 0.1875
    expect(fixedPoint3(0x5000)).toBe('0.312'); // 0.3125
    expect(fixedPoint3(0x10000)).toBe('1.000');
    expect(fixedPoint3(0x18000)).toBe('1.500');
    expect(fixedPoint3(19383)).toBe('0.296');
  });
  it('prints negative ints (u32 weights seen through a C int) with their sign', () => {
    expect(fixedPoint3(-1)).toBe('-0.000');
    expect(fixedPoint3(0xffff0000)).toBe('-1.000');
  });
  it('rounds through a float like Ceph for weights above 2^24', () => {
    expect(weightFloat(0x1000001)).toBe(0x1000000 / 0x10000);
  });
});

describe('tunables', () => {
  const profiles: [string, Partial<ReturnType<typeof legacyTunables>>][] = [
    ['argonaut', {}],
    ['bobtail', { chooseLocalTries: 0, chooseLocalFallbackTries: 0, chooseTotalTries: 50, chooseleafDescendOnce: 1 }],
    ['firefly', { chooseLocalTries: 0, chooseLocalFallbackTries: 0, chooseTotalTries: 50, chooseleafDescendOnce: 1, chooseleafVaryR: 1 }],
    ['hammer', { chooseLocalTries: 0, chooseLocalFallbackTries: 0, chooseTotalTries: 50, chooseleafDescendOnce: 1, chooseleafVaryR: 1, allowedBucketAlgs: 54 }],
    ['jewel', { chooseLocalTries: 0, chooseLocalFallbackTries: 0, chooseTotalTries: 50, chooseleafDescendOnce: 1, chooseleafVaryR: 1, chooseleafStable: 1, allowedBucketAlgs: 54 }],
    ['unknown', { chooseTotalTries: 51 }],
  ];
  for (const [name, t] of profiles) {
    it(`recognises the ${name} profile`, () => expect(tunablesProfile({ ...legacyTunables(), ...t })).toBe(name));
  }
  it('derives the minimum required version from tunables, rules and buckets', () => {
    const m = smallMap();
    expect(minRequiredVersion(m)).toBe('hammer'); // straw2 bucket
    m.tunables.chooseleafStable = 1;
    expect(minRequiredVersion(m)).toBe('jewel');
    const plain = emptyCrushMap();
    expect(minRequiredVersion(plain)).toBe('argonaut');
    plain.tunables.chooseleafVaryR = 1;
    expect(minRequiredVersion(plain)).toBe('firefly');
  });
});

describe('state Ceph recomputes after decoding', () => {
  it('max_devices covers every bucket item and every named item', () => {
    const m = smallMap();
    expect(effectiveMaxDevices(m)).toBe(4);
    m.nameMap.set(9, 'osd.9');
    expect(effectiveMaxDevices(m)).toBe(10);
  });
  it('choose_args of non-straw2 buckets are dropped and weight sets fitted to the bucket', () => {
    const m = smallMap();
    m.chooseArgs = new Map([
      [
        3n,
        [
          { bucketIndex: 0, weightSet: [[5, 6, 7]], ids: [] },
          { bucketIndex: 1, weightSet: [[5]], ids: [1] },
        ],
      ],
    ]);
    expect(effectiveChooseArgs(m).get(3n)).toEqual([{ bucketIndex: 0, weightSet: [[5, 6]], ids: [] }]);
  });
  it('refuses to list billions of devices for a corrupt item id', () => {
    const m = smallMap();
    m.buckets[0]!.items[1] = 0x7ffffff0;
    expect(() => dumpCrushMap(m)).toThrow(MonctlError);
  });
});

describe('dump and decompile of a hand-made map', () => {
  it('dumps devices, types, buckets, rules and raw steps as crushtool does', () => {
    const d = dumpCrushMap(smallMap()) as Record<string, unknown>;
    expect(d.devices).toEqual([
      { id: 0, name: 'osd.0' },
      { id: 1, name: 'device1' },
      { id: 2, name: 'device2' },
      { id: 3, name: 'device3' },
    ]);
    expect(d.types).toEqual([
      { type_id: 0, name: 'device' },
      { type_id: 1, name: 'host' },
    ]);
    const rules = d.rules as { steps: unknown[] }[];
    expect(rules[0]!.steps).toEqual([
      { op: 'take', item: -1, item_name: 'h' },
      { op: 'choose_firstn', num: 0, type: '' },
      { opcode: 12, arg1: 1, arg2: 0 },
      { op: 'emit' },
    ]);
  });

  // Checked against crushtool -d of the same bytes (its --dump of this map crashes on the unnamed type 0).
  it('decompiles to crushtool -d text', () => {
    expect(decompileCrushMap(smallMap())).toBe(
      [
        '# begin crush map',
        '',
        '# devices',
        'device 0 osd.0',
        '',
        '# types',
        'type 0 osd',
        'type 1 host',
        '',
        '# buckets',
        'host h {',
        '\tid -1\t\t# do not change unnecessarily',
        '\t# weight 1.500',
        '\talg straw2',
        '\thash 0\t# rjenkins1',
        '\titem osd.0 weight 1.000',
        '\titem device3 weight 0.500',
        '}',
        'host bucket1 {',
        '\tid -2\t\t# do not change unnecessarily',
        '\t# weight 1.000',
        '\talg tree\t# do not change pos for existing items unnecessarily',
        '\thash 0\t# rjenkins1',
        '\titem osd.0 weight 1.000 pos 0',
        '}',
        '',
        '# rules',
        'rule r {',
        '\tid 0',
        '\ttype replicated',
        '\tmin_size 1',
        '\tmax_size 10',
        '\tstep take h',
        '\tstep choose firstn 0 type device',
        '\tstep set_chooseleaf_vary_r 1',
        '\tstep emit',
        '}',
        '',
        '# end crush map',
        '',
      ].join('\n'),
    );
  });
});
