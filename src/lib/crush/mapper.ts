/**
 * crush_do_rule (Ceph `src/crush/mapper.c`): run one rule for one input x and
 * return the chosen items.
 *
 * A `CrushContext` is built once per map (and choose_args selection): the buckets as typed
 * arrays, max_devices, the tunables to use, and scratch vectors reused by every call. The map is
 * only read. The context belongs to its caller and is not safe to share between concurrent
 * callers (there are none in single-threaded JS, but keep one per worker).
 */
import { MonctlError } from '../errors.js';
import { bucketChoose, permChoose, runtimeBucket, type RuntimeBucket } from './buckets.js';
import { hash32_2 } from './hash.js';
import { isMsrRuleType, msrDoRule, newMsrScratch, type MsrInput, type MsrScratch } from './mapper-msr.js';
import { BUCKET_UNIFORM, RuleOp, effectiveChooseArgs, effectiveMaxDevices, type ChooseArg, type CrushMap, type CrushRule, type CrushTunables } from './types.js';

/** "No item here" in a result (printed as 2147483647). */
export const CRUSH_ITEM_NONE = 0x7fffffff;
/** A slot not decided yet; never leaves doRule. */
const CRUSH_ITEM_UNDEF = 0x7ffffffe;

/** CrushWrapper's DEFAULT_CHOOSE_ARGS: the "compat" weight set, stored under key −1. */
export const DEFAULT_CHOOSE_ARGS = -1n;

export interface CrushContextOptions {
  /**
   * Which choose_args set to use: this key if present, else −1, else none
   * (CrushWrapper::choose_args_get_with_fallback). `null` = never use choose_args.
   * crushtool --test uses 0; an OSDMap uses the pool id. Default: null.
   */
  chooseArgsIndex?: bigint | null;
  /** Override the map's tunables (default: the map's own). */
  tunables?: CrushTunables;
}

export interface CrushContext {
  readonly map: CrushMap;
  readonly tunables: CrushTunables;
  /** One past the largest device id (CrushWrapper recomputes it on decode). */
  readonly maxDevices: number;
  /** Indexed by −1 − bucket id; null for holes. */
  readonly buckets: readonly (RuntimeBucket | null)[];
  /** Scratch, grown on demand and reused across calls. */
  scratch: Scratch;
}

interface Scratch {
  capacity: number;
  /** The per-call state and step spec, reset by every doRule call (no objects made per mapping). */
  run: RuleRun | undefined;
  spec: ChooseSpec;
  w: Int32Array;
  o: Int32Array;
  c: Int32Array;
  result: Int32Array;
  perm: Int32Array;
  /** Squid msr rules' step vectors (mapper-msr.ts). */
  msr: MsrScratch;
  /** What msrDoRule reads of the context, made on the first msr rule. */
  msrInput: MsrInput | undefined;
}

function newScratch(capacity: number, maxBucketSize: number): Scratch {
  return {
    capacity,
    run: undefined,
    spec: { type: 0, tries: 0, recurseTries: 0, leaf: false },
    w: new Int32Array(capacity),
    o: new Int32Array(capacity),
    c: new Int32Array(capacity),
    result: new Int32Array(capacity),
    perm: new Int32Array(Math.max(1, maxBucketSize)),
    msr: newMsrScratch(),
    msrInput: undefined,
  };
}

export function createCrushContext(map: CrushMap, opts: CrushContextOptions = {}): CrushContext {
  let args: ChooseArg[] | undefined;
  const index = opts.chooseArgsIndex ?? null;
  if (index !== null) {
    const all = effectiveChooseArgs(map);
    args = all.get(index) ?? all.get(DEFAULT_CHOOSE_ARGS);
  }
  const byBucket = new Map<number, ChooseArg>();
  for (const a of args ?? []) byBucket.set(a.bucketIndex, a);
  let maxSize = 0;
  const buckets = map.buckets.map((b, i) => {
    if (b === null) return null;
    maxSize = Math.max(maxSize, b.items.length);
    return runtimeBucket(b, byBucket.get(i));
  });
  return {
    map,
    tunables: opts.tunables ?? map.tunables,
    maxDevices: effectiveMaxDevices(map),
    buckets,
    scratch: newScratch(0, maxSize),
  };
}

