/**
 * Shrinking a failing CRUSH differential case to a minimal one (the QuickCheck/Hypothesis way:
 * try smaller inputs, keep each that still fails). A case is a CRUSH map and the crushtool --test
 * options; `fails(case)` says whether the two implementations still disagree on it.
 *
 * Order: first the cheap, large cuts on the options (the first mismatching line names the rule and
 * the x: try that alone; else halve the x range, one rule, one replica count; drop the output
 * flags, weight overrides and --pool-id), then the map: drop every other rule, then remove bucket
 * items one at a time (straw2 and uniform buckets, whose other fields follow from the items).
 */
import { BUCKET_STRAW2, BUCKET_UNIFORM, type CrushMap } from '../../src/lib/crush/types.js';
import type { CrushTestOptions } from '../../src/lib/crush/tester.js';

export interface CrushCase {
  map: CrushMap;
  opts: CrushTestOptions;
}

export interface ShrinkResult {
  case: CrushCase;
  /** How many times `fails` was asked. */
  tries: number;
  /** What each kept step did, in order. */
  steps: string[];
}

/** The first line where two outputs differ, or −1. */
export function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Rule and x of a `CRUSH rule R x X …` or `bad mapping rule R x X …` line. */
export function mappingOf(line: string | undefined): { rule: number; x: number } | undefined {
  const m = /^(?:CRUSH|bad mapping) rule (\d+) x (-?\d+) /.exec(line ?? '');
  return m ? { rule: Number(m[1]), x: Number(m[2]) } : undefined;
}

const cloneMap = (m: CrushMap): CrushMap => structuredClone(m);

/** Without item j of bucket index bi (straw2/uniform only); choose_args entries follow. */
function withoutItem(map: CrushMap, bi: number, j: number): CrushMap | undefined {
  const m = cloneMap(map);
  const b = m.buckets[bi];
  if (b === null || b === undefined || b.items.length <= 1) return undefined;
  if (b.alg === BUCKET_STRAW2) {
    b.items.splice(j, 1);
    const [w] = b.itemWeights.splice(j, 1);
    b.weight = (b.weight - (w ?? 0)) >>> 0;
  } else if (b.alg === BUCKET_UNIFORM) {
    b.items.splice(j, 1);
    b.weight = (b.itemWeight * b.items.length) >>> 0;
  } else return undefined;
  for (const args of m.chooseArgs.values()) {
    for (const a of args) {
      if (a.bucketIndex !== bi) continue;
      for (const ws of a.weightSet) ws.splice(j, 1);
      if (a.ids.length > j) a.ids.splice(j, 1);
    }
  }
  return m;
}

