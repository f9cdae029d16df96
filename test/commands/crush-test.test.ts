/**
 * `monctl crush test` in-process. The map is what `crushtool --build --num_osds 12 host straw2 3
 * root straw2 0` makes (built here field by field); every expected text was printed by
 * crushtool 16.2.15 for the same options on that map.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import CrushTest, { parseWeightArgs, type CrushTestResult } from '../../src/commands/crush/test.js';
import { BUCKET_STRAW2, emptyCrushMap, encodeCrushMap, formatFloatG, testDeviceWeight, type CrushBucket, type CrushMap } from '../../src/lib/crush/index.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';
import { replicatedRule } from '../helpers/crush-maps.js';

const W = 0x10000;

/** crushtool --build --num_osds 12 host straw2 3 root straw2 0 (jewel tunables, straw_calc 1). */
function builtMap(): CrushMap {
  const m = emptyCrushMap();
  const straw2 = (id: number, type: number, items: number[], w: number): CrushBucket => ({
    id,
    type,
    alg: BUCKET_STRAW2,
    hash: 0,
    weight: w * items.length,
    items,
    itemWeights: items.map(() => w),
  });
  const hosts = [0, 1, 2, 3].map((h) => straw2(-1 - h, 1, [3 * h, 3 * h + 1, 3 * h + 2], W));
  m.buckets = [...hosts, straw2(-5, 2, [-1, -2, -3, -4], 3 * W)];
  m.maxDevices = 12;
  m.typeMap = new Map([
    [0, 'osd'],
    [1, 'host'],
    [2, 'root'],
  ]);
  m.nameMap = new Map<number, string>([[-5, 'root'], ...hosts.map((h, i): [number, string] => [h.id, `host${i}`])]);
  for (let i = 0; i < 12; i++) m.nameMap.set(i, `osd.${i}`);
  m.rules = [
    replicatedRule(-5),
  ];
  m.ruleNameMap = new Map([[0, 'replicated_rule']]);
  m.tunables = { ...m.tunables, chooseLocalTries: 0, chooseLocalFallbackTries: 0, chooseTotalTries: 50, chooseleafDescendOnce: 1, chooseleafVaryR: 1, chooseleafStable: 1, strawCalcVersion: 1, allowedBucketAlgs: 54 };
  return m;
}

