/**
 * The text of `crushtool -d map` (CrushCompiler::decompile) as each release writes it: Ceph
 * 16.2 by default; `release` selects the later texts (release.ts: five-decimal weights and no
 * rule sizes from Quincy, the msr rule types, steps and tunables from Squid).
 */
import { MonctlError } from '../errors.js';
import { itemClass, typeWalk } from './dump.js';
import { crushTextRules, type CrushTextRules } from './release.js';
import {
  BUCKET_LIST,
  BUCKET_TREE,
  BUCKET_UNIFORM,
  LEGACY_ALLOWED_BUCKET_ALGS,
  RULE_TYPE_ERASURE,
  RULE_TYPE_MSR_FIRSTN,
  RULE_TYPE_MSR_INDEP,
  RULE_TYPE_REPLICATED,
  RuleOp,
  bucketAlgName,
  bucketItemWeight,
  effectiveChooseArgs,
  listedMaxDevices,
  getBucket,
  hashName,
  sortedEntries,
  type ChooseArg,
  type CrushMap,
  type CrushRule,
} from './types.js';

/**
 * printf("%.Nf", (float)i / (float)0x10000) for a C int: the float value is exact in a double,
 * and glibc rounds its exact decimal value half-to-even (JS toFixed rounds ties up instead).
 */
function fixedPoint(i: number, digits: number): string {
  const v = Math.fround(i | 0);
  const negative = v < 0 || Object.is(v, -0);
  const scale = 10n ** BigInt(digits);
  const num = BigInt(Math.abs(v)) * scale;
  let q = num / 0x10000n;
  const r2 = (num % 0x10000n) * 2n;
  if (r2 > 0x10000n || (r2 === 0x10000n && (q & 1n) === 1n)) q += 1n;
  const frac = (q % scale).toString().padStart(digits, '0');
  return `${negative ? '-' : ''}${q / scale}.${frac}`;
}

/** Pacific's print_fixedpoint ("%.3f"). */
export const fixedPoint3 = (i: number): string => fixedPoint(i, 3);
/** Quincy's and later print_fixedpoint ("%.5f"). */
export const fixedPoint5 = (i: number): string => fixedPoint(i, 5);

/** CrushWrapper::is_valid_crush_name: [-_.0-9A-Za-z]+ (shadow buckets such as `host~ssd` fail). */
export function isValidCrushName(s: string): boolean {
  return /^[-_.0-9A-Za-z]+$/.test(s);
}

function decompileError(message: string): MonctlError {
  return new MonctlError('DECODE_INVALID', `cannot decompile CRUSH map: ${message}`, {
    actions: ['Inspect the map with `crush dump`; crushtool refuses the same map.'],
  });
}

const typeName = (map: CrushMap, t: number): string => map.typeMap.get(t) ?? (t === 0 ? 'device' : `type${t}`);
const itemName = (map: CrushMap, id: number): string => map.nameMap.get(id) ?? (id >= 0 ? `device${id}` : `bucket${-1 - id}`);

/** Options of decompileCrushMap. */
export interface DecompileOptions {
  /** The release whose crushtool to reproduce (default 16, Pacific). */
  release?: number;
}

export function decompileCrushMap(map: CrushMap, opts: DecompileOptions = {}): string {
  const rules = crushTextRules(opts.release ?? 16);
  const weight = rules.weightDecimals === 5 ? fixedPoint5 : fixedPoint3;
  const out: string[] = ['# begin crush map\n'];
  out.push(tunableLines(map, rules));
  out.push('\n# devices\n');
  const maxDevices = listedMaxDevices(map);
  for (let i = 0; i < maxDevices; i++) {
    const name = map.nameMap.get(i);
    if (name === undefined) continue;
    const c = itemClass(map, i);
    out.push(`device ${i} ${name}${c === undefined ? '' : ` class ${c}`}\n`);
  }
  out.push('\n# types\n');
  for (const t of typeWalk(map)) out.push(`type ${t.id} ${t.name ?? 'osd'}\n`);
  out.push('\n# buckets\n');
  const state = new Map<number, 'busy' | 'done'>();
  for (let i = 0; i < map.buckets.length; i++) decompileBucketTree(map, -1 - i, state, out, weight);
  out.push('\n# rules\n');
  map.rules.forEach((rule, id) => {
    if (rule !== null) out.push(decompileRule(map, id, rule, rules));
  });
  if (map.chooseArgs.size > 0) {
    out.push('\n# choose_args\n');
    // Ceph prints the key through an unsigned long: the compat set −1 is 18446744073709551615.
    for (const [key, args] of effectiveChooseArgs(map)) out.push(`choose_args ${BigInt.asUintN(64, key)} {\n${args.map((a) => chooseArg(a, weight)).join('')}}\n`);
  }
  out.push('\n# end crush map\n');
  return out.join('');
}

