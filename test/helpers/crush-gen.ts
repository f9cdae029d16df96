/**
 * Seeded random CRUSH maps as crushtool's text grammar, for differential tests against
 * `crushtool -c` / `crushtool --test`. One seed gives one map; every random choice comes from
 * it (mulberry32), so a failing seed replays exactly.
 *
 * Covered: every bucket algorithm at every level (uniform above the leaves with explicit equal
 * item weights), 1–4 bucket levels, zero and uneven weights, the tunable profiles argonaut …
 * jewel plus random vary_r 0–3, stable, straw_calc_version and local tries, device classes,
 * choose_args (key 0, other keys and the compat set, 1–3 positions, id overrides), and rules
 * mixing firstn/indep, choose/chooseleaf, several take/emit blocks, a device take, numrep ≤ 0
 * and every `set_*` step.
 *
 * Every rule ends on devices: crushtool --test counts results per device id, and a bucket id in
 * a result makes 16.2's CrushTester index its counters with a negative number and crash.
 *
 * With `release` (default 16) the text is that release's: from Quincy (17) rules mostly lack
 * min_size/max_size (sometimes keep them, which crushtool warns about); from Squid (19) the map
 * may set the msr tunables and has 1–3 msr rules (msr_firstn/msr_indep, `choosemsr` chains
 * down the bucket levels to devices, `set_msr_*` steps, one or two emit blocks). The msr rules
 * stay inside what Tentacle's crush_msr_do_rule can run (it asserts or reads out of bounds on
 * a device `take`, a choose count ≤ −1, an empty block, or a step type met by a device).
 */
import type { CrushTestOptions } from '../../src/lib/crush/index.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';

const PROFILES: Record<string, [string, number][]> = {
  argonaut: [],
  bobtail: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1]],
  firefly: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1], ['chooseleaf_vary_r', 1]],
  hammer: [['choose_local_tries', 0], ['choose_local_fallback_tries', 0], ['choose_total_tries', 50], ['chooseleaf_descend_once', 1], ['chooseleaf_vary_r', 1], ['allowed_bucket_algs', 54]],
  jewel: [
    ['choose_local_tries', 0],
    ['choose_local_fallback_tries', 0],
    ['choose_total_tries', 50],
    ['chooseleaf_descend_once', 1],
    ['chooseleaf_vary_r', 1],
    ['chooseleaf_stable', 1],
    ['allowed_bucket_algs', 54],
  ],
};

export const ALGS = ['uniform', 'list', 'tree', 'straw', 'straw2'] as const;

export interface GeneratedMap {
  text: string;
  /** Device ids present in the map. */
  devices: number[];
  /** A short description for test names. */
  summary: string;
}

function tunables(rng: Prng): { text: string; profile: string } {
  const profile = rng.pick(Object.keys(PROFILES));
  const lines = new Map<string, number>(PROFILES[profile]!);
  if (rng.chance(0.5)) lines.set('straw_calc_version', rng.int(0, 1));
  if (rng.chance(0.3)) lines.set('chooseleaf_vary_r', rng.int(0, 3));
  if (rng.chance(0.2)) lines.set('chooseleaf_stable', rng.int(0, 1));
  if (rng.chance(0.2)) lines.set('choose_local_tries', rng.int(0, 3));
  if (rng.chance(0.2)) lines.set('choose_local_fallback_tries', rng.int(0, 6));
  if (rng.chance(0.2)) lines.set('choose_total_tries', rng.int(1, 60));
  if (rng.chance(0.15)) lines.set('chooseleaf_descend_once', rng.int(0, 1));
  return { text: [...lines].map(([k, v]) => `tunable ${k} ${v}\n`).join(''), profile };
}

/** A weight as crushtool text: sometimes 0, sometimes a tiny or awkward fraction. */
function weight(rng: Prng, zeroChance: number): string {
  if (rng.chance(zeroChance)) return '0.000';
  if (rng.chance(0.1)) return rng.pick(['0.100', '0.010', '1.234', '3.700', '0.001']);
  return (rng.int(1, 5000) / 1000).toFixed(3);
}

interface BucketInfo {
  name: string;
  id: number;
  size: number;
  level: number;
}

export interface GenOptions {
  /** The release whose grammar to write (16 Pacific … 20 Tentacle). */
  release?: number;
}

