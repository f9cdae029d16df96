import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import CrushDecompile from '../../src/commands/crush/decompile.js';
import CrushDump from '../../src/commands/crush/dump.js';
import CrushTree from '../../src/commands/crush/tree.js';
import { BUCKET_STRAW2, TAIL_GROUPS_PACIFIC, decodeCrushMap, decompileCrushMap, dumpCrushMap, emptyCrushMap, encodeCrushMap, type CrushBucket, type CrushMap } from '../../src/lib/crush/index.js';
import { toJson } from '../../src/lib/render/index.js';
import { corpusAvailable, corpusObjects } from '../helpers/corpus.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';
import { replicatedRule } from '../helpers/crush-maps.js';

/**
 * A small Pacific-style map: root default (-1) over hosts node-b (-2: osd.0 hdd, osd.1 ssd)
 * and node-a (-3: osd.2 hdd); per-class shadow trees (~hdd, ~ssd); osd.3 named but in no
 * bucket (a stray); a compat weight set for node-b. Expected texts come from crushtool 16.2.
 */
export function sampleCrushMap(): CrushMap {
  const m = emptyCrushMap();
  const straw2 = (id: number, type: number, items: number[], itemWeights: number[]): CrushBucket => ({
    id,
    type,
    alg: BUCKET_STRAW2,
    hash: 0,
    weight: itemWeights.reduce((a, b) => a + b, 0),
    items,
    itemWeights,
  });
  const W = 0x10000;
  m.buckets = [
    straw2(-1, 11, [-2, -3], [W + W / 2, 2 * W]),
    straw2(-2, 1, [0, 1], [W, W / 2]),
    straw2(-3, 1, [2], [2 * W]),
    straw2(-4, 11, [-5, -6], [W, 2 * W]),
    straw2(-5, 1, [0], [W]),
    straw2(-6, 1, [2], [2 * W]),
    straw2(-7, 11, [-8, -9], [W / 2, 0]),
    straw2(-8, 1, [1], [W / 2]),
    straw2(-9, 1, [], []),
  ];
  m.maxDevices = 4;
  m.rules = [
    replicatedRule(-1),
  ];
  m.typeMap = new Map([
    [0, 'osd'],
    [1, 'host'],
    [11, 'root'],
  ]);
  m.nameMap = new Map([
    [0, 'osd.0'],
    [1, 'osd.1'],
    [2, 'osd.2'],
    [3, 'osd.3'],
    [-1, 'default'],
    [-2, 'node-b'],
    [-3, 'node-a'],
    [-4, 'default~hdd'],
    [-5, 'node-b~hdd'],
    [-6, 'node-a~hdd'],
    [-7, 'default~ssd'],
    [-8, 'node-b~ssd'],
    [-9, 'node-a~ssd'],
  ]);
  m.ruleNameMap = new Map([[0, 'replicated_rule']]);
  m.tunables = {
    ...m.tunables,
    chooseLocalTries: 0,
    chooseLocalFallbackTries: 0,
    chooseTotalTries: 50,
    chooseleafDescendOnce: 1,
    chooseleafVaryR: 1,
    chooseleafStable: 1,
    strawCalcVersion: 1,
    allowedBucketAlgs: 54,
  };
  m.tailGroups = TAIL_GROUPS_PACIFIC;
  m.className = new Map([
    [0, 'hdd'],
    [1, 'ssd'],
  ]);
  m.classMap = new Map([
    [0, 0],
    [1, 1],
    [2, 0],
    [3, 0],
    [-4, 0],
    [-5, 0],
    [-6, 0],
    [-7, 1],
    [-8, 1],
    [-9, 1],
  ]);
  m.classBucket = new Map([
    [-1, new Map([[0, -4], [1, -7]])],
    [-2, new Map([[0, -5], [1, -8]])],
    [-3, new Map([[0, -6], [1, -9]])],
  ]);
  m.chooseArgs = new Map([[-1n, [{ bucketIndex: 1, weightSet: [[W / 4, W]], ids: [] }]]]);
  return m;
}

/** `crushtool -i sample --tree` (Pacific 16.2.15), trailing blanks trimmed: the --show-shadow view. */
const TREE_WITH_SHADOW = `ID  CLASS  WEIGHT   (compat)  TYPE NAME
-7    ssd  0.50000            root default~ssd
-9    ssd        0                host node-a~ssd
-8    ssd  0.50000                host node-b~ssd
 1    ssd  0.50000                    osd.1
-4    hdd  3.00000            root default~hdd
-6    hdd  2.00000                host node-a~hdd
 2    hdd  2.00000                    osd.2
-5    hdd  1.00000                host node-b~hdd
 0    hdd  1.00000                    osd.0
-1         3.50000            root default
-3         2.00000                host node-a
 2    hdd  2.00000                    osd.2
-2         1.50000                host node-b
 0    hdd  1.00000   0.25000          osd.0
 1    ssd  0.50000   1.00000          osd.1
`;

