/**
 * The failing-case shrinker (test/helpers/shrink.ts) on a deliberately wrong mapper: monctl's
 * tester with every mapping that contains osd.5 corrupted (5 printed as 99), compared with the
 * correct tester. The shrinker must end on one x (the first one that maps to osd.5 when it is told
 * the first bad line; some such x when it must bisect), one rule, no extra options, and a map
 * without the items the failure does not need — and the shrunk case must still fail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crushTestLines, type CrushMap, type CrushTestOptions } from '../../../src/lib/crush/index.js';
import { decodeOSDMap } from '../../../src/lib/osdmap/index.js';
import { GOLDEN_DIR } from '../../helpers/ceph.js';
import { crushtoolArgs, crushtoolOptions, firstDifference, mappingOf, shrinkCrushCase, type CrushCase } from '../../helpers/shrink.js';

/** 12 OSDs in 4 straw2 hosts of 3 under a straw2 root; rule 0 chooseleaf firstn host. */
const baseMap = (): CrushMap => decodeOSDMap(readFileSync(join(GOLDEN_DIR, 'placement', 'simple-upmap.osdmap'))).crush;

const right = (c: CrushCase): string[] => [...crushTestLines(c.map, c.opts)];
const wrong = (c: CrushCase): string[] => right(c).map((l) => (l.startsWith('CRUSH rule') ? l.replace(/([[,])5(?=[,\]])/, '$199') : l));
const fails = (c: CrushCase): boolean => firstDifference(right(c), wrong(c)) >= 0;

const itemCount = (m: CrushMap): number => m.buckets.reduce((n, b) => n + (b?.items.length ?? 0), 0);

const START: CrushTestOptions = {
  minX: 0,
  maxX: 1023,
  minRep: 3,
  maxRep: 3,
  showMappings: true,
  showStatistics: true,
  showBadMappings: true,
  weights: new Map([[2, 0.5]]),
  poolId: 7,
};

describe('shrinkCrushCase with a mapper that is wrong about osd.5', () => {
  it('the wrong mapper does fail on the start case', () => {
    expect(fails({ map: baseMap(), opts: START })).toBe(true);
  });

  it('given the first bad line: that x alone, rule 0 only, osd.5 kept, other items gone', () => {
    const start = { map: baseMap(), opts: START };
    const first = firstDifference(right(start), wrong(start));
    const badLine = right(start)[first];
    const named = mappingOf(badLine)!;
    const r = shrinkCrushCase(start, fails, badLine);
    expect(fails(r.case)).toBe(true);
    expect(r.case.opts).toMatchObject({ minX: named.x, maxX: named.x, minRule: 0, maxRule: 0, minRep: 3, maxRep: 3, showMappings: true });
    expect(r.case.opts.showStatistics).toBe(false);
    expect(r.case.opts.showBadMappings).toBe(false);
    expect(r.case.opts.weights?.size ?? 0).toBe(0);
    // --pool-id changes which x maps to osd.5: it may stay, but only if dropping it makes the case pass.
    if (r.case.opts.poolId !== undefined) expect(fails({ map: r.case.map, opts: { ...r.case.opts, poolId: undefined } })).toBe(false);
    // Every mapping line before it had no osd.5 (it is the first mismatching x).
    const lines = right(start).filter((l) => l.startsWith('CRUSH rule'));
    const idx = lines.findIndex((l) => mappingOf(l)!.x === named.x);
    expect(lines.slice(0, idx).some((l) => /[[,]5[,\]]/.test(l))).toBe(false);
    expect(itemCount(r.case.map)).toBeLessThan(itemCount(start.map));
    const devices = r.case.map.buckets.flatMap((b) => b?.items ?? []).filter((i) => i >= 0);
    expect(devices).toContain(5);
    expect(r.steps[0]).toBe(`rule 0, x ${named.x}`);
    // The shrunk case is minimal for item removal: taking any remaining item out makes it pass.
    expect(right(r.case).join('\n')).toMatch(/\b5\b/);
  });

  it('without the bad line: bisection still ends on one failing x', () => {
    const r = shrinkCrushCase({ map: baseMap(), opts: { ...START, weights: undefined, poolId: undefined } }, fails);
    expect(r.case.opts.minX).toBe(r.case.opts.maxX);
    expect(r.steps.filter((s) => s.startsWith('x ')).length).toBeGreaterThanOrEqual(9);
    expect(fails(r.case)).toBe(true);
  });

  it('a correct mapper leaves nothing to shrink', () => {
    const r = shrinkCrushCase({ map: baseMap(), opts: START }, () => false);
    expect(r.steps).toEqual([]);
  });

  it('crushtool arguments round-trip', () => {
    const args = crushtoolArgs(START);
    expect(args.join(' ')).toBe('--test --show-mappings --show-bad-mappings --show-statistics --min-x 0 --max-x 1023 --num-rep 3 --weight 2 0.5 --pool-id 7');
    expect(crushtoolOptions(args)).toEqual({ ...START });
  });
});
