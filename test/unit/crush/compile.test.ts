/**
 * `crush compile` against committed golden pairs made by Ceph 16.2's `crushtool -c` (see
 * test/fixtures/crush-compile/make-golden.sh): hand-written texts covering every bucket
 * algorithm, auto ids, straw versions, classes and choose_args; the fixture stores' maps as
 * `crush decompile` writes them; and texts crushtool refuses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addBucketItem, BuildFailure, calcStraws, emptyBucket, makeBucket } from '../../../src/lib/crush/builder.js';
import { intNode, strtof, weight16 } from '../../../src/lib/crush/compile-numbers.js';
import { BUCKET_LIST, BUCKET_TREE, BUCKET_UNIFORM, compileCrush, compileCrushText, decodeCrushMap, decompileCrushMap, encodeCrushMap } from '../../../src/lib/crush/index.js';
import { mulberry32 } from '../../../src/lib/random.js';
import { MonctlError } from '../../../src/lib/errors.js';
import { repoRoot } from '../../helpers/corpus.js';

const dir = join(repoRoot, 'test/fixtures/crush-compile');
const texts = (sub: string): string[] => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.txt')).sort();
const read = (sub: string, f: string): string => readFileSync(join(dir, sub, f), 'utf8');
const golden = (sub: string, f: string): Buffer => readFileSync(join(dir, sub, f.replace(/\.txt$/, '.bin')));

describe('crush compile equals crushtool -c', () => {
  for (const sub of ['cases', 'stores']) {
    for (const f of texts(sub)) {
      it(`${sub}/${f}`, () => {
        const bytes = encodeCrushMap(compileCrushText(read(sub, f), f));
        expect(Buffer.from(bytes).equals(golden(sub, f))).toBe(true);
      });
    }
  }

  it('covers the fixture stores and at least ten hand-written texts', () => {
    expect(texts('stores')).toEqual(['leveldb.txt', 'rocksdb.txt']);
    expect(texts('cases').length).toBeGreaterThanOrEqual(10);
  });

  it('recompiles the fixture stores: decompile ∘ compile gives the golden bytes back', () => {
    for (const f of texts('stores')) {
      const bin = golden('stores', f);
      const again = encodeCrushMap(compileCrushText(decompileCrushMap(decodeCrushMap(new Uint8Array(bin)))));
      expect(Buffer.from(again).equals(bin), f).toBe(true);
    }
  });

  it('starts from the legacy tunables: an empty text is an empty argonaut map', () => {
    const { map, stats } = compileCrush('');
    expect(map.tunables).toMatchObject({ chooseLocalTries: 2, chooseLocalFallbackTries: 5, chooseTotalTries: 19, strawCalcVersion: 0, allowedBucketAlgs: 22 });
    expect(stats).toEqual({ devices: 0, buckets: 0, shadow_buckets: 0, rules: 0, classes: 0, choose_args: 0, bytes: golden('cases', 'empty.txt').length });
  });

  it('builds the shadow trees before the first rule, reusing the ids the text gives', () => {
    const { map, stats } = compileCrush(read('cases', 'classes.txt'));
    // Two roots (default over h0 and h1, other) × three classes (ssd, hdd, nvme).
    expect(stats.shadow_buckets).toBe(12);
    expect(map.classBucket.get(-1)?.get(0)).toBe(-10);
    expect(map.nameMap.get(-10)).toBe('default~ssd');
    expect(map.rules[0]!.steps[0]!.arg1).toBe(-10);
  });
});

/** Where each refused text fails (line) and what ours says; crushtool's first line is in .err. */
const ERRORS: Record<string, [number, string]> = {
  'bad-weight.txt': [7, "parse error at 'x'"],
  'bucket-after-rule.txt': [6, 'buckets must be defined before rules'],
  'choose-args-duplicated.txt': [9, 'choose_args -1 duplicated'],
  'device-weight-limit.txt': [4, 'device weight limited to 100'],
  'duplicate-bucket-id.txt': [5, 'Duplicate bucket id -1'],
  'duplicate-rule-name.txt': [6, "rule name 'r' already defined"],
  'mutual-buckets.txt': [4, "bucket 'a' and bucket 'b' contain each other"],
  'reorder-swaps-wrong.txt': [23, "item 'h3' in bucket 'row2' is not defined"],
  'rule-id-wraps.txt': [8, "unable to add rule id -1 for rule 's'"],
  'rule-without-sizes.txt': [5, "(expected 'min_size')"],
  'shadow-id-clash.txt': [10, 'step take default no matching bucket for class hdd'],
  'take-missing-class.txt': [5, "device class 'ssd' does not exist"],
  'undefined-item.txt': [4, "item 'osd.7' in bucket 'default' is not defined"],
  'undefined-type.txt': [5, "type 'host' not defined"],
  'uniform-zero-weight.txt': [4, "cannot build bucket 'default': 1 uniform items of weight 0: a zero or overflowing weight (crushtool aborts)"],
  'unknown-alg.txt': [4, "unknown bucket alg 'foo'"],
  'unknown-tunable.txt': [4, 'tunable frobnicate not recognized'],
  'weight-set-size.txt': [6, '-1 needs exactly 1 weights but got 2'],
};

