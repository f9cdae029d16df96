/**
 * `crushtool -c` (CrushCompiler::compile, then CrushWrapper::finalize) of Ceph 16.2, or of a
 * later release: CRUSH text to the CrushMap the codec encodes, byte for byte as that
 * crushtool writes it. Starts from the legacy (argonaut) tunables, builds buckets with Ceph's
 * builder, the device-class shadow trees before the first rule, rules, and choose_args.
 *
 * From Quincy rule min_size/max_size are optional and ignored with a warning (the rule keeps
 * 1 and 100); from Squid the msr rule types, steps and tunables are accepted and the map is
 * encoded with the msr tunables (CRUSH_MSR).
 */
import { MonctlError } from '../errors.js';
import { encodeCrushMap } from './codec.js';
import { BuildFailure, additionIsUnsafe, makeBucket } from './builder.js';
import { populateClasses, type ClassState } from './compile-classes.js';
import { intNode, weight16 } from './compile-numbers.js';
import { crushTextRules } from './release.js';
import { compileError, orderBuckets, parseCrushText, type BucketDecl, type ChooseArgsDecl, type Decl, type RuleDecl, type RuleStep, type Tok } from './compile-parse.js';
import {
  BUCKET_LIST,
  BUCKET_STRAW,
  BUCKET_STRAW2,
  BUCKET_TREE,
  BUCKET_UNIFORM,
  RULE_TYPE_ERASURE,
  RULE_TYPE_MSR_FIRSTN,
  RULE_TYPE_MSR_INDEP,
  RULE_TYPE_REPLICATED,
  RuleOp,
  TAIL_GROUPS_SQUID,
  emptyCrushMap,
  finalizedMaxDevices,
  type ChooseArg,
  type CrushBucket,
  type CrushMap,
  type CrushRule,
} from './types.js';

const ALGS: Record<string, number> = { uniform: BUCKET_UNIFORM, list: BUCKET_LIST, tree: BUCKET_TREE, straw: BUCKET_STRAW, straw2: BUCKET_STRAW2 };
/** CRUSH_MAX_DEVICE_WEIGHT, CRUSH_MAX_BUCKET_WEIGHT (16.16). */
const MAX_DEVICE_WEIGHT = 100 * 0x10000;
const MAX_BUCKET_WEIGHT = 65535 * 0x10000;
/** CRUSH_MAX_RULES: crush_add_rule refuses to grow the rule array past it. */
const MAX_RULES = 256;
/**
 * Bucket and rule slots monctl will allocate. Ceph reallocs the array up to the id (2^31 slots
 * for `id -2147483648`) and fails or crawls; no real map comes near this many.
 */
const MAX_SLOTS = 1 << 20;
const SET_OPS: Record<string, number> = {
  set_choose_tries: RuleOp.SET_CHOOSE_TRIES,
  set_choose_local_tries: RuleOp.SET_CHOOSE_LOCAL_TRIES,
  set_choose_local_fallback_tries: RuleOp.SET_CHOOSE_LOCAL_FALLBACK_TRIES,
  set_chooseleaf_tries: RuleOp.SET_CHOOSELEAF_TRIES,
  set_chooseleaf_vary_r: RuleOp.SET_CHOOSELEAF_VARY_R,
  set_chooseleaf_stable: RuleOp.SET_CHOOSELEAF_STABLE,
  set_msr_descents: RuleOp.SET_MSR_DESCENTS,
  set_msr_collision_tries: RuleOp.SET_MSR_COLLISION_TRIES,
};
const RULE_TYPES: Record<string, number> = {
  replicated: RULE_TYPE_REPLICATED,
  erasure: RULE_TYPE_ERASURE,
  msr_firstn: RULE_TYPE_MSR_FIRSTN,
  msr_indep: RULE_TYPE_MSR_INDEP,
};

/** Options of compileCrushText. */
export interface CompileOptions {
  /** The release whose crushtool to reproduce (default 16, Pacific). */
  release?: number;
  /** Receives each warning crushtool writes to stderr (e.g. Quincy's ignored min_size). */
  warn?: (line: string) => void;
}

/** Compiles CRUSH text as `crushtool -c` does; errors name `source:line:column`. */
export function compileCrushText(text: string, source = '<input>', opts: CompileOptions = {}): CrushMap {
  const fail: Fail = (at, message) => compileError(source, text, at, message);
  const rules = crushTextRules(opts.release ?? 16);
  const grammar = { optionalSizes: !rules.ruleSizes, msr: rules.msr };
  const compiler = new Compiler(fail, grammar, opts.warn ?? (() => {}));
  return compiler.run(orderBuckets(parseCrushText(text, source, grammar), fail));
}