/** What one choose call is asked to find (the per-step constants of Ceph's long argument lists). */
interface ChooseSpec {
  /** Bucket type wanted (0 = device). */
  type: number;
  /** Descents allowed (firstn) / rounds (indep). */
  tries: number;
  /** tries handed to the leaf recursion. */
  recurseTries: number;
  /** chooseleaf: descend from each chosen bucket to a device. */
  leaf: boolean;
}

/** The inputs every choose of one doRule call reads. */
interface RuleRun {
  ctx: CrushContext;
  x: number;
  weights: ArrayLike<number>;
  weightMax: number;
  localRetries: number;
  localFallbackRetries: number;
  varyR: number;
  stable: number;
  /** The spec of a chooseleaf recursion: type 0, no further recursion. */
  inner: ChooseSpec;
}

/**
 * is_out: the device reweight test. Only type-0 items get here; a reweight between 0 and 1
 * keeps the device for a hash-determined share of inputs.
 */
function isOut(run: RuleRun, item: number): boolean {
  if (item >= run.weightMax) return true;
  const w = run.weights[item]!;
  if (w >= 0x10000) return false;
  if (w === 0) return true;
  return (hash32_2(run.x, item) & 0xffff) >= w;
}

/**
 * A descent that has stepped into more buckets than the map holds has met one twice. Each step
 * down is a pure function of (bucket, x, r) and r does not change on the way down, so Ceph's
 * choosers would go round that cycle forever (crushtool and osdmaptool never return): say so
 * instead. Only a map whose buckets contain each other gets here.
 */
export function crushLoopError(x: number, bucketId: number): MonctlError {
  return new MonctlError('DECODE_INVALID', `CRUSH loop: mapping x ${x | 0} descends through bucket ${bucketId} again (a bucket contains itself or an ancestor); Ceph's mapper never returns here`, {
    actions: ['Find the cycle with `crush decompile` (it refuses such a map) and remove the bucket from its own subtree.'],
  });
}

/** The bucket an item names, or null when it names none. */
function bucketOf(ctx: CrushContext, item: number): RuntimeBucket | null {
  const bno = -1 - item;
  return bno >= 0 && bno < ctx.buckets.length ? ctx.buckets[bno]! : null;
}

/**
 * crush_choose_firstn: fill out[base+outpos…] with up to numrep distinct items of `spec.type`
 * below `bucket`, retrying on collisions, rejected leaves and out devices. Returns the new outpos.
 *
 * Quirks kept from Ceph: r grows by one for every failure (local or full descent); a collision
 * only looks inside this call's own segment out[base, base+outpos); `flocal` resets only on a
 * new descent, not when stepping into a child bucket; with chooseleaf_stable the replica loop
 * starts at 0 and the leaf recursion asks for one item.
 */