export function randomCrushText(seed: number, opts: GenOptions = {}): GeneratedMap {
  const release = opts.release ?? 16;
  const rng = mulberry32(seed);
  const tun = tunables(rng);
  // Drawn only for Squid+ so that older releases' maps stay those of the same seed before.
  const msrTunables = release >= 19 && rng.chance(0.5) ? `tunable msr_descents ${rng.int(1, 100)}\ntunable msr_collision_tries ${rng.int(1, 100)}\n` : '';
  const out: string[] = ['# begin crush map\n', tun.text, msrTunables, '\n# devices\n'];
  const classes = ['ssd', 'hdd', 'nvme'].slice(0, rng.int(0, 3));
  const usedClasses = new Set<string>();
  const zeroChance = rng.pick([0, 0.1, 0.3]);
  const devices: number[] = [];
  let id = 0;
  const ndev = rng.int(1, 40);
  for (let i = 0; i < ndev; i++) {
    if (rng.chance(0.1)) id++; // a gap in device ids
    const cls = classes.length > 0 && rng.chance(0.8) ? rng.pick(classes) : undefined;
    if (cls !== undefined) usedClasses.add(cls);
    out.push(`device ${id} osd.${id}${cls === undefined ? '' : ` class ${cls}`}\n`);
    devices.push(id);
    id++;
  }
  const depth = rng.int(1, 4);
  const typeNames = ['host', 'rack', 'row', 'root'].slice(4 - depth);
  const typeIds = new Map<string, number>();
  out.push('\n# types\ntype 0 osd\n');
  typeNames.forEach((t, i) => {
    typeIds.set(t, i + 1 + (i > 0 && rng.chance(0.2) ? 5 : 0));
    out.push(`type ${typeIds.get(t)} ${t}\n`);
  });
  out.push('\n# buckets\n');

  // Bucket algorithm mix: one for the whole map, or per bucket.
  const mapAlg = rng.chance(0.4) ? rng.pick(ALGS) : undefined;
  let children: { name: string; weight?: string }[] = devices.map((d) => ({ name: `osd.${d}` }));
  let bucketId = -1;
  let uniform = false;
  const buckets: BucketInfo[] = [];
  const algsUsed = new Set<string>();
  for (let level = 0; level < depth; level++) {
    const type = typeNames[level]!;
    const top = level === depth - 1;
    const count = top ? 1 : Math.max(1, Math.min(children.length, rng.int(1, 6)));
    const groups: { name: string; weight?: string }[][] = Array.from({ length: count }, () => []);
    children.forEach((c, i) => groups[i < count ? i : rng.int(0, count - 1)]!.push(c));
    const next: { name: string; weight?: string }[] = [];
    groups.forEach((items, g) => {
      const name = top ? 'default' : `${type}${g}`;
      const alg = mapAlg ?? rng.pick(ALGS);
      algsUsed.add(alg);
      // Uniform buckets need identical item weights: give every item the same explicit one.
      const same = (rng.int(1, 5000) / 1000).toFixed(3);
      if (alg === 'uniform') uniform = true;
      const bid = bucketId--;
      out.push(`${type} ${name} {\n\tid ${bid}\n\talg ${alg}\n\thash 0\n`);
      let total = 0;
      for (const item of items) {
        const w = alg === 'uniform' ? same : level === 0 ? weight(rng, zeroChance) : undefined;
        if (w !== undefined) total += Number(w);
        out.push(`\titem ${item.name}${w === undefined ? '' : ` weight ${w}`}\n`);
      }
      out.push('}\n');
      // A parent that is uniform will override this weight anyway; others take the computed sum.
      next.push({ name, weight: total.toFixed(3) });
      buckets.push({ name, id: bid, size: items.length, level });
    });
    children = next;
  }

  out.push('\n# rules\n');
  // The type chooseleaf aims at: the lowest bucket level, or devices when the root holds them.
  const leafType = depth === 1 ? 'osd' : typeNames[0]!;
  // No class takes through uniform buckets (crushtool cannot clone a uniform bucket of mixed
  // classes) or tree buckets (Ceph's tree clones keep uninitialised node weights, so their
  // placement depends on heap contents).
  const takes = ['default', ...(uniform || algsUsed.has('tree') ? [] : [...usedClasses].map((c) => `default class ${c}`))];
  const anyType = (): string => rng.pick(['osd', ...typeNames.filter((t) => t !== 'root')]);
  let ruleId = 0;
  const sizes = (): string => (release < 17 || rng.chance(0.2) ? '\tmin_size 1\n\tmax_size 10\n' : '');
  const rule = (name: string, type: string, steps: string[]): void => {
    out.push(`rule ${name} {\n\tid ${ruleId}\n\ttype ${type}\n${sizes()}`);
    for (const s of steps) out.push(`\tstep ${s}\n`);
    out.push('}\n');
    ruleId += rng.chance(0.1) ? 2 : 1;
  };
  const sets = (): string[] => {
    const s: string[] = [];
    if (rng.chance(0.25)) s.push(`set_choose_tries ${rng.int(1, 100)}`);
    if (rng.chance(0.25)) s.push(`set_chooseleaf_tries ${rng.int(1, 10)}`);
    if (rng.chance(0.15)) s.push(`set_choose_local_tries ${rng.int(0, 3)}`);
    if (rng.chance(0.15)) s.push(`set_choose_local_fallback_tries ${rng.int(0, 6)}`);
    if (rng.chance(0.2)) s.push(`set_chooseleaf_vary_r ${rng.int(0, 3)}`);
    if (rng.chance(0.2)) s.push(`set_chooseleaf_stable ${rng.int(0, 1)}`);
    return s;
  };
  const numrep = (): number => rng.pick([0, 0, 0, 1, 2, 3, -1, -2]);
  const mode = (): string => rng.pick(['firstn', 'indep']);

  rule('replicated_rule', 'replicated', [...sets(), `take ${rng.pick(takes)}`, `chooseleaf firstn ${numrep()} type ${leafType}`, 'emit']);
  rule('ec_rule', 'erasure', ['set_chooseleaf_tries 5', 'set_choose_tries 100', `take ${rng.pick(takes)}`, `chooseleaf indep ${numrep()} type ${leafType}`, 'emit']);
  const extra = rng.int(1, 4);
  for (let k = 0; k < extra; k++) {
    const kind = rng.int(0, 5);
    const m = mode();
    const rtype = m === 'indep' ? 'erasure' : 'replicated';
    if (kind === 0) {
      rule(`choose_${k}`, rtype, [...sets(), `take ${rng.pick(takes)}`, `choose ${m} ${numrep()} type osd`, 'emit']);
    } else if (kind === 1 && depth >= 2) {
      const mid = depth >= 3 ? typeNames[rng.int(1, depth - 2)]! : leafType;
      rule(`two_level_${k}`, rtype, [
        ...sets(),
        `take ${rng.pick(takes)}`,
        `choose ${m} ${rng.pick([2, 3, 0])} type ${mid}`,
        rng.chance(0.5) ? `choose ${m} ${rng.pick([1, 2, 0, -1])} type osd` : `chooseleaf ${m} ${rng.pick([1, 2, 0, -1])} type ${mid === leafType ? 'osd' : leafType}`,
        'emit',
      ]);
    } else if (kind === 2) {
      const b = rng.pick(buckets);
      rule(`multi_take_${k}`, rtype, [
        `take ${b.name}`,
        `chooseleaf ${m} ${rng.pick([1, 2])} type ${b.level === 0 ? 'osd' : leafType}`,
        'emit',
        ...sets(),
        `take ${rng.pick(takes)}`,
        `chooseleaf ${m} ${numrep()} type ${anyType()}`,
        'emit',
      ]);
    } else if (kind === 3) {
      rule(`device_take_${k}`, 'replicated', [`take osd.${rng.pick(devices)}`, 'emit', `take default`, `chooseleaf firstn -1 type ${leafType}`, 'emit']);
    } else {
      rule(`leaf_${k}`, rtype, [...sets(), `take ${rng.pick(takes)}`, `chooseleaf ${m} ${numrep()} type ${anyType()}`, 'emit']);
    }
  }
  const msrRules = release >= 19 ? rng.int(1, 3) : 0;
  for (let k = 0; k < msrRules; k++) {
    rule(`msr_${k}`, rng.pick(['msr_firstn', 'msr_indep']), msrSteps(rng, typeNames, buckets, takes));
  }
  const withArgs = rng.chance(0.4);
  if (withArgs) out.push(chooseArgs(rng, buckets));
  out.push('\n# end crush map\n');
  return {
    text: out.join(''),
    devices,
    summary: `${tun.profile} depth ${depth} ${ndev} osds ${[...algsUsed].join('/')}${usedClasses.size > 0 ? ' classes' : ''}${withArgs ? ' choose_args' : ''}${msrRules > 0 ? ` ${msrRules} msr rules` : ''}`,
  };
}

