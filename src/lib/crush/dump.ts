/**
 * The JSON object of `crushtool -i map --dump` (CrushWrapper::dump) as each release prints it
 * (Ceph 16.2 by default), including the derived tunables fields (profile,
 * minimum_required_version, has_v*_rules …). From Quincy rules lose ruleset/min_size/max_size;
 * from Squid the msr tunables, has_msr_rules and the msr steps' names appear (release.ts).
 */
import { toJson } from '../encoding/json-text.js';
import { crushTextRules, hasMsrRules, hasNondefaultMsrTunables, type CrushTextRules } from './release.js';
import {
  BUCKET_STRAW2,
  HAMMER_ALLOWED_BUCKET_ALGS,
  LEGACY_ALLOWED_BUCKET_ALGS,
  RuleOp,
  bucketAlgName,
  bucketItemWeight,
  effectiveChooseArgs,
  listedMaxDevices,
  hashName,
  sortedEntries,
  type CrushMap,
  type CrushRule,
  type CrushTunables,
} from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** Ceph's accessors return these u32 fields as C `int`. */
const asInt = (v: number): number => v | 0;

/** The device class name of an item (CrushWrapper::get_item_class), if any. */
export function itemClass(map: CrushMap, id: number): string | undefined {
  const c = map.classMap.get(id);
  return c === undefined ? undefined : map.className.get(c);
}

/** Type ids in the order Ceph walks them: 0, 1, … until every named type is seen. */
export function typeWalk(map: CrushMap): { id: number; name: string | undefined }[] {
  const out: { id: number; name: string | undefined }[] = [];
  const named = sortedEntries(map.typeMap).filter(([id]) => id >= 0);
  if (named.length === 0) return out;
  if (named[0]![0] !== 0) out.push({ id: 0, name: undefined });
  for (const [id, name] of named) out.push({ id, name });
  return out;
}

/** Options of dumpCrushMap. */
export interface DumpOptions {
  /** The release whose crushtool to reproduce (default 16, Pacific). */
  release?: number;
}

export function dumpCrushMap(map: CrushMap, opts: DumpOptions = {}): JsonObject {
  const rules = crushTextRules(opts.release ?? 16);
  return {
    devices: dumpDevices(map),
    types: typeWalk(map).map((t) => ({ type_id: t.id, name: t.name ?? 'device' })),
    buckets: dumpBuckets(map),
    rules: dumpRules(map, rules),
    tunables: dumpTunables(map, rules),
    choose_args: dumpChooseArgs(map),
  };
}

function dumpDevices(map: CrushMap): JsonValue[] {
  const out: JsonValue[] = [];
  const max = listedMaxDevices(map);
  for (let i = 0; i < max; i++) {
    const d: JsonObject = { id: i, name: map.nameMap.get(i) ?? `device${i}` };
    const c = itemClass(map, i);
    if (c !== undefined) d.class = c;
    out.push(d);
  }
  return out;
}

function dumpBuckets(map: CrushMap): JsonValue[] {
  const out: JsonValue[] = [];
  map.buckets.forEach((b, i) => {
    if (b === null) return;
    const id = -1 - i;
    const d: JsonObject = { id };
    const name = map.nameMap.get(id);
    if (name !== undefined) d.name = name;
    d.type_id = b.type;
    const typeName = map.typeMap.get(b.type);
    if (typeName !== undefined) d.type_name = typeName;
    d.weight = asInt(b.weight);
    d.alg = bucketAlgName(b.alg);
    d.hash = hashName(b.hash);
    d.items = b.items.map((item, pos) => ({ id: item, weight: asInt(bucketItemWeight(b, pos)), pos }));
    out.push(d);
  });
  return out;
}