function chooseFirstn(
  run: RuleRun,
  spec: ChooseSpec,
  bucket: RuntimeBucket,
  numrep: number,
  out: Int32Array,
  base: number,
  outpos: number,
  outSize: number,
  out2: Int32Array | null,
  base2: number,
  parentR: number,
): number {
  const ctx = run.ctx;
  let count = outSize;
  for (let rep = run.stable ? 0 : outpos; rep < numrep && count > 0; rep++) {
    let ftotal = 0;
    let skip = false;
    let item = 0;
    let descend = true;
    while (descend) {
      descend = false;
      let into = bucket;
      let flocal = 0;
      let depth = 0;
      for (;;) {
        const r = rep + parentR + ftotal;
        let collide = false;
        let reject = false;
        let itemtype = 0;
        if (into.size === 0) {
          reject = true;
        } else {
          if (run.localFallbackRetries > 0 && flocal >= into.size >>> 1 && flocal > run.localFallbackRetries) {
            item = permChoose(into, run.x, r, ctx.scratch.perm);
          } else {
            item = bucketChoose(into, run.x, r, outpos, ctx.scratch.perm);
          }
          if (item >= ctx.maxDevices) {
            skip = true;
            break;
          }
          const child = item < 0 ? bucketOf(ctx, item) : null;
          itemtype = child === null ? 0 : child.type;
          if (itemtype !== spec.type) {
            if (child === null) {
              skip = true;
              break;
            }
            if (++depth > ctx.buckets.length) throw crushLoopError(run.x, child.id);
            into = child; // same r: a step down is not a failure
            continue;
          }
          for (let i = 0; i < outpos; i++) {
            if (out[base + i] === item) {
              collide = true;
              break;
            }
          }
          if (!collide && spec.leaf) {
            if (item < 0) {
              // vary_r: pass r (shifted by vary_r − 1) into the leaf descent; 0 = legacy (ignore r).
              const subR = run.varyR ? r >> (run.varyR - 1) : 0;
              const got = chooseFirstn(run, run.inner, child!, run.stable ? 1 : outpos + 1, out2!, base2, outpos, count, null, 0, subR);
              if (got <= outpos) reject = true;
            } else {
              out2![base2 + outpos] = item;
            }
          }
          if (!reject && !collide && itemtype === 0) reject = isOut(run, item);
        }
        if (!reject && !collide) break;
        ftotal++;
        flocal++;
        depth = 0; // a retry changes r: a new walk down
        if (collide && flocal <= run.localRetries) continue;
        if (run.localFallbackRetries > 0 && flocal <= into.size + run.localFallbackRetries) continue;
        if (ftotal < spec.tries) descend = true;
        else skip = true;
        break;
      }
      if (skip) break;
    }
    if (skip) continue;
    out[base + outpos] = item;
    outpos++;
    count--;
  }
  return outpos;
}

/**
 * crush_choose_indep: fill exactly `left` slots out[base+outpos … base+outpos+left) — positions
 * are stable, a slot that cannot be filled becomes NONE instead of shifting the others. Each
 * round retries only the undecided slots with r = rep + parent_r + numrep·ftotal, or
 * (numrep+1)·ftotal in a uniform bucket whose size is a multiple of numrep (Ceph's fix for the
 * permutation repeating itself). The leaf recursion gets the outer numrep and parent_r = r.
 */
function chooseIndep(
  run: RuleRun,
  spec: ChooseSpec,
  bucket: RuntimeBucket,
  left: number,
  numrep: number,
  out: Int32Array,
  base: number,
  outpos: number,
  out2: Int32Array | null,
  base2: number,
  parentR: number,
): void {
  const ctx = run.ctx;
  const endpos = outpos + left;
  for (let rep = outpos; rep < endpos; rep++) {
    out[base + rep] = CRUSH_ITEM_UNDEF;
    if (out2 !== null) out2[base2 + rep] = CRUSH_ITEM_UNDEF;
  }
  for (let ftotal = 0; left > 0 && ftotal < spec.tries; ftotal++) {
    for (let rep = outpos; rep < endpos; rep++) {
      if (out[base + rep] !== CRUSH_ITEM_UNDEF) continue;
      let into = bucket;
      let depth = 0;
      for (;;) {
        let r = rep + parentR;
        r += (into.alg === BUCKET_UNIFORM && into.size % numrep === 0 ? numrep + 1 : numrep) * ftotal;
        if (into.size === 0) break; // stays UNDEF, retried next round
        const item = bucketChoose(into, run.x, r, outpos, ctx.scratch.perm);
        const child = item < 0 ? bucketOf(ctx, item) : null;
        if (item >= ctx.maxDevices || (item < 0 && child === null)) {
          out[base + rep] = CRUSH_ITEM_NONE;
          if (out2 !== null) out2[base2 + rep] = CRUSH_ITEM_NONE;
          left--;
          break;
        }
        const itemtype = child === null ? 0 : child.type;
        if (itemtype !== spec.type) {
          if (child === null) {
            out[base + rep] = CRUSH_ITEM_NONE;
            if (out2 !== null) out2[base2 + rep] = CRUSH_ITEM_NONE;
            left--;
            break;
          }
          if (++depth > ctx.buckets.length) throw crushLoopError(run.x, child.id);
          into = child;
          continue;
        }
        let collide = false;
        for (let i = outpos; i < endpos; i++) {
          if (out[base + i] === item) {
            collide = true;
            break;
          }
        }
        if (collide) break;
        if (spec.leaf) {
          if (child !== null) {
            chooseIndep(run, run.inner, child, 1, numrep, out2!, base2, rep, null, 0, r);
            if (out2![base2 + rep] === CRUSH_ITEM_NONE) break;
          } else {
            out2![base2 + rep] = item;
          }
        }
        if (itemtype === 0 && isOut(run, item)) break;
        out[base + rep] = item;
        left--;
        break;
      }
    }
  }
  for (let rep = outpos; rep < endpos; rep++) {
    if (out[base + rep] === CRUSH_ITEM_UNDEF) out[base + rep] = CRUSH_ITEM_NONE;
    if (out2 !== null && out2[base2 + rep] === CRUSH_ITEM_UNDEF) out2[base2 + rep] = CRUSH_ITEM_NONE;
  }
}