/**
 * The steps of one msr rule: optional `set_msr_*`, then one or two blocks of `take`, a chain of
 * `choosemsr N type T` down the levels (skipping some) and `choosemsr N type osd`, `emit`.
 */
function msrSteps(rng: Prng, typeNames: string[], buckets: BucketInfo[], takes: string[]): string[] {
  const steps: string[] = [];
  if (rng.chance(0.3)) steps.push(`set_msr_descents ${rng.int(1, 20)}`);
  if (rng.chance(0.3)) steps.push(`set_msr_collision_tries ${rng.int(1, 20)}`);
  const blocks = rng.chance(0.25) ? 2 : 1;
  for (let b = 0; b < blocks; b++) {
    // From the root (all levels below it), or from a bucket (the levels below its own).
    const from = rng.chance(0.7) ? { take: rng.pick(takes), level: typeNames.length - 1 } : (() => {
      const bk = rng.pick(buckets);
      return { take: bk.name, level: bk.level };
    })();
    steps.push(`take ${from.take}`);
    let first = true;
    for (let level = from.level - 1; level >= 0; level--) {
      if (rng.chance(0.35)) continue; // skip this level: the descent passes through it
      steps.push(`choosemsr ${rng.pick(first ? [0, 1, 2, 3] : [1, 2, 2, 3])} type ${typeNames[level]}`);
      first = false;
    }
    steps.push(`choosemsr ${rng.pick(first ? [0, 1, 2, 3] : [1, 1, 2])} type osd`);
    steps.push('emit');
  }
  return steps;
}

