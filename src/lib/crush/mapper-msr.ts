/**
 * MSR ("multi-step retry") rules, Squid and later (Ceph `src/crush/mapper.c`
 * crush_msr_do_rule and its crush_msr_* helpers). A rule of type msr_firstn or msr_indep is a
 * prefix of `set_msr_descents` / `set_msr_collision_tries` steps followed by blocks of
 * `take`, `choosemsr`…, `emit`. Each block is mapped depth first, one stride of result
 * positions per item chosen at a level; an out device is not retried on the spot but by a new
 * descent from the block's root (up to msr_descents of them), so a step above the leaves can
 * pick another bucket too.
 *
 * Everything here is integer math over the caller's typed scratch: the per-step collision
 * vectors (Ceph's step_vecs) and the per-level undo vectors live in one Int32Array each,
 * `resultMax` entries per choose step of the block.
 *
 * Where Ceph's code would assert or read out of bounds (an empty bucket on the way down, a
 * choose step whose type is met by a device, a `take` of a missing bucket, an MSR block with
 * no choose step, a `take` of a device in an msr rule — which makes crush_msr_do_rule emit the
 * same device until an assertion stops the process), this mapper stops that block instead:
 * no real map reaches those paths, and crushtool cannot answer them either.
 */
import { bucketChoose, type RuntimeBucket } from './buckets.js';
import { hash32_2 } from './hash.js';
import { RULE_TYPE_MSR_FIRSTN, RULE_TYPE_MSR_INDEP, RuleOp, type CrushRule, type CrushRuleStep } from './types.js';

const ITEM_NONE = 0x7fffffff;
const ITEM_UNDEF = 0x7ffffffe;
/** A descent that Ceph could not complete (see the file comment); never a real item id. */
const DEAD_END = -0x80000000;

/** rule_type_is_msr */
export function isMsrRuleType(type: number): boolean {
  return type === RULE_TYPE_MSR_FIRSTN || type === RULE_TYPE_MSR_INDEP;
}

/** The parts of a CrushContext an MSR run reads (mapper.ts owns the context). */
export interface MsrInput {
  readonly buckets: readonly (RuntimeBucket | null)[];
  readonly msrDescents: number;
  readonly msrCollisionTries: number;
  /** bucket_perm_choose scratch, at least the largest bucket's size. */
  readonly perm: Int32Array;
  /** The error for a descent caught in a bucket cycle (mapper.ts crushLoopError). */
  readonly loopError: (x: number, bucketId: number) => Error;
}

/** Reusable scratch of an MSR run. */
export interface MsrScratch {
  /** step_vecs: `resultMax` entries per choose step of the current block. */
  vecs: Int32Array;
  /** crush_msr_choose's undo vectors, one `resultMax` slice per recursion level. */
  undo: Int32Array;
}

export function newMsrScratch(): MsrScratch {
  return { vecs: new Int32Array(0), undo: new Int32Array(0) };
}

/** One crush_msr_do_rule call's invariants and output cursor (crush_msr_input/_workspace/_output). */
interface MsrRun {
  in: MsrInput;
  steps: readonly CrushRuleStep[];
  firstn: boolean;
  x: number;
  weights: ArrayLike<number>;
  resultMax: number;
  descents: number;
  collisionTries: number;
  /** First choose step of the current block: vecs slice k belongs to step blockStart + k. */
  blockStart: number;
  vecs: Int32Array;
  undo: Int32Array;
  out: Int32Array;
  returned: number;
}

/** is_out, as crush_do_rule's choosers use it. */
function isOut(weights: ArrayLike<number>, x: number, item: number): boolean {
  if (item >= weights.length) return true;
  const w = weights[item]!;
  if (w >= 0x10000) return false;
  if (w === 0) return true;
  return (hash32_2(x, item) & 0xffff) >= w;
}

/**
 * crush_msr_get_retry_value: the r handed to the bucket choosers — the descent number and the
 * stride index in the high 16 bits, the local collision try in the low ones (u32 arithmetic).
 */
function retryValue(resultMax: number, index: number, tryno: number, localTryno: number): number {
  return ((((Math.imul(tryno, resultMax) + index) | 0) << 16) + localTryno) >>> 0;
}

/** crush_msr_descend: walk down from `bucket` until a device or a bucket of `type`. */
function descend(run: MsrRun, bucket: RuntimeBucket, type: number, tryno: number, localTryno: number, index: number): number {
  const r = retryValue(run.resultMax, index, tryno, localTryno);
  let depth = 0;
  for (;;) {
    if (bucket.size === 0) return DEAD_END;
    const item = bucketChoose(bucket, run.x, r, index, run.in.perm);
    if (item >= 0) return item;
    const child = run.in.buckets[-1 - item];
    if (child === null || child === undefined) return DEAD_END;
    if (child.type === type) return item;
    if (++depth > run.in.buckets.length) throw run.in.loopError(run.x, child.id); // a bucket cycle: Ceph never returns
    bucket = child;
  }
}