/**
 * crush_do_rule into `ctx.scratch.result`; returns the result length. Use doRule unless the
 * allocation of the result array matters.
 *
 * `weights` is the device reweight vector (16.16; 0 = out, 0x10000 = in): an OSDMap's
 * osd_weight, or crushtool's per-device test weights. Devices at or beyond its length are out.
 */
export function doRuleInto(ctx: CrushContext, ruleno: number, x: number, resultMax: number, weights: ArrayLike<number>): number {
  const rule = ruleno >= 0 ? ctx.map.rules[ruleno] : undefined;
  if (rule === undefined || rule === null || resultMax <= 0) return 0;
  if (ctx.scratch.capacity < resultMax) ctx.scratch = newScratch(resultMax, ctx.scratch.perm.length);
  // crush_do_rule: Squid's msr rule types take their own path (crush_msr_do_rule).
  if (isMsrRuleType(rule.type)) return runMsr(ctx, rule, x >>> 0, resultMax, weights);
  return runSteps(ctx, rule, x >>> 0, resultMax, weights);
}

/** crush_do_rule: the items chosen for input x (NONE = 2147483647 marks holes in indep results). */
export function doRule(ctx: CrushContext, ruleno: number, x: number, resultMax: number, weights: ArrayLike<number>): number[] {
  const n = doRuleInto(ctx, ruleno, x, resultMax, weights);
  return Array.from(ctx.scratch.result.subarray(0, n));
}

function runMsr(ctx: CrushContext, rule: CrushRule, x: number, resultMax: number, weights: ArrayLike<number>): number {
  const sc = ctx.scratch;
  sc.msrInput ??= {
    buckets: ctx.buckets,
    msrDescents: ctx.tunables.msrDescents,
    msrCollisionTries: ctx.tunables.msrCollisionTries,
    perm: sc.perm,
    loopError: crushLoopError,
  };
  return msrDoRule(sc.msrInput, sc.msr, rule, x, resultMax, weights, sc.result);
}