describe('monctl crush test', () => {
  let dir: { dir: string; cleanup: () => void };
  let file: string;
  beforeAll(() => {
    dir = tempDir('crush-test');
    file = join(dir.dir, 'crush.bin');
    writeFileSync(file, encodeCrushMap(builtMap()));
  });
  afterAll(() => dir.cleanup());

  it('--show-mappings prints crushtool\'s lines', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--show-mappings', '--num-rep', '3', '--min-x', '0', '--max-x', '9']);
    expect(r.exitCode).toBe(0);
    const want = ['[0,9,4]', '[0,8,4]', '[1,9,6]', '[11,0,6]', '[5,0,11]', '[11,8,0]', '[2,11,7]', '[5,11,2]', '[5,8,1]', '[9,1,5]'];
    expect(r.stdout).toBe(want.map((m, x) => `CRUSH rule 0 x ${x} ${m}\n`).join(''));
  });

  it('--pool-id hashes x but prints the loop value', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--show-mappings', '--num-rep', '3', '--x', '5', '--pool-id', '1']);
    expect(r.stdout).toBe('CRUSH rule 0 x 5 [2,5,7]\n');
  });

  it('--show-utilization-all with --weight overrides', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--rule', '0', '--num-rep', '3', '--min-x', '0', '--max-x', '3', '--show-utilization-all', '--weight', '3', '0.5', '--weight', '4', '0']);
    const stored = [3, 1, 0, 0, 0, 0, 3, 0, 1, 2, 1, 1];
    const expected = ['1.14286', '1.14286', '1.14286', '0.571429', '0', '1.14286', '1.14286', '1.14286', '1.14286', '1.14286', '1.14286', '1.14286'];
    expect(r.stdout).toBe(
      'rule 0 (replicated_rule), x = 0..3, numrep = 3..3\n' +
        'rule 0 (replicated_rule) num_rep 3 result size == 3:\t4/4\n' +
        stored.map((s, i) => `  device ${i}:\t\t stored : ${s}\t expected : ${expected[i]}\n`).join(''),
    );
    expect(r.stderr).toBe('devices weights (hex): [10000,10000,10000,8000,0,10000,10000,10000,10000,10000,10000,10000]\n');
  });

  it('--show-utilization lists only devices with something stored', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--num-rep', '3', '--min-x', '0', '--max-x', '3', '--show-utilization']);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('  device')).map((l) => l.split(':')[0]!.trim())).toEqual(
      [0, 1, 4, 6, 8, 9, 11].map((d) => `device ${d}`),
    );
    expect(r.stdout).toContain('  device 0:\t\t stored : 3\t expected : 1\n');
  });

  it('--show-bad-mappings and --show-statistics', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--num-rep', '5', '--min-x', '0', '--max-x', '3', '--show-bad-mappings', '--show-statistics', '-w', '0', '0', '-w', '1', '0', '-w', '2', '0']);
    expect(r.stdout).toBe(
      'rule 0 (replicated_rule), x = 0..3, numrep = 5..5\n' +
        'bad mapping rule 0 x 0 num_rep 5 result [9,4,6]\n' +
        'bad mapping rule 0 x 1 num_rep 5 result [8,4,10]\n' +
        'bad mapping rule 0 x 2 num_rep 5 result [9,6,5]\n' +
        'bad mapping rule 0 x 3 num_rep 5 result [11,6,4]\n' +
        'rule 0 (replicated_rule) num_rep 5 result size == 3:\t4/4\n',
    );
  });

  it('without --num-rep runs the rule\'s min_size..max_size; only one of --min-x/--max-x means 0..1023', async () => {
    const r = await runCommand(CrushTest, ['-i', file, '--show-statistics', '--max-x', '5']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('rule 0 (replicated_rule), x = 0..1023, numrep = 1..10');
    expect(lines[1]).toBe('rule 0 (replicated_rule) num_rep 1 result size == 1:\t1024/1024');
    expect(lines).toContain('rule 0 (replicated_rule) num_rep 10 result size == 4:\t1024/1024');
  });

  it('--json returns the mappings and statistics as data', async () => {
    const r = await runCommand<CrushTestResult>(CrushTest, ['-i', file, '--num-rep', '3', '--min-x', '0', '--max-x', '1', '--json']);
    const json = JSON.parse(r.stdout) as CrushTestResult;
    expect(json.mappings).toEqual([
      { rule: 0, num_rep: 3, x: 0, result: [0, 9, 4] },
      { rule: 0, num_rep: 3, x: 1, result: [0, 8, 4] },
    ]);
    expect(json.statistics[0]).toMatchObject({ rule: 0, rule_name: 'replicated_rule', num_rep: 3, result_sizes: { '3': 2 }, num_x: 2 });
    expect(r.result).toEqual(json);
  });

  it('a missing file is an IO_ERROR', async () => {
    const r = await runCommand(CrushTest, ['-i', join(dir.dir, 'nope'), '--json']);
    expect(r.exitCode).not.toBe(0);
    expect(JSON.parse(r.stdout).error.code).toBe('IO_ERROR');
  });
});

describe('crush test helpers', () => {
  it('parses --weight pairs in both spellings', () => {
    expect([...parseWeightArgs(['3', '0.5', '4:0', '5=1'])]).toEqual([
      [3, 0.5],
      [4, 0],
      [5, 1],
    ]);
    expect(() => parseWeightArgs(['3'])).toThrow(/device id and a weight/);
  });

  it('truncates test weights like crushtool (C float, clamped)', () => {
    expect(testDeviceWeight(0.5)).toBe(0x8000);
    expect(testDeviceWeight(0.1)).toBe(6553);
    expect(testDeviceWeight(2)).toBe(0x10000);
    expect(testDeviceWeight(-1)).toBe(0);
  });

  it('formats floats as C++ ostream does', () => {
    expect(formatFloatG(Math.fround(8 / 7))).toBe('1.14286');
    expect(formatFloatG(Math.fround(4 / 7))).toBe('0.571429');
    expect(formatFloatG(0)).toBe('0');
    expect(formatFloatG(2.5)).toBe('2.5');
    expect(formatFloatG(1234567)).toBe('1.23457e+06');
    expect(formatFloatG(0.00001234)).toBe('1.234e-05');
    expect(formatFloatG(100000)).toBe('100000');
  });
});
