/**
 * The shrink-and-save path of the live differential tests, end to end against the real tools,
 * with a deliberately wrong implementation injected:
 *  - CRUSH: monctl's tester with every mapping that holds one chosen device corrupted, compared
 *    with crushtool on a random map (test/helpers/crush-gen.ts); the shrunk case is saved and
 *    must be one x, one rule, a smaller map, still failing for the wrong tester, and passing for
 *    the real one (crushtool's output for it equals monctl's);
 *  - placement: a dump with one PG line altered; the first differing PG is saved with
 *    osdmaptool's --test-map-pg output, which the real pipeline reproduces.
 * Saved to a temp dir; with MONCTL_SAVE_REGRESSIONS=1 into test/fixtures/regressions/ (how the
 * committed example cases were made).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crushTestLines, crushTestText, decodeCrushMap, type CrushMap, type CrushTestOptions } from '../../src/lib/crush/index.js';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { formatPgsDump, pgsDump } from '../../src/lib/osdmap/pg-stats.js';
import { makeTempDir, removeTempDirs, runTool, which } from '../helpers/ceph.js';
import { crushtoolLines, shrinkAndSaveCrush, type TesterLines } from '../helpers/crush-diff.js';
import { randomCrushText } from '../helpers/crush-gen.js';
import { applyEdits } from '../helpers/osdmap-edits.js';
import { firstPgMismatch, osdmaptoolStdout, savePgRegression } from '../helpers/placement-diff.js';
import { REGRESSIONS_DIR } from '../helpers/regressions.js';
import { crushtoolArgs, crushtoolOptions, firstDifference } from '../helpers/shrink.js';

const haveTools = ['crushtool', 'osdmaptool'].every((t) => which(t) !== undefined);
const SEEDS = [11, 12];

/** A tester that is wrong about `dev`: it prints 99 in its place in every mapping line. */
const wrongAbout =
  (dev: number): TesterLines =>
  (map: CrushMap, opts: CrushTestOptions) =>
    [...crushTestLines(map, opts)].map((l) => (l.startsWith('CRUSH rule') ? l.replace(new RegExp(`([[,])${dev}(?=[,\\]])`), '$199') : l));

const itemCount = (m: CrushMap): number => m.buckets.reduce((n, b) => n + (b?.items.length ?? 0), 0);

describe.skipIf(!haveTools)('shrinking failing cases against the real tools (injected bug)', () => {
  const dir = haveTools ? makeTempDir('monctl-shrink-live-') : '';
  const root = process.env.MONCTL_SAVE_REGRESSIONS === '1' ? REGRESSIONS_DIR : join(dir, 'regressions');
  afterAll(() => removeTempDirs());

  it.each(SEEDS)('CRUSH map seed %i', (seed) => {
    const gen = randomCrushText(seed);
    const src = join(dir, `${seed}.txt`);
    const bin = join(dir, `${seed}.bin`);
    writeFileSync(src, gen.text);
    execFileSync('crushtool', ['-c', src, '-o', bin]);
    const map = decodeCrushMap(new Uint8Array(readFileSync(bin)));
    const opts: CrushTestOptions = { minX: 0, maxX: 1023, minRep: 3, maxRep: 3, showMappings: true, showStatistics: true };
    // The most frequent device in the mappings: the wrong tester is then sure to differ.
    const theirs = crushtoolLines(bin, crushtoolArgs(opts));
    const freq = new Map<number, number>();
    for (const l of theirs) for (const d of /\[(.*)\]$/.exec(l)?.[1]?.split(',') ?? []) if (d !== '' && d !== '2147483647') freq.set(Number(d), (freq.get(Number(d)) ?? 0) + 1);
    const dev = [...freq].sort((a, b) => b[1] - a[1])[0]![0];
    const wrong = wrongAbout(dev);
    const first = firstDifference(theirs, wrong(map, opts));
    expect(first).toBeGreaterThanOrEqual(0);
    const saved = shrinkAndSaveCrush(`crush-injected-seed-${seed}`, { map, opts }, theirs[first], `shrink-live seed ${seed}: tester wrong about device ${dev}`, wrong, root);
    const c = saved.case;
    expect(c.opts.minX).toBe(c.opts.maxX);
    expect(c.opts.minRule).toBe(c.opts.maxRule);
    expect(c.opts.showStatistics).toBe(false);
    expect(itemCount(c.map)).toBeLessThanOrEqual(itemCount(map));
    // What was saved: crushtool's output on the saved binary and command, which the real tester
    // reproduces and the wrong one does not.
    const cmd = readFileSync(join(saved.dir, 'cmd.txt'), 'utf8').trim().split(/\s+/);
    const savedBin = join(saved.dir, 'crush.bin');
    expect(spawnSync('crushtool', ['-i', savedBin, ...cmd.slice(3)], { encoding: 'utf8' }).stdout).toBe(saved.expected);
    const savedMap = decodeCrushMap(new Uint8Array(readFileSync(savedBin)));
    expect(crushTestText(savedMap, crushtoolOptions(cmd.slice(3)))).toBe(saved.expected);
    expect(wrong(savedMap, crushtoolOptions(cmd.slice(3))).map((l) => `${l}\n`).join('')).not.toBe(saved.expected);
    expect(readFileSync(join(saved.dir, 'crush.txt'), 'utf8')).toContain('# begin crush map');
    expect(saved.expected.trim().split('\n')).toHaveLength(1);
  });

  it('placement: the first differing PG of a dump is saved with osdmaptool --test-map-pg', () => {
    const file = join(dir, 'simple.osdmap');
    runTool('osdmaptool', ['--createsimple', '8', '--with-default-pool', '--pg_bits', '2', '--clobber', file]);
    const crush = join(dir, 'crush8');
    runTool('crushtool', ['--outfn', crush, '--build', '--num_osds', '8', 'host', 'straw2', '2', 'root', 'straw2', '0']);
    runTool('osdmaptool', [file, '--import-crush', crush]);
    const e = { upIn: true, out: 1 };
    const theirs = osdmaptoolStdout([file, '--mark-up-in', '--mark-out', '1', '--test-map-pgs-dump']).split('\n');
    const ours = formatPgsDump(pgsDump(applyEdits(decodeOSDMap(readFileSync(file)), e))).split('\n');
    expect(ours).toEqual(theirs);
    // The injected bug: PG 1.5's acting set printed reversed.
    const broken = ours.map((l) => (l.startsWith('1.5\t') ? l.replace(/\[(.*)\]/, (_, v: string) => `[${v.split(',').reverse().join(',')}]`) : l));
    const pg = firstPgMismatch(theirs, broken);
    expect(pg).toBe('1.5');
    const saved = savePgRegression('placement-injected-1.5', file, e, pg!, 'shrink-live: acting set of 1.5 printed reversed', root);
    expect(saved.expected).toMatch(/^ parsed '1\.5' -> 1\.5\n1\.5 raw \(\[[\d,]+\], p\d+\) up \(\[[\d,]+\], p\d+\) acting \(\[[\d,]+\], p\d+\)\n$/);
    expect(readFileSync(join(saved.dir, 'cmd.txt'), 'utf8')).toBe('osdmaptool osdmap.bin --mark-up-in --mark-out 1 --test-map-pg 1.5\n');
  });
});