function runSteps(ctx: CrushContext, rule: CrushRule, x: number, resultMax: number, weights: ArrayLike<number>): number {
  const t = ctx.tunables;
  const sc = ctx.scratch;
  const result = sc.result;
  // The stored value counts retries; the loops count attempts (Ceph's "+ 1").
  let chooseTries = t.chooseTotalTries + 1;
  let chooseLeafTries = 0;
  const run: RuleRun = (sc.run ??= {
    ctx,
    x: 0,
    weights,
    weightMax: 0,
    localRetries: 0,
    localFallbackRetries: 0,
    varyR: 0,
    stable: 0,
    inner: { type: 0, tries: 0, recurseTries: 0, leaf: false },
  });
  run.x = x;
  run.weights = weights;
  run.weightMax = weights.length;
  run.localRetries = t.chooseLocalTries;
  run.localFallbackRetries = t.chooseLocalFallbackTries;
  run.varyR = t.chooseleafVaryR;
  run.stable = t.chooseleafStable;
  let w = sc.w;
  let o = sc.o;
  const c = sc.c;
  let wsize = 0;
  let resultLen = 0;
  for (const step of rule.steps) {
    const a1 = step.arg1;
    switch (step.op) {
      case RuleOp.TAKE: {
        // An id that is neither a known device nor an existing bucket leaves w unchanged.
        const bucketOk = a1 < 0 && -1 - a1 < ctx.buckets.length && ctx.buckets[-1 - a1] !== null;
        if ((a1 >= 0 && a1 < ctx.maxDevices) || bucketOk) {
          w[0] = a1;
          wsize = 1;
        }
        break;
      }
      case RuleOp.SET_CHOOSE_TRIES:
        if (a1 > 0) chooseTries = a1;
        break;
      case RuleOp.SET_CHOOSELEAF_TRIES:
        if (a1 > 0) chooseLeafTries = a1;
        break;
      case RuleOp.SET_CHOOSE_LOCAL_TRIES:
        if (a1 >= 0) run.localRetries = a1;
        break;
      case RuleOp.SET_CHOOSE_LOCAL_FALLBACK_TRIES:
        if (a1 >= 0) run.localFallbackRetries = a1;
        break;
      case RuleOp.SET_CHOOSELEAF_VARY_R:
        if (a1 >= 0) run.varyR = a1;
        break;
      case RuleOp.SET_CHOOSELEAF_STABLE:
        if (a1 >= 0) run.stable = a1;
        break;
      case RuleOp.CHOOSE_FIRSTN:
      case RuleOp.CHOOSELEAF_FIRSTN:
      case RuleOp.CHOOSE_INDEP:
      case RuleOp.CHOOSELEAF_INDEP: {
        if (wsize === 0) break;
        const firstn = step.op === RuleOp.CHOOSE_FIRSTN || step.op === RuleOp.CHOOSELEAF_FIRSTN;
        const leaf = step.op === RuleOp.CHOOSELEAF_FIRSTN || step.op === RuleOp.CHOOSELEAF_INDEP;
        const spec = sc.spec;
        spec.type = step.arg2;
        spec.tries = chooseTries;
        spec.recurseTries = 0;
        spec.leaf = leaf;
        let osize = 0;
        for (let i = 0; i < wsize; i++) {
          // numrep ≤ 0 is relative to the number of results asked for.
          let numrep = a1;
          if (numrep <= 0) {
            numrep += resultMax;
            if (numrep <= 0) continue;
          }
          const bucket = bucketOf(ctx, w[i]!);
          if (w[i]! >= 0 || bucket === null) continue; // devices and NONE are not descended into
          if (firstn) {
            // chooseleaf_descend_once: one leaf attempt, a failure retries the outer choice.
            spec.recurseTries = chooseLeafTries ? chooseLeafTries : ctx.tunables.chooseleafDescendOnce ? 1 : chooseTries;
            run.inner.tries = spec.recurseTries;
            osize += chooseFirstn(run, spec, bucket, numrep, o, osize, 0, resultMax - osize, c, osize, 0);
          } else {
            const k = Math.min(numrep, resultMax - osize);
            spec.recurseTries = chooseLeafTries ? chooseLeafTries : 1;
            run.inner.tries = spec.recurseTries;
            chooseIndep(run, spec, bucket, k, numrep, o, osize, 0, c, osize, 0);
            osize += k;
          }
        }
        if (leaf) o.set(c.subarray(0, osize));
        const tmp = o;
        o = w;
        w = tmp;
        wsize = osize;
        break;
      }
      case RuleOp.EMIT:
        for (let i = 0; i < wsize && resultLen < resultMax; i++) result[resultLen++] = w[i]!;
        wsize = 0;
        break;
      default:
        // NOOP and unknown opcodes do nothing.
        break;
    }
  }
  return resultLen;
}
