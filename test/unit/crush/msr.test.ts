/**
 * Squid's msr rules (mapper-msr.ts) against Tentacle's crushtool: golden/msr-mappings.txt holds
 * `crushtool --test --show-mappings` of 10 cases (made by golden/make-msr-golden.sh), on the
 * Tentacle fixture map's msrpool rule and on golden/msr-rules.txt (msr_firstn with rule-level
 * msr steps, msr_indep with two emit blocks, non-default msr tunables, every bucket algorithm).
 * Also: malformed msr rules map to nothing (crush_msr_scan_rule refuses them), msr steps in a
 * classic rule are ignored, and a bucket cycle stops with an error instead of looping.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWeightArgs } from '../../../src/commands/crush/test.js';
import {
  compileCrushText,
  createCrushContext,
  crushTestText,
  decodeCrushMap,
  doRule,
  RuleOp,
  type CrushMap,
} from '../../../src/lib/crush/index.js';
import { crushTestChunks } from '../../../src/lib/crush/tester.js';
import { MonctlError } from '../../../src/lib/errors.js';

const golden = (name: string): string => readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8');
const fixtureMap = (name: string): CrushMap => decodeCrushMap(readFileSync(new URL(`../../fixtures/maps/${name}`, import.meta.url)));

const maps: Record<string, CrushMap> = {
  'tentacle-crushmap.bin': fixtureMap('tentacle-crushmap.bin'),
  'msr-rules.bin': compileCrushText(golden('msr-rules.txt'), 'msr-rules.txt', { release: 20 }),
};

/** The golden file's cases: `# MAP ARGS` then crushtool's lines. */
function cases(): { map: string; args: string[]; expected: string }[] {
  const out: { map: string; args: string[]; expected: string }[] = [];
  for (const block of golden('msr-mappings.txt').split(/^# /m).slice(1)) {
    const nl = block.indexOf('\n');
    const [map, ...args] = block.slice(0, nl).split(' ');
    out.push({ map: map!, args, expected: block.slice(nl + 1) });
  }
  return out;
}

function flag(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : Number(args[i + 1]);
}

describe('msr rules vs Tentacle crushtool --test (golden)', () => {
  const all = cases();
  it('has the cases', () => expect(all.length).toBe(10));
  for (const c of all) {
    it(`${c.map} ${c.args.join(' ')}`, () => {
      const weights: string[] = [];
      c.args.forEach((a, i) => {
        if (a === '--weight') weights.push(c.args[i + 1]!, c.args[i + 2]!);
      });
      const rule = flag(c.args, '--rule');
      const rep = flag(c.args, '--num-rep');
      const text = crushTestText(maps[c.map]!, {
        minRule: rule,
        maxRule: rule,
        minRep: rep,
        maxRep: rep,
        minX: 0,
        maxX: 255,
        poolId: flag(c.args, '--pool-id'),
        weights: parseWeightArgs(weights),
        showMappings: true,
        release: 20,
      });
      expect(text).toBe(c.expected);
    });
  }
});

describe('msr rule structure (crush_msr_scan_rule, crush_do_rule dispatch)', () => {
  const base = maps['msr-rules.bin']!;
  const withRule = (type: number, steps: [number, number, number][]): CrushMap => {
    const m: CrushMap = { ...base, rules: [{ ruleset: 0, type, minSize: 1, maxSize: 100, steps: steps.map(([op, arg1, arg2]) => ({ op, arg1, arg2 })) }] };
    return m;
  };
  const w = new Uint32Array(9).fill(0x10000);
  const map1 = (m: CrushMap, n: number): number[] => doRule(createCrushContext(m, { chooseArgsIndex: 0n }), 0, 1, n, w);

  it('a malformed msr rule maps to nothing (indep: all holes), whatever came before', () => {
    // A classic choose step inside an msr block.
    expect(map1(withRule(5, [[RuleOp.TAKE, -1, 0], [RuleOp.CHOOSE_FIRSTN, 2, 0], [RuleOp.EMIT, 0, 0]]), 3)).toEqual([]);
    // No emit.
    expect(map1(withRule(4, [[RuleOp.TAKE, -1, 0], [RuleOp.CHOOSE_MSR, 2, 0]]), 3)).toEqual([]);
    // A leaf step that is not the last: nothing maps, but msr_indep still returns result_max slots.
    expect(map1(withRule(5, [[RuleOp.TAKE, -1, 0], [RuleOp.CHOOSE_MSR, 2, 0], [RuleOp.CHOOSE_MSR, 1, 0], [RuleOp.EMIT, 0, 0]]), 3)).toEqual([
      0x7fffffff, 0x7fffffff, 0x7fffffff,
    ]);
  });

  it('msr steps in a classic rule are ignored (crush_do_rule_no_retry skips unknown ops)', () => {
    expect(map1(withRule(1, [[RuleOp.TAKE, -1, 0], [RuleOp.CHOOSE_MSR, 2, 0], [RuleOp.EMIT, 0, 0]]), 3)).toEqual([-1]);
  });

  it('msr_firstn packs what it found; msr_indep keeps positions', () => {
    const steps: [number, number, number][] = [[RuleOp.TAKE, -6, 0], [RuleOp.CHOOSE_MSR, 0, 0], [RuleOp.EMIT, 0, 0]];
    // r1 holds 5 osds: asking for 7 gives 5 packed (firstn) or 5 and two holes (indep).
    expect(map1(withRule(4, steps), 7)).toHaveLength(5);
    const indep = map1(withRule(5, steps), 7);
    expect(indep).toHaveLength(7);
    expect(indep.filter((i) => i === 0x7fffffff)).toHaveLength(2);
  });
});

describe('a CRUSH loop (bucket cycle)', () => {
  it('stops with DECODE_INVALID after the lines of the inputs before it', () => {
    const m = compileCrushText(golden('msr-rules.txt'), 'msr-rules.txt', { release: 20 });
    // r2 (tree) gains the root: descending default → r2 → default … never ends in Ceph.
    const h4 = m.buckets[4]!; // host h4 (straw), id -5
    expect(h4.id).toBe(-5);
    if (h4.alg !== 4) throw new Error('h4 is straw');
    h4.items.push(-1);
    h4.itemWeights.push(0x800);
    h4.straws.push(0x800);
    const lines: string[] = [];
    let err: unknown;
    try {
      for (const chunk of crushTestChunks(m, { minRule: 2, maxRule: 2, minRep: 6, maxRep: 6, minX: 0, maxX: 100_000, showMappings: true, release: 20 })) {
        lines.push(...chunk.split('\n').filter((l) => l !== ''));
      }
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MonctlError);
    expect((err as MonctlError).code).toBe('DECODE_INVALID');
    expect((err as MonctlError).message).toMatch(/CRUSH loop/);
    const x = Number(/ x (\d+): CRUSH loop/.exec((err as MonctlError).message)![1]);
    expect(lines).toHaveLength(x);
    lines.forEach((l, i) => expect(l.startsWith(`CRUSH rule 2 x ${i} [`)).toBe(true));
  });
});