describe('crush commands (in-process, hand-built map)', () => {
  const tmp = tempDir('crush-cmd');
  let file = '';
  beforeAll(() => {
    file = join(tmp.dir, 'crush.bin');
    writeFileSync(file, encodeCrushMap(sampleCrushMap()));
  });
  afterAll(() => tmp.cleanup());

  it('the sample map round-trips through the codec', () => {
    const bytes = new Uint8Array(readFileSync(file));
    expect(Buffer.from(encodeCrushMap(decodeCrushMap(bytes))).equals(Buffer.from(bytes))).toBe(true);
  });

  it('crush tree --show-shadow prints what crushtool --tree prints', async () => {
    const r = await runCommand(CrushTree, ['--crushmap', file, '--show-shadow']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(TREE_WITH_SHADOW);
  });

  it('crush tree hides shadow buckets by default, sorts children by class and name, indents 4 per level', async () => {
    const r = await runCommand(CrushTree, ['-i', file]);
    const lines = TREE_WITH_SHADOW.split('\n');
    expect(r.stdout).toBe([lines[0], ...lines.slice(10)].join('\n'));
    expect(r.stdout).not.toContain('~');
  });

  it('crush tree --json gives ceph osd crush tree nodes, children, pool weights and strays', async () => {
    const r = await runCommand<{ nodes: Record<string, unknown>[]; stray: unknown[] }>(CrushTree, ['-i', file, '--json']);
    const j = JSON.parse(r.stdout) as { nodes: Record<string, unknown>[]; stray: unknown[] };
    expect(j.nodes.map((n) => n.id)).toEqual([-1, -3, 2, -2, 0, 1]);
    expect(j.nodes[0]).toEqual({ id: -1, name: 'default', type: 'root', type_id: 11, children: [-2, -3] });
    expect(j.nodes[3]).toEqual({ id: -2, name: 'node-b', type: 'host', type_id: 1, pool_weights: {}, children: [1, 0] });
    expect(j.nodes[4]).toEqual({
      id: 0,
      device_class: 'hdd',
      name: 'osd.0',
      type: 'osd',
      type_id: 0,
      crush_weight: 1,
      depth: 2,
      pool_weights: { '(compat)': [0.25] },
    });
    expect(j.stray).toEqual([{ id: 3, device_class: 'hdd', name: 'osd.3', type: 'osd', type_id: 0, crush_weight: 0, depth: 0 }]);
    const shadow = await runCommand(CrushTree, ['-i', file, '--json', '--show-shadow']);
    expect((JSON.parse(shadow.stdout) as { nodes: unknown[] }).nodes).toHaveLength(15);
  });

  it('crush decompile prints crushtool -d text, or writes it with -o', async () => {
    const r = await runCommand(CrushDecompile, ['--crushmap', file]);
    expect(r.stdout).toBe(decompileCrushMap(sampleCrushMap()));
    expect(r.stdout).toMatch(/^# begin crush map\n/);
    expect(r.stdout).toContain('host node-b {\n\tid -2\t\t# do not change unnecessarily\n\tid -5 class hdd\t\t# do not change unnecessarily\n');
    expect(r.stdout).toContain('choose_args 18446744073709551615 {\n');
    expect(r.stdout).toMatch(/# end crush map\n$/);
    const out = join(tmp.dir, 'crush.txt');
    const w = await runCommand(CrushDecompile, ['-i', file, '-o', out, '--json']);
    expect(JSON.parse(w.stdout)).toEqual({ crushmap: file, out });
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('crush dump prints crushtool --dump JSON (ending in an empty line), with or without --json', async () => {
    const r = await runCommand(CrushDump, ['--crushmap', file]);
    expect(r.stdout).toBe(`${toJson(dumpCrushMap(sampleCrushMap()))}\n\n`);
    const j = JSON.parse(r.stdout) as { devices: unknown[]; choose_args: Record<string, unknown> };
    expect(j.devices).toHaveLength(4);
    expect(j.choose_args).toEqual({ '-1': [{ bucket_id: -2, weight_set: [[0.25, 1]] }] });
    const json = await runCommand(CrushDump, ['--crushmap', file, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(j);
  });

  it('a missing file is IO_ERROR, a file that is not a CRUSH map is a decode error', async () => {
    for (const Cmd of [CrushTree, CrushDump, CrushDecompile]) {
      const missing = await runCommand(Cmd, ['-i', join(tmp.dir, 'nope')]);
      expect(missing.exitCode).toBe(4);
      expect(missing.stderr).toMatch(/^monctl: IO_ERROR: cannot read /);
    }
    const junk = join(tmp.dir, 'junk');
    writeFileSync(junk, 'not a crush map');
    const r = await runCommand(CrushDump, ['-i', junk, '--json']);
    expect(r.exitCode).toBe(7);
    expect(JSON.parse(r.stdout).error.code).toMatch(/^DECODE_/);
  });

  it('--crushmap is required', async () => {
    const r = await runCommand(CrushTree, []);
    expect(r.exitCode).toBe(2);
  });

  it.skipIf(!corpusAvailable)('corpus CRUSH maps go through all three commands without an internal error', async () => {
    const objs = corpusObjects('CrushWrapper').slice(0, 50);
    expect(objs.length).toBeGreaterThan(0);
    for (const o of objs) {
      for (const Cmd of [CrushTree, CrushDump, CrushDecompile]) {
        const r = await runCommand(Cmd, ['-i', o.path]);
        // 0, or a MonctlError for the maps crush-corpus lists as known failures; never a crash.
        expect([0, 7], `${o.version}/${o.hash}: ${r.stderr}`).toContain(r.exitCode);
      }
    }
  });
});