/**
 * crush_msr_valid_candidate: the first slot of [exStart, exEnd) holding `item` decides — inside
 * [inStart, inEnd) it is this stride's own earlier choice (valid), elsewhere a collision.
 */
function validCandidate(run: MsrRun, vec: number, exStart: number, exEnd: number, inStart: number, inEnd: number, item: number): boolean {
  const v = run.vecs;
  for (let i = exStart; i < exEnd; i++) {
    if (v[vec + i] === item) return i >= inStart && i < inEnd;
  }
  return true;
}

/** crush_msr_push_used: add `item` to the stride's set; false if it was there already. */
function pushUsed(run: MsrRun, vec: number, start: number, end: number, item: number): boolean {
  const v = run.vecs;
  for (let i = start; i < end; i++) {
    if (v[vec + i] === item) return false;
    if (v[vec + i] === ITEM_UNDEF) {
      v[vec + i] = item;
      return true;
    }
  }
  return false; // Ceph: unreachable (a stride never holds more than its length)
}

/** crush_msr_pop_used: drop the stride's last entry (the bucket that mapped nothing). */
function popUsed(run: MsrRun, vec: number, start: number, end: number): void {
  const v = run.vecs;
  for (let i = end - 1; i >= start; i--) {
    if (v[vec + i] !== ITEM_UNDEF) {
      v[vec + i] = ITEM_UNDEF;
      return;
    }
  }
}

/** crush_msr_emit_result: firstn appends, indep writes the item at its position. */
function emit(run: MsrRun, position: number, item: number): void {
  if (position >= run.resultMax || run.returned >= run.resultMax) return; // Ceph asserts
  if (run.firstn) run.out[run.returned++] = item;
  else {
    run.out[position] = item;
    run.returned++;
  }
}

/** crush_msr_leaf_vec_populated: every slot of [start, end) has its leaf (the block's last step vector). */
function leafPopulated(run: MsrRun, endStep: number, start: number, end: number): boolean {
  const v = run.vecs;
  const leaf = (endStep - run.blockStart - 1) * run.resultMax;
  for (let i = start; i < end; i++) if (v[leaf + i] === ITEM_UNDEF) return false;
  return true;
}

/**
 * crush_msr_choose: map positions [start, end) below `bucket` with the choose steps
 * [stepno, endStep). The range is cut into `num` strides; each stride takes one item of the
 * step's type that no other stride of the range holds (its own earlier pick is fine), retrying
 * collisions locally up to msr_collision_tries times, then recurses into it for the next step.
 * An out leaf is skipped (the next descent retries it). A bucket that mapped nothing for its
 * stride is forgotten only on the way out, so it still collides for the strides after it.
 * Returns how many positions were mapped.
 */
function choose(run: MsrRun, bucket: RuntimeBucket, total: number, start: number, end: number, stepno: number, endStep: number, tryno: number): number {
  const step = run.steps[stepno]!;
  const numStrides = step.arg1 !== 0 ? step.arg1 >>> 0 : run.resultMax;
  const strideLength = Math.floor(total / numStrides);
  if (strideLength === 0) return 0; // Ceph asserts total % num_strides == 0
  const vec = (stepno - run.blockStart) * run.resultMax;
  const undo = vec; // the same slice layout: one resultMax slice per step (= recursion level)
  const type = step.arg2;
  const last = stepno + 1 === endStep;
  let mapped = 0;
  let strideIndex = 0;
  for (let sStart = start; sStart < end; sStart += strideLength, strideIndex++) {
    run.undo[undo + strideIndex] = ITEM_UNDEF;
    const sEnd = Math.min(sStart + strideLength, end);
    if (leafPopulated(run, endStep, sStart, sEnd)) continue;
    let item = DEAD_END;
    let found = false;
    for (let local = 0; local < run.collisionTries; local++) {
      item = descend(run, bucket, type, tryno, local, strideIndex);
      if (item === DEAD_END) break;
      if (validCandidate(run, vec, start, end, sStart, sEnd, item)) {
        found = true;
        break;
      }
    }
    if (!found) continue;
    if (type === 0) {
      // A leaf step must be the block's last, one position per stride; else the rule is malformed.
      if (strideLength !== 1 || !last) continue;
      if (isOut(run.weights, run.x, item)) continue;
      pushUsed(run, vec, sStart, sEnd, item);
      emit(run, sStart, item);
      mapped++;
    } else {
      if (last || item >= 0) continue; // nothing below to choose with, or a device where a bucket was asked
      const child = run.in.buckets[-1 - item]!;
      const childMapped = choose(run, child, strideLength, sStart, sEnd, stepno + 1, endStep, tryno);
      const pushed = pushUsed(run, vec, sStart, sEnd, item);
      if (pushed && childMapped === 0) run.undo[undo + strideIndex] = item;
      else mapped += childMapped;
    }
  }
  strideIndex = 0;
  for (let sStart = start; sStart < end; sStart += strideLength, strideIndex++) {
    if (run.undo[undo + strideIndex] !== ITEM_UNDEF) popUsed(run, vec, sStart, Math.min(sStart + strideLength, end));
  }
  return mapped;
}