/** A MonctlError naming the line and column of a text offset. */
type Fail = (at: number, message: string) => MonctlError;

/** What `crush compile --json` reports beside the file it wrote. */
export interface CompileStats {
  devices: number;
  buckets: number;
  /** Device-class shadow buckets (`host~ssd`) built by the compiler. */
  shadow_buckets: number;
  rules: number;
  classes: number;
  choose_args: number;
  bytes: number;
}

/** compileCrushText, encoded as crushtool writes it, with counts of what the map holds. */
export function compileCrush(text: string, source = '<input>', opts: CompileOptions = {}): { map: CrushMap; bytes: Uint8Array; stats: CompileStats } {
  const map = compileCrushText(text, source, opts);
  const bytes = encodeCrushMap(map);
  const buckets = map.buckets.filter((b): b is CrushBucket => b !== null);
  const shadow = buckets.filter((b) => (map.nameMap.get(b.id) ?? '').includes('~')).length;
  const stats: CompileStats = {
    devices: [...map.nameMap.keys()].filter((id) => id >= 0).length,
    buckets: buckets.length - shadow,
    shadow_buckets: shadow,
    rules: map.rules.filter((r) => r !== null).length,
    classes: map.className.size,
    choose_args: map.chooseArgs.size,
    bytes: bytes.length,
  };
  return { map, bytes, stats };
}

class Compiler {
  /** An empty Pacific map with the legacy tunables: crushtool -c starts from set_tunables_legacy. */
  readonly map: CrushMap = emptyCrushMap();
  /** The compiler's own tables (item_id, id_item, item_weight, type_id, rule_id, class_bucket). */
  private readonly itemId = new Map<string, number>();
  private readonly idItem = new Map<number, string>();
  private readonly itemWeight = new Map<number, number>();
  private readonly typeId = new Map<string, number>();
  private readonly ruleId = new Map<string, number>();
  private readonly textClassBucket = new Map<number, Map<number, number>>();

  constructor(
    private readonly fail: Fail,
    private readonly grammar: { optionalSizes: boolean; msr: boolean },
    private readonly warn: (line: string) => void,
  ) {
    // Squid's CrushWrapper::encode writes the msr tunables (CRUSH_MSR).
    if (grammar.msr) this.map.tailGroups = TAIL_GROUPS_SQUID;
  }

  run(decls: Decl[]): CrushMap {
    // find_used_bucket_ids: only a bucket's first line, and only if it is an `id` line.
    for (const d of decls) if (d.kind === 'bucket' && d.ids.length > 0) this.idItem.set(intNode(d.ids[0]!.id.text), '');
    let sawRule = false;
    for (const d of decls) {
      switch (d.kind) {
        case 'tunable':
          this.tunable(d.name, d.value);
          break;
        case 'device':
          this.device(d.id, d.name, d.cls);
          break;
        case 'type':
          this.typeId.set(d.name.text, intNode(d.id.text));
          this.map.typeMap.set(intNode(d.id.text), d.name.text);
          break;
        case 'bucket':
          if (sawRule) throw this.fail(d.type.at, 'buckets must be defined before rules');
          this.bucket(d);
          break;
        case 'rule':
          if (!sawRule) {
            sawRule = true;
            populateClasses(this.classState(), this.textClassBucket);
          }
          this.rule(d);
          break;
        case 'choose_args':
          this.chooseArgs(d);
          break;
      }
    }
    this.finalize();
    return this.map;
  }

  private tunable(name: Tok, value: Tok): void {
    const v = intNode(value.text);
    const t = this.map.tunables;
    switch (name.text) {
      case 'choose_local_tries': t.chooseLocalTries = v >>> 0; break;
      case 'choose_local_fallback_tries': t.chooseLocalFallbackTries = v >>> 0; break;
      case 'choose_total_tries': t.chooseTotalTries = v >>> 0; break;
      case 'chooseleaf_descend_once': t.chooseleafDescendOnce = v !== 0 ? 1 : 0; break;
      case 'chooseleaf_vary_r': t.chooseleafVaryR = v & 0xff; break;
      case 'chooseleaf_stable': t.chooseleafStable = v & 0xff; break;
      case 'straw_calc_version': t.strawCalcVersion = v & 0xff; break;
      case 'allowed_bucket_algs': t.allowedBucketAlgs = v >>> 0; break;
      case 'msr_descents': if (!this.grammar.msr) throw this.fail(name.at, `tunable ${name.text} not recognized`); t.msrDescents = v >>> 0; break;
      case 'msr_collision_tries': if (!this.grammar.msr) throw this.fail(name.at, `tunable ${name.text} not recognized`); t.msrCollisionTries = v >>> 0; break;
      default: throw this.fail(name.at, `tunable ${name.text} not recognized`);
    }
  }

