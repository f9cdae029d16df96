/**
 * Release-specific CRUSH text, JSON and compiler (src/lib/crush/release.ts) on the committed
 * Reef and Tentacle fixtures (test/fixtures/maps: `crushtool -d` / `--dump` of each release's
 * own tools), and the release a map proves by itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCrush, crushDumpText, decodeCrushMap, decompileCrushMap, dumpCrushMap, fixedPoint3, type CrushMap } from '../../../src/lib/crush/index.js';
import { fixedPoint5 } from '../../../src/lib/crush/decompile.js';
import { crushCommandRelease, crushReleaseFromMap, crushTextRules } from '../../../src/lib/crush/release.js';
import { crushTestText } from '../../../src/lib/crush/tester.js';
import { progressLine } from '../../../src/lib/cli/crush-views.js';
import { MonctlError } from '../../../src/lib/errors.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/maps/${name}`, import.meta.url));
const text = (name: string): string => fixture(name).toString('utf8');
const RELEASES = { reef: 18, tentacle: 20 } as const;

describe.each(Object.entries(RELEASES))('%s fixture', (name, release) => {
  const map: CrushMap = decodeCrushMap(fixture(`${name}-crushmap.bin`));

  it('decompile --release equals crushtool -d', () => {
    expect(decompileCrushMap(map, { release })).toBe(text(`${name}-crushmap.txt`));
  });

  it('dump --release equals crushtool --dump', () => {
    expect(`${crushDumpText(dumpCrushMap(map, { release }))}\n\n`).toBe(text(`${name}-crushmap.dump.json`));
  });

  it('compile --release of the decompiled text gives the map back, byte for byte', () => {
    const { bytes } = compileCrush(text(`${name}-crushmap.txt`), `${name}-crushmap.txt`, { release });
    expect(Buffer.from(bytes).equals(fixture(`${name}-crushmap.bin`))).toBe(true);
  });

  it("Pacific's compiler refuses the text (no min_size/max_size)", () => {
    expect(() => compileCrush(text(`${name}-crushmap.txt`), 'x.txt', { release: 16 })).toThrow(MonctlError);
  });

  it('Pacific text differs: three decimals and rule sizes', () => {
    const pacific = decompileCrushMap(map);
    expect(pacific).toMatch(/item osd\.1 weight 0\.800\n/);
    expect(pacific).toMatch(/\tmin_size 1\n\tmax_size 100\n/);
  });
});

describe('the release a map proves', () => {
  it('Tentacle map (msr rule, msr tunables encoded): Squid', () => {
    const m = decodeCrushMap(fixture('tentacle-crushmap.bin'));
    expect(crushReleaseFromMap(m)).toBe(19);
    expect(crushCommandRelease(m, undefined, 16)).toBe(19);
    expect(crushCommandRelease(m, 18)).toBe(18);
    // Squid's text and Tentacle's are the same.
    expect(decompileCrushMap(m, { release: 19 })).toBe(text('tentacle-crushmap.txt'));
  });

  it('Reef map: nothing (Pacific unless the store says otherwise)', () => {
    const m = decodeCrushMap(fixture('reef-crushmap.bin'));
    expect(crushReleaseFromMap(m)).toBeUndefined();
    expect(crushCommandRelease(m, undefined)).toBe(16);
    expect(crushCommandRelease(m, undefined, 18)).toBe(18);
  });

  it('gates', () => {
    expect(crushTextRules(16)).toMatchObject({ weightDecimals: 3, ruleSizes: true, msr: false });
    expect(crushTextRules(17)).toMatchObject({ weightDecimals: 5, ruleSizes: false, msr: false });
    expect(crushTextRules(19)).toMatchObject({ weightDecimals: 5, ruleSizes: false, msr: true });
  });
});

describe('compiler differences', () => {
  const reefText = text('reef-crushmap.txt');
  const withSizes = reefText.replace(/(\ttype (?:replicated|erasure)\n)/g, '$1\tmin_size 2\n\tmax_size 5\n');

  it("Quincy on: min_size/max_size are read, ignored and warned about on crushtool's terms", () => {
    const warnings: string[] = [];
    const { bytes } = compileCrush(withSizes, 'x.txt', { release: 18, warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([
      'WARNING: min_size is no longer supported, ignoring',
      'WARNING: max_size is no longer supported, ignoring',
      'WARNING: min_size is no longer supported, ignoring',
      'WARNING: max_size is no longer supported, ignoring',
    ]);
    expect(Buffer.from(bytes).equals(fixture('reef-crushmap.bin'))).toBe(true);
  });

  it('Pacific keeps them', () => {
    const { map } = compileCrush(withSizes, 'x.txt', { release: 16 });
    expect(map.rules[0]).toMatchObject({ minSize: 2, maxSize: 5 });
  });

  it('msr words are Squid only', () => {
    const msr = text('tentacle-crushmap.txt');
    expect(() => compileCrush(msr, 'x.txt', { release: 18 })).toThrow(/parse error/);
    expect(() => compileCrush('tunable msr_descents 5\n', 'x.txt', { release: 18 })).toThrow(/tunable msr_descents not recognized/);
    const { map } = compileCrush('tunable msr_descents 5\ntunable msr_collision_tries 7\n', 'x.txt', { release: 20 });
    expect(map.tunables).toMatchObject({ msrDescents: 5, msrCollisionTries: 7 });
    expect(decompileCrushMap(map, { release: 20 })).toMatch(/^tunable msr_descents 5\ntunable msr_collision_tries 7\n$/m);
    expect(dumpCrushMap(map, { release: 20 }).tunables).toMatchObject({ profile: 'unknown', minimum_required_version: 'squid', has_msr_rules: 0 });
    // Either one off its default writes both (seen with Tentacle's crushtool -d).
    const one = compileCrush('tunable msr_collision_tries 81\n', 'x.txt', { release: 20 }).map;
    expect(decompileCrushMap(one, { release: 20 })).toMatch(/^tunable msr_descents 100\ntunable msr_collision_tries 81\n$/m);
  });
});

describe('five-decimal weights (printf %.5f of a float, half to even)', () => {
  it('rounds as glibc does', () => {
    expect(fixedPoint5(52428)).toBe('0.79999');
    expect(fixedPoint5(0x10000)).toBe('1.00000');
    expect(fixedPoint5(1024)).toBe('0.01562'); // exactly 0.015625: the tie goes to even
    expect(fixedPoint5(3072)).toBe('0.04688'); // 0.046875 → 0.04688
    expect(fixedPoint5(-0x18000)).toBe('-1.50000');
    expect(fixedPoint3(52428)).toBe('0.800');
  });
});

describe('crush test of Quincy and later', () => {
  const m = decodeCrushMap(fixture('reef-crushmap.bin'));
  it('refuses to run without a replica count', () => {
    expect(() => crushTestText(m, { release: 18 })).toThrow('must specify --num-rep or both --min-rep and --max-rep');
    expect(crushTestText(m, { release: 18, minRep: 3, maxRep: 3, showStatistics: true })).toMatch(/^rule 0 \(replicated_rule\), x = 0\.\.1023, numrep = 3\.\.3\n/);
  });
});

describe('progress line', () => {
  it('rewrites one line at most every 200 ms and erases it at the end', () => {
    let out = '';
    let t = 1000;
    const p = progressLine({ write: (s: string) => (out += s) }, () => t);
    p.update({ rule: 1, numRep: 3, x: 99, minX: 0, maxX: 199 });
    t += 100;
    p.update({ rule: 1, numRep: 3, x: 149, minX: 0, maxX: 199 });
    t += 150;
    p.update({ rule: 1, numRep: 3, x: 199, minX: 0, maxX: 199 });
    p.clear();
    expect(out).toBe(
      '\r\x1b[Kcrush test: rule 1 num_rep 3: x 99 (50% of 0..199)' + '\r\x1b[Kcrush test: rule 1 num_rep 3: x 199 (100% of 0..199)' + '\r\x1b[K',
    );
  });
});

describe('dump text: choose_args in Ceph order', () => {
  it('puts the compat set (-1) before 0, as every crushtool does', () => {
    const base = text('reef-crushmap.txt').replace('# end crush map', '');
    const args = (key: string, w: string): string => `choose_args ${key} {\n  {\n    bucket_id -3\n    weight_set [\n      [ ${w} 1.0 ]\n    ]\n  }\n}\n`;
    const { map } = compileCrush(`${base}${args('0', '0.5')}${args('18446744073709551615', '0.25')}`, 'x.txt', { release: 18 });
    const dumped = crushDumpText(dumpCrushMap(map, { release: 18 }));
    expect(dumped.indexOf('"-1": [')).toBeGreaterThan(0);
    expect(dumped.indexOf('"-1": [')).toBeLessThan(dumped.indexOf('"0": ['));
    expect(JSON.parse(dumped)).toEqual(JSON.parse(JSON.stringify(dumpCrushMap(map, { release: 18 }))));
  });
});