/** crush_msr_scan_config_steps: the leading set_msr_* steps; returns the first other step. */
function scanConfig(steps: readonly CrushRuleStep[], into: { descents: number; collisionTries: number }): number {
  let i = 0;
  for (; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.op === RuleOp.SET_MSR_DESCENTS) into.descents = s.arg1 >>> 0;
    else if (s.op === RuleOp.SET_MSR_COLLISION_TRIES) into.collisionTries = s.arg1 >>> 0;
    else break;
  }
  return i;
}

/**
 * crush_msr_scan_next: a block must be `take`, choosemsr steps, `emit`. Returns the emit's step
 * index and the block's fan-out (the product of the choose counts, 0 meaning result_max, in u32
 * arithmetic), or null for a malformed block.
 */
function scanBlock(steps: readonly CrushRuleStep[], resultMax: number, at: number): { emit: number; total: number } | null {
  if (at + 1 >= steps.length || steps[at]!.op !== RuleOp.TAKE) return null;
  let total = 1;
  let i = at + 1;
  for (; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.op === RuleOp.EMIT) break;
    if (s.op !== RuleOp.CHOOSE_MSR) return null;
    total = Math.imul(total, s.arg1 !== 0 ? s.arg1 : resultMax) >>> 0;
  }
  if (i >= steps.length) return null;
  return { emit: i, total };
}

/** How many choose steps the longest block of an MSR rule has (crush_msr_scan_rule, for scratch sizing). */
export function msrMaxChooseSteps(rule: CrushRule): number {
  let max = 0;
  let run = 0;
  for (const s of rule.steps) {
    if (s.op === RuleOp.CHOOSE_MSR) max = Math.max(max, ++run);
    else run = 0;
  }
  return max;
}

/**
 * crush_msr_do_rule into `out` (length ≥ resultMax). Returns the result length: the number
 * mapped for msr_firstn, resultMax for msr_indep (holes are CRUSH_ITEM_NONE); 0 for a malformed
 * rule, whatever earlier blocks placed.
 */
export function msrDoRule(
  input: MsrInput,
  scratch: MsrScratch,
  rule: CrushRule,
  x: number,
  resultMax: number,
  weights: ArrayLike<number>,
  out: Int32Array,
): number {
  const cfg = { descents: input.msrDescents >>> 0, collisionTries: input.msrCollisionTries >>> 0 };
  const steps = rule.steps;
  let stepno = scanConfig(steps, cfg);
  const need = Math.max(1, msrMaxChooseSteps(rule)) * resultMax;
  if (scratch.vecs.length < need) {
    scratch.vecs = new Int32Array(need);
    scratch.undo = new Int32Array(need);
  }
  const run: MsrRun = {
    in: input,
    steps,
    firstn: rule.type === RULE_TYPE_MSR_FIRSTN,
    x,
    weights,
    resultMax,
    descents: cfg.descents,
    collisionTries: cfg.collisionTries,
    blockStart: 0,
    vecs: scratch.vecs,
    undo: scratch.undo,
    out,
    returned: 0,
  };
  out.fill(ITEM_NONE, 0, resultMax);
  let startIndex = 0;
  while (stepno < steps.length) {
    const block = scanBlock(steps, resultMax, stepno);
    if (block === null) return 0;
    const take = steps[stepno]!.arg1;
    if (take >= 0) {
      if (stepno + 1 !== block.emit) return 0;
      emit(run, startIndex, take);
      stepno = block.emit + 1; // see the file comment: Ceph never leaves this block
      continue;
    }
    const root = input.buckets[-1 - take];
    const first = stepno + 1;
    if (root === null || root === undefined || first === block.emit) {
      stepno = block.emit + 1; // Ceph dereferences a missing bucket / asserts on an empty block
      continue;
    }
    run.blockStart = first;
    run.vecs.fill(ITEM_UNDEF, 0, (block.emit - first) * resultMax);
    const endIndex = Math.min(startIndex + block.total, resultMax);
    const limit = run.returned + (endIndex - startIndex);
    for (let tryno = 0; tryno < run.descents && run.returned < limit; tryno++) {
      choose(run, root, block.total, startIndex, endIndex, first, block.emit, tryno);
    }
    startIndex = endIndex;
    stepno = block.emit + 1;
  }
  return run.firstn ? run.returned : resultMax;
}