  private device(idTok: Tok, name: Tok, cls: Tok | undefined): void {
    const id = intNode(idTok.text);
    this.map.nameMap.set(id, name.text);
    if (this.itemId.has(name.text)) throw this.fail(name.at, `item ${name.text} defined twice`);
    this.itemId.set(name.text, id);
    this.idItem.set(id, name.text);
    if (cls !== undefined) this.map.classMap.set(id, this.classId(cls.text));
  }

  /** get_or_create_class_id: new classes take the next id after the largest. */
  private classId(name: string): number {
    for (const [id, n] of this.map.className) if (n === name) return id;
    const ids = [...this.map.className.keys()];
    const id = ids.length === 0 ? 0 : Math.max(...ids) + 1;
    this.map.className.set(id, name);
    return id;
  }

  private bucket(d: BucketDecl): void {
    const name = d.name.text;
    const type = this.typeId.get(d.type.text);
    if (type === undefined) throw this.fail(d.type.at, `bucket type '${d.type.text}' is not defined`);
    if (this.itemId.has(name)) throw this.fail(d.name.at, `bucket or device '${name}' is already defined`);
    let id = 0;
    const classIds = new Map<number, number>();
    for (const line of d.ids) {
      const maybe = intNode(line.id.text);
      if (line.cls === undefined) {
        id = maybe;
        continue;
      }
      const cid = this.classId(line.cls.text);
      if (classIds.has(cid)) throw this.fail(line.cls.at, `duplicate device class ${line.cls.text} for bucket ${name}`);
      classIds.set(cid, maybe);
    }
    const alg = ALGS[d.alg.text];
    if (alg === undefined) throw this.fail(d.alg.at, `unknown bucket alg '${d.alg.text}'`);
    const hashTok = d.hashes.at(-1);
    const hash = hashTok === undefined || hashTok.text === 'rjenkins1' ? 0 : intNode(hashTok.text);
    const { items, weights, total } = this.bucketItems(d, alg);

    if (id === 0) for (id = -1; this.idItem.has(id); id--);
    if (classIds.size > 0) {
      const m = this.textClassBucket.get(id) ?? new Map<number, number>();
      for (const [c, shadow] of classIds) m.set(c, shadow);
      this.textClassBucket.set(id, m);
    }
    this.idItem.set(id, name);
    this.itemId.set(name, id);
    this.itemWeight.set(id, total);
    try {
      const b = makeBucket({ alg, hash: hash & 0xff, type: type & 0xffff, id }, items, weights, this.map.tunables.strawCalcVersion);
      if (this.placeBucket(id, b) === undefined) throw this.fail(d.name.at, `Duplicate bucket id ${id}`);
    } catch (e) {
      if (!(e instanceof BuildFailure)) throw e;
      throw this.fail(d.name.at, `cannot build bucket '${name}': ${e.message}`);
    }
    this.map.nameMap.set(id, name);
  }