/** Steps the release names in its dump; every other opcode is printed raw. */
function dumpStep(map: CrushMap, op: number, arg1: number, arg2: number, rules: CrushTextRules): JsonObject {
  const typeName = (t: number): string => map.typeMap.get(t) ?? '';
  switch (op) {
    case RuleOp.NOOP:
      return { op: 'noop' };
    case RuleOp.TAKE:
      return { op: 'take', item: arg1, item_name: map.nameMap.get(arg1) ?? '' };
    case RuleOp.EMIT:
      return { op: 'emit' };
    case RuleOp.CHOOSE_FIRSTN:
      return { op: 'choose_firstn', num: arg1, type: typeName(arg2) };
    case RuleOp.CHOOSE_INDEP:
      return { op: 'choose_indep', num: arg1, type: typeName(arg2) };
    case RuleOp.CHOOSELEAF_FIRSTN:
      return { op: 'chooseleaf_firstn', num: arg1, type: typeName(arg2) };
    case RuleOp.CHOOSELEAF_INDEP:
      return { op: 'chooseleaf_indep', num: arg1, type: typeName(arg2) };
    case RuleOp.SET_CHOOSE_TRIES:
      return { op: 'set_choose_tries', num: arg1 };
    case RuleOp.SET_CHOOSELEAF_TRIES:
      return { op: 'set_chooseleaf_tries', num: arg1 };
    case RuleOp.CHOOSE_MSR:
      if (rules.msr) return { op: 'choosemsr', num: arg1, type: typeName(arg2) };
      break;
    case RuleOp.SET_MSR_DESCENTS:
      if (rules.msr) return { op: 'set_msr_descents', num: arg1 };
      break;
    case RuleOp.SET_MSR_COLLISION_TRIES:
      if (rules.msr) return { op: 'set_msr_collision_tries', num: arg1 };
      break;
  }
  return { opcode: asInt(op), arg1, arg2 };
}

function dumpRules(map: CrushMap, rules: CrushTextRules): JsonValue[] {
  const out: JsonValue[] = [];
  map.rules.forEach((rule, id) => {
    if (rule === null) return;
    const d: JsonObject = { rule_id: id };
    const name = map.ruleNameMap.get(id);
    if (name !== undefined) d.rule_name = name;
    if (rules.ruleSizes) d.ruleset = rule.ruleset;
    d.type = rule.type;
    if (rules.ruleSizes) {
      d.min_size = rule.minSize;
      d.max_size = rule.maxSize;
    }
    d.steps = rule.steps.map((s) => dumpStep(map, s.op, s.arg1, s.arg2, rules));
    out.push(d);
  });
  return out;
}

// --- tunables profiles (CrushWrapper.h has_*_tunables) ----------------------------------------

function baseProfile(t: CrushTunables, total: number, descend: number, varyR: number, stable: number, algs: number, msr: boolean): boolean {
  return (
    // Squid: every profile also needs the default msr tunables.
    (!msr || (t.msrDescents === 100 && t.msrCollisionTries === 100)) &&
    t.chooseLocalTries === (total === 19 ? 2 : 0) &&
    t.chooseLocalFallbackTries === (total === 19 ? 5 : 0) &&
    t.chooseTotalTries === total &&
    t.chooseleafDescendOnce === descend &&
    t.chooseleafVaryR === varyR &&
    t.chooseleafStable === stable &&
    t.allowedBucketAlgs === algs
  );
}

const isArgonaut = (t: CrushTunables, msr = false) => baseProfile(t, 19, 0, 0, 0, LEGACY_ALLOWED_BUCKET_ALGS, msr);
const isBobtail = (t: CrushTunables, msr = false) => baseProfile(t, 50, 1, 0, 0, LEGACY_ALLOWED_BUCKET_ALGS, msr);
const isFirefly = (t: CrushTunables, msr = false) => baseProfile(t, 50, 1, 1, 0, LEGACY_ALLOWED_BUCKET_ALGS, msr);
const isHammer = (t: CrushTunables, msr = false) => baseProfile(t, 50, 1, 1, 0, HAMMER_ALLOWED_BUCKET_ALGS, msr);
const isJewel = (t: CrushTunables, msr = false) => baseProfile(t, 50, 1, 1, 1, HAMMER_ALLOWED_BUCKET_ALGS, msr);

/** The `profile` of the dump; `msr`: Squid's profiles, which all need the default msr tunables. */
export function tunablesProfile(t: CrushTunables, msr = false): string {
  if (isJewel(t, msr)) return 'jewel';
  if (isHammer(t, msr)) return 'hammer';
  if (isFirefly(t, msr)) return 'firefly';
  if (isBobtail(t, msr)) return 'bobtail';
  if (isArgonaut(t, msr)) return 'argonaut';
  return 'unknown';
}

function anyRuleUses(map: CrushMap, ops: number[]): boolean {
  return map.rules.some((r: CrushRule | null) => r !== null && r.steps.some((s) => ops.includes(s.op)));
}