function chooseArgs(rng: Prng, buckets: BucketInfo[]): string {
  const out: string[] = ['\n# choose_args\n'];
  const keys: string[] = [];
  if (rng.chance(0.5)) keys.push('18446744073709551615');
  if (keys.length === 0 || rng.chance(0.6)) keys.push(rng.pick(['0', '0', '3']));
  for (const key of keys) out.push(chooseArgsBlock(rng, key, buckets, (r) => weight(r, 0.15)));
  return out.join('');
}

/**
 * One `choose_args KEY { … }` block of CRUSH text: for some buckets, weight sets (one for the
 * compat set, 0–3 positions otherwise) and sometimes id overrides.
 */
export function chooseArgsBlock(rng: Prng, key: string, buckets: ReadonlyArray<{ id: number; size: number }>, weight: (rng: Prng) => string): string {
  const compat = key.length > 10;
  const out: string[] = [`choose_args ${key} {\n`];
  for (const b of buckets) {
    if (b.size === 0 || rng.chance(0.3)) continue;
    out.push(`  {\n    bucket_id ${b.id}\n`);
    const positions = compat ? 1 : rng.int(0, 3);
    if (positions > 0) {
      out.push('    weight_set [\n');
      for (let p = 0; p < positions; p++) out.push(`      [ ${Array.from({ length: b.size }, () => `${weight(rng)} `).join('')}]\n`);
      out.push('    ]\n');
    }
    if (!compat && (positions === 0 || rng.chance(0.4))) {
      out.push(`    ids [ ${Array.from({ length: b.size }, () => `${rng.int(-100, 100)} `).join('')}]\n`);
    }
    out.push('  }\n');
  }
  out.push('}\n');
  return out.join('');
}

/** One random `crushtool --test` invocation: the argv after the map and monctl's options for it. */
export interface RandomTestRun {
  args: string[];
  opts: CrushTestOptions;
}

/**
 * The common part of a random test run: --show-mappings over x 0..maxX, a --num-rep, sometimes
 * --weight overrides and a --pool-id (the draws of crush-mapping-live's runs, so its seeds replay).
 */
export function randomTestRun(rng: Prng, devices: number[], maxX: number, weightChance: number): RandomTestRun {
  const numRep = rng.pick([1, 2, 3, 3, 4, 5, 6, 8]);
  const args = ['--test', '--show-mappings', '--min-x', '0', '--max-x', String(maxX), '--num-rep', String(numRep)];
  const opts: CrushTestOptions = { minX: 0, maxX, minRep: numRep, maxRep: numRep, showMappings: true };
  if (rng.chance(weightChance)) {
    const weights = new Map<number, number>();
    for (let j = rng.int(1, 4); j > 0; j--) {
      const w = rng.pick([0, 0.5, 0.25, 0.9, 0.1, rng.int(0, 1000) / 1000]);
      weights.set(rng.pick(devices), w);
    }
    for (const [d, w] of weights) args.push('--weight', String(d), w.toFixed(3));
    opts.weights = new Map([...weights].map(([d, w]) => [d, Number(w.toFixed(3))]));
  }
  if (rng.chance(0.25)) {
    const pool = rng.int(0, 20);
    args.push('--pool-id', String(pool));
    opts.poolId = pool;
  }
  return { args, opts };
}