export function shrinkCrushCase(start: CrushCase, fails: (c: CrushCase) => boolean, firstBadLine?: string, maxTries = 2000): ShrinkResult {
  let cur: CrushCase = { map: start.map, opts: { ...start.opts } };
  let tries = 0;
  const steps: string[] = [];
  const attempt = (c: CrushCase | undefined, what: string): boolean => {
    if (c === undefined || tries >= maxTries) return false;
    tries++;
    if (!fails(c)) return false;
    cur = c;
    steps.push(what);
    return true;
  };
  const withOpts = (o: Partial<CrushTestOptions>): CrushCase => ({ map: cur.map, opts: { ...cur.opts, ...o } });

  // 1. The first mismatching mapping alone.
  const named = mappingOf(firstBadLine);
  if (named !== undefined) attempt(withOpts({ minRule: named.rule, maxRule: named.rule, minX: named.x, maxX: named.x }), `rule ${named.rule}, x ${named.x}`);
  // 2. Halve the x range while one half still fails.
  for (;;) {
    const lo = cur.opts.minX ?? 0;
    const hi = cur.opts.maxX ?? 1023;
    if (lo >= hi) break;
    const mid = Math.floor((lo + hi) / 2);
    if (!attempt(withOpts({ minX: lo, maxX: mid }), `x ${lo}..${mid}`) && !attempt(withOpts({ minX: mid + 1, maxX: hi }), `x ${mid + 1}..${hi}`)) break;
  }
  // 3–5 again while any step still shrinks: a smaller map can make an option unnecessary.
  for (let before = -1; before !== steps.length && tries < maxTries; ) {
    before = steps.length;
    // 3. One rule, one replica count.
    if (cur.opts.minRule === undefined || cur.opts.minRule !== cur.opts.maxRule) {
      for (let r = 0; r < cur.map.rules.length; r++) if (cur.map.rules[r] && attempt(withOpts({ minRule: r, maxRule: r }), `rule ${r}`)) break;
    }
    if (cur.opts.minRep !== undefined && cur.opts.minRep !== cur.opts.maxRep) {
      for (let n = cur.opts.minRep; n <= (cur.opts.maxRep ?? n); n++) if (attempt(withOpts({ minRep: n, maxRep: n }), `num-rep ${n}`)) break;
    }
    // 4. Output flags, weight overrides, pool id.
    for (const flag of ['showStatistics', 'showUtilization', 'showUtilizationAll', 'showBadMappings'] as const) {
      if (cur.opts[flag]) attempt(withOpts({ [flag]: false }), `no ${flag}`);
    }
    for (const dev of [...(cur.opts.weights ?? new Map()).keys()]) {
      const w = new Map(cur.opts.weights);
      w.delete(dev);
      attempt(withOpts({ weights: w }), `no --weight ${dev}`);
    }
    if (cur.opts.poolId !== undefined && cur.opts.poolId !== -1) attempt(withOpts({ poolId: undefined }), 'no --pool-id');
    // 5. The map: other rules, then bucket items (from the last, so indices stay valid).
    const keep = cur.opts.minRule === cur.opts.maxRule ? cur.opts.minRule : undefined;
    if (keep !== undefined && cur.map.rules.some((r, i) => r !== null && i !== keep)) {
      const m = cloneMap(cur.map);
      m.rules = m.rules.map((r, i) => (i === keep ? r : null));
      m.ruleNameMap = new Map([...m.ruleNameMap].filter(([i]) => i === keep));
      attempt({ map: m, opts: cur.opts }, `only rule ${keep}`);
    }
    let progress = true;
    while (progress && tries < maxTries) {
      progress = false;
      for (let bi = 0; bi < cur.map.buckets.length; bi++) {
        const b = cur.map.buckets[bi];
        if (b === null || b === undefined) continue;
        for (let j = b.items.length - 1; j >= 0; j--) {
          const item = cur.map.buckets[bi]!.items[j];
          const smaller = withoutItem(cur.map, bi, j);
          if (attempt(smaller && { map: smaller, opts: cur.opts }, `bucket ${b.id} without item ${item}`)) progress = true;
        }
      }
    }
  }
  return { case: cur, tries, steps };
}

/** crushtool's arguments for a case's options (the inverse of `crushtoolOptions`). */
export function crushtoolArgs(o: CrushTestOptions): string[] {
  const a = ['--test'];
  if (o.showMappings) a.push('--show-mappings');
  if (o.showBadMappings) a.push('--show-bad-mappings');
  if (o.showStatistics) a.push('--show-statistics');
  if (o.showUtilization) a.push('--show-utilization');
  if (o.showUtilizationAll) a.push('--show-utilization-all');
  if (o.minRule !== undefined && o.minRule === o.maxRule) a.push('--rule', String(o.minRule));
  if (o.minX !== undefined) a.push('--min-x', String(o.minX));
  if (o.maxX !== undefined) a.push('--max-x', String(o.maxX));
  if (o.minRep !== undefined && o.minRep === o.maxRep) a.push('--num-rep', String(o.minRep));
  for (const [d, w] of o.weights ?? []) a.push('--weight', String(d), String(w));
  if (o.poolId !== undefined && o.poolId !== -1) a.push('--pool-id', String(o.poolId));
  return a;
}

/** The options of a crushtool --test argument list (the flags crushtoolArgs writes). */
export function crushtoolOptions(args: readonly string[]): CrushTestOptions {
  const o: CrushTestOptions = {};
  const flags: Record<string, keyof CrushTestOptions> = {
    '--show-mappings': 'showMappings',
    '--show-bad-mappings': 'showBadMappings',
    '--show-statistics': 'showStatistics',
    '--show-utilization': 'showUtilization',
    '--show-utilization-all': 'showUtilizationAll',
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): number => Number(args[++i]);
    if (a === '--test') continue;
    else if (flags[a] !== undefined) (o as Record<string, unknown>)[flags[a]] = true;
    else if (a === '--rule') o.minRule = o.maxRule = next();
    else if (a === '--min-x') o.minX = next();
    else if (a === '--max-x') o.maxX = next();
    else if (a === '--num-rep') o.minRep = o.maxRep = next();
    else if (a === '--pool-id') o.poolId = next();
    else if (a === '--weight') {
      const w = new Map(o.weights);
      const d = next();
      w.set(d, next());
      o.weights = w;
    } else throw new Error(`crushtoolOptions: unknown argument ${a}`);
  }
  return o;
}