/** The feature checks behind the dump's require_feature_* and has_* fields. */
export function crushFeatureUse(map: CrushMap) {
  const t = map.tunables;
  return {
    tunables: t.chooseLocalTries !== 2 || t.chooseLocalFallbackTries !== 5 || t.chooseTotalTries !== 19,
    tunables2: t.chooseleafDescendOnce !== 0,
    tunables3: t.chooseleafVaryR !== 0,
    tunables5: t.chooseleafStable !== 0,
    v2Rules: anyRuleUses(map, [
      RuleOp.CHOOSE_INDEP,
      RuleOp.CHOOSELEAF_INDEP,
      RuleOp.SET_CHOOSE_TRIES,
      RuleOp.SET_CHOOSELEAF_TRIES,
    ]),
    v3Rules: anyRuleUses(map, [RuleOp.SET_CHOOSELEAF_VARY_R]),
    v4Buckets: map.buckets.some((b) => b !== null && b.alg === BUCKET_STRAW2),
    v5Rules: anyRuleUses(map, [RuleOp.SET_CHOOSELEAF_STABLE]),
  };
}

/** CrushWrapper::get_min_required_version (Pacific; from `release` 19 on, Squid's msr check first). */
export function minRequiredVersion(map: CrushMap, release = 16): string {
  const f = crushFeatureUse(map);
  if (crushTextRules(release).msr && (hasMsrRules(map) || hasNondefaultMsrTunables(map))) return 'squid';
  if (f.v5Rules || f.tunables5) return 'jewel';
  if (f.v4Buckets) return 'hammer';
  if (f.tunables3) return 'firefly';
  if (f.tunables2 || f.tunables) return 'bobtail';
  return 'argonaut';
}

function dumpTunables(map: CrushMap, rules: CrushTextRules): JsonObject {
  const t = map.tunables;
  const f = crushFeatureUse(map);
  const n = (b: boolean): number => (b ? 1 : 0);
  const msr = rules.msr;
  const out: JsonObject = {
    choose_local_tries: asInt(t.chooseLocalTries),
    choose_local_fallback_tries: asInt(t.chooseLocalFallbackTries),
    choose_total_tries: asInt(t.chooseTotalTries),
    chooseleaf_descend_once: asInt(t.chooseleafDescendOnce),
    chooseleaf_vary_r: t.chooseleafVaryR,
    chooseleaf_stable: t.chooseleafStable,
  };
  if (msr) {
    out.msr_descents = asInt(t.msrDescents);
    out.msr_collision_tries = asInt(t.msrCollisionTries);
  }
  Object.assign(out, {
    straw_calc_version: t.strawCalcVersion,
    allowed_bucket_algs: asInt(t.allowedBucketAlgs),
    profile: tunablesProfile(t, msr),
    optimal_tunables: n(isJewel(t, msr)),
    legacy_tunables: n(isArgonaut(t, msr)),
    minimum_required_version: minRequiredVersion(map, rules.release),
    require_feature_tunables: n(f.tunables),
    require_feature_tunables2: n(f.tunables2),
    has_v2_rules: n(f.v2Rules),
    require_feature_tunables3: n(f.tunables3),
    has_v3_rules: n(f.v3Rules),
    has_v4_buckets: n(f.v4Buckets),
    require_feature_tunables5: n(f.tunables5),
    has_v5_rules: n(f.v5Rules),
  });
  if (msr) out.has_msr_rules = n(hasMsrRules(map));
  return out;
}

/** A u32 16.16 weight as Ceph's `(float)w / (float)0x10000`. */
export function weightFloat(w: number): number {
  return Math.fround(w >>> 0) / 0x10000;
}

function dumpChooseArgs(map: CrushMap): JsonObject {
  const out: JsonObject = {};
  for (const [key, args] of effectiveChooseArgs(map)) {
    out[key.toString()] = args.map((a) => {
      const d: JsonObject = { bucket_id: -1 - a.bucketIndex };
      if (a.weightSet.length > 0) d.weight_set = a.weightSet.map((ws) => ws.map(weightFloat));
      if (a.ids.length > 0) d.ids = [...a.ids];
      return d;
    });
  }
  return out;
}

/**
 * The dump as crushtool prints it (4-space JSON). choose_args keys come in Ceph's signed order
 * (the compat set −1 before 0); a JS object would put "0" first, so the keys are written through
 * a prefix that keeps insertion order and is taken out of the text again.
 */
export function crushDumpText(dump: JsonObject): string {
  const args = (dump.choose_args ?? {}) as JsonObject;
  const keys = Object.keys(args).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const ordered: JsonObject = {};
  for (const k of keys) ordered[`\u0001${k}`] = args[k]!;
  return toJson({ ...dump, choose_args: ordered }).replaceAll('\\u0001', '');
}