/** Only tunables that differ from the legacy defaults are written (Squid adds the msr pair). */
function tunableLines(map: CrushMap, rules: CrushTextRules): string {
  const t = map.tunables;
  const lines: [string, number, number][] = [
    ['choose_local_tries', t.chooseLocalTries, 2],
    ['choose_local_fallback_tries', t.chooseLocalFallbackTries, 5],
    ['choose_total_tries', t.chooseTotalTries, 19],
    ['chooseleaf_descend_once', t.chooseleafDescendOnce, 0],
    ['chooseleaf_vary_r', t.chooseleafVaryR, 0],
    ['chooseleaf_stable', t.chooseleafStable, 0],
    ['straw_calc_version', t.strawCalcVersion, 0],
    ['allowed_bucket_algs', t.allowedBucketAlgs, LEGACY_ALLOWED_BUCKET_ALGS],
  ];
  const text = lines
    .filter(([, v, d]) => v !== d)
    .map(([name, v]) => `tunable ${name} ${v | 0}\n`)
    .join('');
  // Squid writes both msr tunables as soon as either differs from 100 (has_nondefault_tunables_msr).
  if (!rules.msr || (t.msrDescents === 100 && t.msrCollisionTries === 100)) return text;
  return `${text}tunable msr_descents ${t.msrDescents | 0}\ntunable msr_collision_tries ${t.msrCollisionTries | 0}\n`;
}

/** Depth first, children before parents, each bucket once; a cycle is an error as in Ceph. */
type WeightText = (w: number) => string;

function decompileBucketTree(map: CrushMap, id: number, state: Map<number, 'busy' | 'done'>, out: string[], weight: WeightText): void {
  const b = getBucket(map, id);
  if (id === 0 || b === undefined) return;
  const s = state.get(id);
  if (s === 'done') return;
  if (s === 'busy') throw decompileError(`bucket ${id} is reached again while it is being written`);
  state.set(id, 'busy');
  for (const item of b.items) {
    const d = state.get(item);
    if (d === 'busy') throw decompileError(`bucket ${id} contains one of its ancestors (${item}); buckets must form a DAG`);
    if (d === undefined) decompileBucketTree(map, item, state, out, weight);
  }
  out.push(decompileBucket(map, id, weight));
  state.set(id, 'done');
}

function decompileBucket(map: CrushMap, id: number, weight: WeightText): string {
  const b = getBucket(map, id)!;
  const name = map.nameMap.get(id);
  // Shadow (per-class) buckets are rebuilt by the compiler, so they are not written.
  if (name !== undefined && !isValidCrushName(name)) return '';
  let s = `${typeName(map, b.type)} ${itemName(map, id)} {\n`;
  s += `\tid ${id}\t\t# do not change unnecessarily\n`;
  for (const [classId, shadowId] of sortedEntries(map.classBucket.get(id) ?? new Map<number, number>())) {
    s += `\tid ${shadowId} class ${map.className.get(classId) ?? ''}\t\t# do not change unnecessarily\n`;
  }
  s += `\t# weight ${weight(b.weight)}\n`;
  const n = b.items.length;
  s += `\talg ${bucketAlgName(b.alg)}`;
  let withPos = false;
  if (b.alg === BUCKET_UNIFORM) {
    s += `\t# do not change bucket size (${n}) unnecessarily`;
    withPos = true;
  } else if (b.alg === BUCKET_LIST) {
    s += '\t# add new items at the end; do not change order unnecessarily';
  } else if (b.alg === BUCKET_TREE) {
    s += '\t# do not change pos for existing items unnecessarily';
    withPos = true;
  }
  s += `\n\thash ${b.hash}\t# ${hashName(b.hash)}\n`;
  b.items.forEach((item, j) => {
    s += `\titem ${itemName(map, item)} weight ${weight(bucketItemWeight(b, j))}${withPos ? ` pos ${j}` : ''}\n`;
  });
  return `${s}}\n`;
}