describe('crush compile refuses what crushtool refuses', () => {
  it('has an expectation for every refused text', () => {
    expect(texts('errors')).toEqual(Object.keys(ERRORS).sort());
  });
  for (const f of texts('errors')) {
    it(`errors/${f}`, () => {
      expect(existsSync(join(dir, 'errors', f.replace(/\.txt$/, '.err'))), 'crushtool refused it too').toBe(true);
      const [line, message] = ERRORS[f]!;
      let err: unknown;
      try {
        compileCrushText(read('errors', f), f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).code).toBe('BAD_ARGUMENT');
      expect((err as MonctlError).message).toMatch(new RegExp(`^${f.replace('.', '\\.')}:${line}:\\d+: `));
      expect((err as MonctlError).message).toContain(message);
    });
  }

  it('names the column of the offending token', () => {
    expect(() => compileCrushText('device 0 osd.0\ntype 0 osd\ntype 1 root\nroot r {\n  id -1\n  alg straw2\n  item osd.0 weight 1.0 pos x\n}\n', 'm.txt')).toThrow(
      /^m\.txt:7:29: parse error at 'x' \(expected a number\)$/,
    );
    expect(() => compileCrushText('tunable x 1\n  = here\n', 'm.txt')).toThrow(/^m\.txt:2:3: parse error at '= here'/);
    expect(() => compileCrushText('tunable x 1\nhost h0\n', 'm.txt')).toThrow(/^m\.txt:3:1: parse error at '' \(expected '\{'\)$/);
  });
});

describe('C number conversions', () => {
  it('intNode is (int)strtol: saturates at the long range, then keeps the low 32 bits', () => {
    expect(intNode('42')).toBe(42);
    expect(intNode('-7')).toBe(-7);
    expect(intNode('4294967295')).toBe(-1);
    expect(intNode('18446744073709551615')).toBe(-1); // LONG_MAX → 0xffffffff
    expect(intNode('-99999999999999999999')).toBe(0); // LONG_MIN → 0
    expect(intNode('4294967296')).toBe(0);
  });

  it('strtof rounds the decimal once, to the nearest float', () => {
    expect(strtof('0.1')).toBe(Math.fround(0.1));
    expect(strtof('.5')).toBe(0.5);
    expect(strtof('5.')).toBe(5);
    expect(strtof('+2e-1')).toBe(Math.fround(0.2));
    // 1 + 2^-24 + 2^-60: a double rounds it to the float midpoint 1 + 2^-24, then fround would
    // round to even (1); the exact value is above the midpoint, so strtof gives 1 + 2^-23.
    expect(strtof('1.00000005960464477539930798')).toBe(1 + 2 ** -23);
    expect(strtof('1.000000059604644775390626')).toBe(1 + 2 ** -23);
    expect(strtof('1.00000005960464477539')).toBe(1);
    expect(strtof('1.000000059604644775390625')).toBe(1); // the exact tie goes to even
    expect(strtof('1.000000178813934326171875')).toBe(1 + 2 ** -22); // a tie to even, upwards
  });

  it('weights are float(x) * 0x10000 truncated into a u32', () => {
    expect(weight16('1')).toBe(0x10000);
    expect(weight16('0.001')).toBe(65);
    expect(weight16('3.7')).toBe(242483);
    expect(weight16('-1')).toBe(0xffff0000);
    expect(weight16('1e40')).toBe(0);
  });
});

describe('straw lengths', () => {
  it('straw_calc_version 0 and 1 differ only once weights repeat', () => {
    const distinct = [0x10000, 0x20000, 0x30000];
    expect(calcStraws(distinct, 0)).toEqual(calcStraws(distinct, 1));
    const repeated = [0x10000, 0x10000, 0x20000];
    expect(calcStraws(repeated, 0)).not.toEqual(calcStraws(repeated, 1));
  });

  it('zero weights get zero straws and the smallest weight gets 1.0', () => {
    const s = calcStraws([0, 0x8000, 0x10000], 1);
    expect(s[0]).toBe(0);
    expect(s[1]).toBe(0x10000);
    expect(s[2]).toBeGreaterThan(0x10000);
  });
});

describe('class clones grow buckets one item at a time', () => {
  it('a tree grown item by item has the node weights of one built at once (fresh slots as 0)', () => {
    const rng = mulberry32(7);
    for (let n = 1; n <= 40; n++) {
      const weights = Array.from({ length: n }, () => rng.int(0, 5) * 0x8000);
      const items = weights.map((_, i) => i);
      const grown = emptyBucket(BUCKET_TREE, 0, 1, 1);
      items.forEach((item, i) => addBucketItem(grown, item, weights[i]!, 1));
      expect(grown).toEqual(makeBucket({ alg: BUCKET_TREE, hash: 0, type: 1, id: 0 }, items, weights, 1));
    }
  });

  it('a list keeps running sums; a uniform copy refuses any weight but its own (0)', () => {
    const list = emptyBucket(BUCKET_LIST, 0, 1, 0);
    addBucketItem(list, 3, 0x10000, 0);
    addBucketItem(list, 4, 0x20000, 0);
    expect(list).toMatchObject({ items: [3, 4], weight: 0x30000, itemWeights: [0x10000, 0x20000], sumWeights: [0x10000, 0x30000] });
    const uniform = emptyBucket(BUCKET_UNIFORM, 0, 1, 0);
    addBucketItem(uniform, 1, 0, 0);
    expect(() => addBucketItem(uniform, 2, 0x10000, 0)).toThrow(BuildFailure);
  });
});