  /** Items in position order with their u32 weights, and the sum the compiler records. */
  private bucketItems(d: BucketDecl, alg: number): { items: number[]; weights: number[]; total: number } {
    const name = d.name.text;
    const used = new Set<number>();
    for (const it of d.items) {
      if (it.pos === undefined) continue;
      const pos = intNode(it.pos.text);
      if (used.has(pos)) throw this.fail(it.pos.at, `item '${it.name.text}' in bucket '${name}' has explicit pos ${pos}, which is occupied`);
      used.add(pos);
    }
    let size = d.items.length;
    for (const pos of used) if (pos > size) size = pos;
    const items = new Array<number>(size).fill(0);
    const weights = new Array<number>(size).fill(0);
    let curpos = 0;
    let total = 0;
    let uniformWeight: number | undefined;
    for (const it of d.items) {
      const itemId = this.itemId.get(it.name.text);
      if (itemId === undefined) throw this.fail(it.name.at, `item '${it.name.text}' in bucket '${name}' is not defined`);
      let weight = this.itemWeight.get(itemId) ?? 0x10000;
      if (it.weight !== undefined) {
        weight = weight16(it.weight.text);
        if (weight > MAX_DEVICE_WEIGHT && itemId >= 0) throw this.fail(it.weight.at, 'device weight limited to 100');
        if (weight > MAX_BUCKET_WEIGHT && itemId < 0) throw this.fail(it.weight.at, 'bucket weight limited to 65535 to prevent overflow');
      }
      if (alg === BUCKET_UNIFORM) {
        if (uniformWeight === undefined) uniformWeight = weight;
        else if (uniformWeight !== weight) {
          throw this.fail(it.name.at, `item '${it.name.text}' in uniform bucket '${name}' has weight ${weight} but previous item(s) have weight ${uniformWeight / 0x10000}; uniform bucket items must all have identical weights.`);
        }
      }
      let pos = it.pos === undefined ? -1 : intNode(it.pos.text);
      if (pos >= size) throw this.fail(it.name.at, `item '${it.name.text}' in bucket '${name}' has pos ${pos} >= size ${size}`);
      if (pos < 0) {
        while (used.has(curpos)) curpos++;
        pos = curpos++;
      }
      items[pos] = itemId;
      weights[pos] = weight;
      if (additionIsUnsafe(total, weight)) throw this.fail(it.name.at, 'bucket weights overflow: lower the item weights');
      total = (total + weight) >>> 0;
    }
    return { items, weights, total };
  }

  /** crush_add_bucket: id 0 takes the first free slot; the array doubles from 8 to reach the id. */
  private placeBucket(id: number, b: CrushBucket): number | undefined {
    const bs = this.map.buckets;
    if (id === 0) {
      let pos = 0;
      while (pos < bs.length && bs[pos] !== null) pos++;
      id = -1 - pos;
    }
    const pos = -1 - id;
    if (pos >= MAX_SLOTS) throw new BuildFailure(`bucket id ${id} would need ${pos + 1} bucket slots (monctl allocates at most ${MAX_SLOTS})`);
    while (pos >= bs.length) {
      const grow = bs.length === 0 ? 8 : bs.length;
      for (let k = 0; k < grow; k++) bs.push(null);
    }
    if (bs[pos] !== null) return undefined;
    b.id = id;
    bs[pos] = b;
    return id;
  }

  private classState(): ClassState {
    const m = this.map;
    return {
      buckets: m.buckets,
      nameMap: m.nameMap,
      classMap: m.classMap,
      className: m.className,
      classBucket: m.classBucket,
      strawCalcVersion: m.tunables.strawCalcVersion,
      placeBucket: (id, b) => this.placeBucket(id, b),
    };
  }

  private rule(d: RuleDecl): void {
    const rname = d.name?.text ?? '';
    if (rname !== '' && this.ruleId.has(rname)) throw this.fail(d.name!.at, `rule name '${rname}' already defined`);
    const ruleno = intNode(d.id.text);
    const type = RULE_TYPES[d.type.text]!;
    const rules = this.map.rules;
    if (ruleno >= 0 && ruleno < rules.length && rules[ruleno] !== null) throw this.fail(d.id.at, `rule ${ruleno} already exists`);
    const rule: CrushRule = {
      ruleset: ruleno & 0xff,
      type,
      minSize: 1,
      maxSize: 100,
      steps: [],
    };
    if (this.grammar.optionalSizes) {
      // Quincy's compiler ignores the sizes, saying so; the rule keeps crush_make_rule's 1 and 100.
      if (d.minSize !== undefined) this.warn('WARNING: min_size is no longer supported, ignoring');
      if (d.maxSize !== undefined) this.warn('WARNING: max_size is no longer supported, ignoring');
    } else {
      rule.minSize = intNode(d.minSize!.text) & 0xff;
      rule.maxSize = intNode(d.maxSize!.text) & 0xff;
    }
    if (this.addRule(rule, ruleno) !== ruleno) throw this.fail(d.id.at, `unable to add rule id ${ruleno} for rule '${rname}'`);
    if (rname !== '') {
      this.map.ruleNameMap.set(ruleno, rname);
      this.ruleId.set(rname, ruleno);
    }
    for (const s of d.steps) rule.steps.push(this.step(s, rname));
  }