/** The take step's item, with `class X` when it names a shadow bucket (split_id_class). */
function takeTarget(map: CrushMap, item: number): string {
  const name = map.nameMap.get(item);
  if (name === undefined) throw decompileError(`rule takes item ${item}, which has no name`);
  const tilde = name.indexOf('~');
  if (tilde < 0) return name;
  const base = name.slice(0, tilde);
  const cls = name.slice(tilde + 1);
  const known = [...map.nameMap.values()].includes(base) && [...map.className.values()].includes(cls);
  if (!known) throw decompileError(`rule takes ${name}, whose bucket or class does not exist`);
  return `${base} class ${cls}`;
}

function decompileStep(map: CrushMap, op: number, arg1: number, arg2: number, rules: CrushTextRules): string {
  const choose = (kind: string) => `\tstep ${kind} ${arg1} type ${typeName(map, arg2)}\n`;
  switch (op) {
    case RuleOp.NOOP:
      return '\tstep noop\n';
    case RuleOp.TAKE:
      return `\tstep take ${takeTarget(map, arg1)}\n`;
    case RuleOp.EMIT:
      return '\tstep emit\n';
    case RuleOp.SET_CHOOSE_TRIES:
      return `\tstep set_choose_tries ${arg1}\n`;
    case RuleOp.SET_CHOOSE_LOCAL_TRIES:
      return `\tstep set_choose_local_tries ${arg1}\n`;
    case RuleOp.SET_CHOOSE_LOCAL_FALLBACK_TRIES:
      return `\tstep set_choose_local_fallback_tries ${arg1}\n`;
    case RuleOp.SET_CHOOSELEAF_TRIES:
      return `\tstep set_chooseleaf_tries ${arg1}\n`;
    case RuleOp.SET_CHOOSELEAF_VARY_R:
      return `\tstep set_chooseleaf_vary_r ${arg1}\n`;
    case RuleOp.SET_CHOOSELEAF_STABLE:
      return `\tstep set_chooseleaf_stable ${arg1}\n`;
    case RuleOp.CHOOSE_FIRSTN:
      return choose('choose firstn');
    case RuleOp.CHOOSE_INDEP:
      return choose('choose indep');
    case RuleOp.CHOOSELEAF_FIRSTN:
      return choose('chooseleaf firstn');
    case RuleOp.CHOOSELEAF_INDEP:
      return choose('chooseleaf indep');
    case RuleOp.CHOOSE_MSR:
      return rules.msr ? choose('choosemsr') : '';
    case RuleOp.SET_MSR_DESCENTS:
      return rules.msr ? `\tstep set_msr_descents ${arg1}\n` : '';
    case RuleOp.SET_MSR_COLLISION_TRIES:
      return rules.msr ? `\tstep set_msr_collision_tries ${arg1}\n` : '';
    default:
      // crushtool writes nothing for opcodes it does not know (before Squid: the msr steps).
      return '';
  }
}

/** The rule type's word; others print as their number. */
function ruleTypeName(type: number, rules: CrushTextRules): string {
  if (type === RULE_TYPE_REPLICATED) return 'replicated';
  if (type === RULE_TYPE_ERASURE) return 'erasure';
  if (rules.msr && type === RULE_TYPE_MSR_FIRSTN) return 'msr_firstn';
  if (rules.msr && type === RULE_TYPE_MSR_INDEP) return 'msr_indep';
  return String(type);
}

function decompileRule(map: CrushMap, id: number, rule: CrushRule, rules: CrushTextRules): string {
  let s = `rule ${map.ruleNameMap.get(id) ?? ''} {\n\tid ${id}\n`;
  // Quincy and later refuse to decode a rule whose ruleset differs from its id.
  if (rules.ruleSizes && rule.ruleset !== id) {
    s += `\t# WARNING: ruleset ${rule.ruleset} != id ${id}; this will not recompile to the same map\n`;
  }
  s += `\ttype ${ruleTypeName(rule.type, rules)}\n`;
  if (rules.ruleSizes) s += `\tmin_size ${rule.minSize}\n\tmax_size ${rule.maxSize}\n`;
  for (const step of rule.steps) s += decompileStep(map, step.op, step.arg1, step.arg2, rules);
  return `${s}}\n`;
}

function chooseArg(a: ChooseArg, weight: WeightText): string {
  let s = `  {\n    bucket_id ${-1 - a.bucketIndex}\n`;
  if (a.weightSet.length > 0) {
    s += '    weight_set [\n';
    for (const ws of a.weightSet) s += `      [ ${ws.map((w) => `${weight(w)} `).join('')}]\n`;
    s += '    ]\n';
  }
  if (a.ids.length > 0) s += `    ids [ ${a.ids.map((id) => `${id} `).join('')}]\n`;
  return `${s}  }\n`;
}