  /** crush_add_rule: a negative id takes the first free slot; the array grows to the id. */
  private addRule(rule: CrushRule, ruleno: number): number {
    const rules = this.map.rules;
    let r = ruleno;
    if (r < 0) for (r = 0; r < rules.length && rules[r] !== null; r++);
    if (r >= rules.length) {
      if (rules.length + 1 > MAX_RULES) return -28; // -ENOSPC
      if (r >= MAX_SLOTS) return -12; // -ENOMEM, as Ceph's realloc of 2^31 rules would
      while (rules.length <= r) rules.push(null);
    }
    rules[r] = rule;
    return r;
  }

  private step(s: RuleStep, rname: string): { op: number; arg1: number; arg2: number } {
    switch (s.kind) {
      case 'emit':
        return { op: RuleOp.EMIT, arg1: 0, arg2: 0 };
      case 'set':
        return { op: SET_OPS[s.op]!, arg1: intNode(s.value.text), arg2: 0 };
      case 'take':
        return { op: RuleOp.TAKE, arg1: this.takeTarget(s.item, s.cls, rname), arg2: 0 };
      case 'choose': {
        const type = this.typeId.get(s.type.text);
        if (type === undefined) throw this.fail(s.type.at, `in rule '${rname}' type '${s.type.text}' not defined`);
        const op = s.leaf
          ? s.mode === 'firstn' ? RuleOp.CHOOSELEAF_FIRSTN : RuleOp.CHOOSELEAF_INDEP
          : s.mode === 'firstn' ? RuleOp.CHOOSE_FIRSTN : RuleOp.CHOOSE_INDEP;
        return { op, arg1: intNode(s.n.text), arg2: type };
      }
      case 'choosemsr': {
        const type = this.typeId.get(s.type.text);
        if (type === undefined) throw this.fail(s.type.at, `in rule '${rname}' type '${s.type.text}' not defined`);
        return { op: RuleOp.CHOOSE_MSR, arg1: intNode(s.n.text), arg2: type };
      }
    }
  }

  private takeTarget(item: Tok, cls: Tok | undefined, rname: string): number {
    const id = this.itemId.get(item.text);
    if (id === undefined) throw this.fail(item.at, `in rule '${rname}' item '${item.text}' not defined`);
    if (cls === undefined) return id;
    const c = [...this.map.className].find(([, n]) => n === cls.text)?.[0];
    if (c === undefined) throw this.fail(cls.at, `in rule '${rname}' device class '${cls.text}' does not exist`);
    const perClass = this.map.classBucket.get(id);
    if (perClass === undefined) throw this.fail(item.at, `in rule '${rname}' step take ${item.text} has no class information`);
    const shadow = perClass.get(c);
    if (shadow === undefined) throw this.fail(cls.at, `in rule '${rname}' step take ${item.text} no matching bucket for class ${cls.text}`);
    return shadow;
  }

  private chooseArgs(d: ChooseArgsDecl): void {
    const key = BigInt(intNode(d.key.text));
    if (this.map.chooseArgs.has(key)) throw this.fail(d.key.at, `choose_args ${key} duplicated`);
    const maxBuckets = this.map.buckets.length;
    const byIndex = new Map<number, ChooseArg>();
    for (const a of d.args) {
      const bucketId = intNode(a.bucketId.text);
      const index = -1 - bucketId;
      if (index < 0 || index >= maxBuckets) throw this.fail(a.bucketId.at, `${bucketId} is out of range`);
      const b = this.map.buckets[index];
      if (b === null || b === undefined) throw this.fail(a.bucketId.at, `${bucketId} does not exist`);
      const arg = byIndex.get(index) ?? { bucketIndex: index, weightSet: [], ids: [] };
      if (a.weightSet !== undefined) {
        arg.weightSet = a.weightSet.map((ws) => {
          if (ws.length !== b.items.length) throw this.fail(a.bucketId.at, `${bucketId} needs exactly ${b.items.length} weights but got ${ws.length}`);
          return ws.map((w) => weight16(w.text));
        });
      }
      if (a.ids !== undefined) {
        if (a.ids.length !== b.items.length) throw this.fail(a.bucketId.at, `${bucketId} needs exactly ${b.items.length} ids but got ${a.ids.length}`);
        arg.ids = a.ids.map((t) => intNode(t.text));
      }
      byIndex.set(index, arg);
    }
    this.map.chooseArgs.set(key, [...byIndex.values()].sort((x, y) => x.bucketIndex - y.bucketIndex));
  }

  /** CrushWrapper::finalize. */
  private finalize(): void {
    this.map.maxDevices = finalizedMaxDevices(this.map);
  }
}
