/**
 * What `crushtool -i MAP --test` computes and prints (Ceph 16.2 src/crush/CrushTester.cc
 * CrushTester::test, driven by src/tools/crushtool.cc): for each rule and replica count, the mapping of every x in
 * [min-x, max-x], with the exact text lines crushtool writes to stdout.
 *
 * Semantics kept from crushtool:
 *  - rules: --rule R, otherwise every rule id 0…max_rules−1; a hole prints `rule R dne` when
 *    statistics are on; rule ids are used directly (no ruleset/size lookup);
 *  - replica counts: --num-rep N, otherwise the rule's min_size…max_size;
 *  - x: --min-x/--max-x, but if either is missing or negative both fall back to 0…1023;
 *  - device weights: 1.0 for every device that sits in some bucket, 0 for the others, then the
 *    --weight overrides (float, truncated to 16.16, clamped to [0, 1]);
 *  - --pool-id P hashes the input (x' = h2(x, P)) but the printed x stays the loop value;
 *    choose_args are always index 0, falling back to −1;
 *  - --show-utilization turns statistics on; a replica count whose total device weight is 0 is
 *    skipped silently (no mappings printed either).
 * From Quincy (`release` ≥ 17) crushtool has --min-rep/--max-rep and refuses to run without a
 * replica count; the text is otherwise the same (checked against 18.2 and 20.2).
 *
 * Output streams: each block's x range is mapped in slices and every slice's lines are yielded
 * before the next is mapped, so memory stays flat and a huge or endless run prints as it goes.
 * A map whose buckets contain each other makes Ceph's mapper loop forever (crushtool never
 * ends); the mapper detects that (mapper.ts crushLoopError) and the test stops there with an
 * error after the lines of the inputs before it.
 */
import { AsciiOut } from '../ascii-out.js';
import { MonctlError } from '../errors.js';
import { hash32_2 } from './hash.js';
import { createCrushContext, doRuleInto, CRUSH_ITEM_NONE, type CrushContext } from './mapper.js';
import { effectiveMaxDevices, type CrushMap } from './types.js';

export interface CrushTestOptions {
  /** --rule R sets both; default: all rules. */
  minRule?: number;
  maxRule?: number;
  /** --num-rep N sets both; default: each rule's min_size…max_size. */
  minRep?: number;
  maxRep?: number;
  /** --x X sets both; default (or if either is missing/negative): 0…1023. */
  minX?: number;
  maxX?: number;
  /** --pool-id P (−1 = none). */
  poolId?: number;
  /** --weight overrides: device id → weight as the float crushtool parses (0…1). */
  weights?: ReadonlyMap<number, number>;
  showMappings?: boolean;
  showBadMappings?: boolean;
  showStatistics?: boolean;
  showUtilization?: boolean;
  showUtilizationAll?: boolean;
  /** The release whose crushtool to reproduce (default 16, Pacific). */
  release?: number;
}

/** x per slice of a block: each slice's lines are yielded before the next slice is mapped. */
export const TEST_SLICE_X = 8192;

/** Where a run is: called after each slice (for a progress line). */
export type CrushTestProgress = (p: { rule: number; numRep: number; x: number; minX: number; maxX: number }) => void;

/** Quincy's crushtool refuses --test without a replica count. */
export function checkRepOptions(opts: CrushTestOptions): void {
  if ((opts.release ?? 16) >= 17 && ((opts.minRep ?? -1) < 0 || (opts.maxRep ?? -1) < 0)) {
    throw new MonctlError('BAD_ARGUMENT', 'must specify --num-rep or both --min-rep and --max-rep', {
      actions: ['Give the replica count with --num-rep N (crushtool of Quincy and later no longer reads it from the rule).'],
    });
  }
}

export interface CrushTestMapping {
  rule: number;
  num_rep: number;
  x: number;
  result: number[];
}

export interface CrushTestStats {
  rule: number;
  rule_name: string;
  num_rep: number;
  /** result size → how many x gave it. */
  result_sizes: Record<string, number>;
  num_x: number;
  /** Per device: how many times it was chosen, and crushtool's expected count (a float32). */
  devices: { id: number; stored: number; expected: number }[];
}

/** crushtool's `--weight dev f`: (int)(f · 0x10000) on a C float, clamped to [0, 0x10000]. */
export function testDeviceWeight(f: number): number {
  const w = Math.trunc(Math.fround(f) * 0x10000);
  if (!(w > 0)) return 0; // also NaN
  return w > 0x10000 ? 0x10000 : w;
}

/** The device weight vector crushtool tests with (length max_devices). */
export function crushTestWeights(map: CrushMap, overrides: ReadonlyMap<number, number> = new Map()): Uint32Array {
  const w = new Uint32Array(effectiveMaxDevices(map));
  for (const b of map.buckets) {
    if (b === null) continue;
    for (const item of b.items) if (item >= 0 && item < w.length) w[item] = 0x10000;
  }
  for (const [dev, f] of overrides) if (dev >= 0 && dev < w.length) w[dev] = testDeviceWeight(f);
  return w;
}

/** Ceph's vector printer: `[a,b,c]`. */
export const formatVector = (v: ArrayLike<number>): string => `[${Array.prototype.join.call(v, ',')}]`;

/** C++ ostream's default float output (`%g`, 6 significant digits). */
export function formatFloatG(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const [mant, expText] = v.toExponential(5).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6) return `${strip(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(v.toFixed(5 - exp));
}

/**
 * CrushTester::get_maximum_affected_by_rule, quirks included: every step with op ≥ 2 other than
 * EMIT counts, so `set_choose_tries 100` (arg2 0) records 100 "replicas" of type 0; buckets are
 * counted per type from the name map (shadow buckets included, devices never — their "bucket
 * type" is an error code), once per time the type appears in the rule.
 */
export function maximumAffectedByRule(map: CrushMap, ruleno: number): number {
  const rule = map.rules[ruleno];
  const affected: number[] = [];
  const replications = new Map<number, number>();
  for (const s of rule?.steps ?? []) {
    if (s.op >= 2 && s.op !== 4) {
      affected.push(s.arg2);
      replications.set(s.arg2, s.arg1);
    }
  }
  const ofType = new Map<number, number>();
  for (const t of affected) {
    for (const id of map.nameMap.keys()) {
      const b = id < 0 ? map.buckets[-1 - id] : undefined;
      if (b !== undefined && b !== null && b.type === t) ofType.set(t, (ofType.get(t) ?? 0) + 1);
    }
  }
  for (const t of affected) {
    const rep = replications.get(t) ?? 0;
    if (rep > 0 && rep < (ofType.get(t) ?? 0)) ofType.set(t, rep);
  }
  let max = Math.max(map.buckets.length, effectiveMaxDevices(map));
  for (const t of affected) {
    const n = ofType.get(t) ?? 0;
    if (n > 0 && n < max) max = n;
  }
  return max;
}

/** One (rule, num_rep) block's x loop, asked of whoever drives `crushTestSteps`. */
export interface XRangeRequest {
  rule: number;
  numRep: number;
  minX: number;
  maxX: number;
}

/** What the x loop of a block (or a share of it) gives: its output lines, per-device and per-size counts. */
export interface XRangeResult {
  /** The --show-mappings / --show-bad-mappings lines, each ending in a newline. */
  text: string;
  /** Times each device was chosen (length max_devices). */
  per: Float64Array;
  /** sizes[n] = how many x gave a result of n items (length num_rep + 1). */
  sizes: Float64Array;
  /** The input whose mapping failed (a CRUSH loop) and why; the text and counts stop before it. */
  failed?: { x: number; message: string };
}

/** The error of a failed XRangeResult, for the driver to throw once the text before it is out. */
export function xRangeError(req: XRangeRequest, failed: { x: number; message: string }): MonctlError {
  return new MonctlError('DECODE_INVALID', `crush test: rule ${req.rule} num_rep ${req.numRep} x ${failed.x}: ${failed.message}`, {
    actions: ['The map has a bucket cycle: crushtool never finishes on it. Fix the map (`crush decompile` refuses it and names the bucket).'],
  });
}

/** The inputs of the x loop that come from the map and the options, not from the block. */
export interface XRangeSetup {
  ctx: CrushContext;
  weight: Uint32Array;
  poolId: number;
  showMappings: boolean;
  showBadMappings: boolean;
}

export function xRangeSetup(map: CrushMap, opts: CrushTestOptions): XRangeSetup {
  return {
    ctx: createCrushContext(map, { chooseArgsIndex: 0n }),
    weight: crushTestWeights(map, opts.weights),
    poolId: opts.poolId ?? -1,
    showMappings: opts.showMappings === true,
    showBadMappings: opts.showBadMappings === true,
  };
}

/** Maps x in [minX, maxX] for one block: crushtool's lines for them and the counts. */
export function mapXRange(s: XRangeSetup, req: XRangeRequest, onMapping?: (m: CrushTestMapping) => void): XRangeResult {
  const { ctx, weight, poolId } = s;
  const { rule: r, numRep: nr } = req;
  const per = new Float64Array(weight.length);
  const sizes = new Float64Array(nr + 1);
  const prefix = `CRUSH rule ${r} x `;
  const bad = `bad mapping rule ${r} x `;
  const badRep = ` num_rep ${nr} result [`;
  const text = new AsciiOut(s.showMappings ? Math.max(64, Math.min(1 << 26, (req.maxX - req.minX + 1) * (prefix.length + 8 + 6 * nr))) : 4096);
  let failed: XRangeResult['failed'];
  for (let x = req.minX; x <= req.maxX; x++) {
    const realX = poolId !== -1 ? hash32_2(x, poolId) : x;
    let n: number;
    try {
      n = doRuleInto(ctx, r, realX, nr, weight);
    } catch (e) {
      if (!(e instanceof MonctlError)) throw e;
      failed = { x, message: e.message };
      break;
    }
    const out = ctx.scratch.result; // read after the call: scratch may have grown during it
    let hasNone = false;
    for (let i = 0; i < n; i++) {
      const item = out[i]!;
      if (item !== CRUSH_ITEM_NONE) per[item]!++;
      else hasNone = true;
    }
    sizes[n]!++;
    if (s.showMappings) {
      text.ascii(prefix);
      text.int(x);
      writeList(text, out, n);
    }
    if (s.showBadMappings && (n !== nr || hasNone)) {
      text.ascii(bad);
      text.int(x);
      text.ascii(badRep);
      writeList(text, out, n, false);
    }
    if (onMapping !== undefined) onMapping({ rule: r, num_rep: nr, x, result: Array.from(out.subarray(0, n)) });
  }
  return { text: text.toString(), per, sizes, ...(failed === undefined ? {} : { failed }) };
}

/** A block's zero counts, to add its slices into. */
export function emptyXRange(setup: XRangeSetup, block: XRangeRequest): XRangeResult {
  return { text: '', per: new Float64Array(setup.weight.length), sizes: new Float64Array(block.numRep + 1) };
}

/** Adds a slice's counts into a block's. */
export function addXRange(total: XRangeResult, part: XRangeResult): void {
  for (let i = 0; i < total.per.length; i++) total.per[i]! += part.per[i]!;
  for (let i = 0; i < total.sizes.length; i++) total.sizes[i]! += part.sizes[i]!;
}

/** ` [a,b,c]\n` (or `a,b,c]\n` after a caller-written `[`). */
function writeList(text: AsciiOut, out: Int32Array, n: number, open = true): void {
  if (open) text.ascii(' [');
  for (let i = 0; i < n; i++) {
    if (i > 0) text.byte(44);
    text.int(out[i]!);
  }
  text.ascii(']\n');
}

/**
 * The test as steps: crushtool's stdout lines (strings, without the newline) and, for each
 * block, an XRangeRequest whose XRangeResult the driver must pass back to `next()` (and print its
 * text where the request came). The drivers: crushTestLines and crushTestChunks here, and
 * tester-parallel.ts, which splits each request over worker threads.
 */
export function* crushTestSteps(
  map: CrushMap,
  opts: CrushTestOptions,
  onStats?: (s: CrushTestStats) => void,
): Generator<string | XRangeRequest, void, XRangeResult | undefined> {
  checkRepOptions(opts);
  let minRule = opts.minRule ?? -1;
  let maxRule = opts.maxRule ?? -1;
  if (minRule < 0 || maxRule < 0) {
    minRule = 0;
    maxRule = map.rules.length - 1;
  }
  let minX = opts.minX ?? -1;
  let maxX = opts.maxX ?? -1;
  if (minX < 0 || maxX < 0) {
    minX = 0;
    maxX = 1023;
  }
  const showUtilization = opts.showUtilization === true;
  const showUtilizationAll = opts.showUtilizationAll === true;
  const showStatistics = opts.showStatistics === true || showUtilization || showUtilizationAll;
  const weight = crushTestWeights(map, opts.weights);
  const numDevices = weight.length;

  for (let r = minRule; r < map.rules.length && r <= maxRule; r++) {
    const rule = map.rules[r];
    if (rule === null || rule === undefined) {
      if (showStatistics) yield `rule ${r} dne`;
      continue;
    }
    const name = map.ruleNameMap.get(r) ?? '';
    let minRep = opts.minRep ?? -1;
    let maxRep = opts.maxRep ?? -1;
    if (minRep < 0 || maxRep < 0) {
      minRep = rule.minSize;
      maxRep = rule.maxSize;
    }
    if (showStatistics) yield `rule ${r} (${name}), x = ${minX}..${maxX}, numrep = ${minRep}..${maxRep}`;
    for (let nr = minRep; nr <= maxRep; nr++) {
      const numObjects = maxX - minX + 1;
      let totalWeight = 0;
      for (let i = 0; i < numDevices; i++) totalWeight = (totalWeight + weight[i]!) | 0; // a C int
      if (totalWeight === 0) continue;
      const res = yield { rule: r, numRep: nr, minX, maxX };
      if (res === undefined) throw new Error('assertion: crushTestSteps needs the result of each XRangeRequest');
      const { per, sizes } = res;
      // CrushTester's statistics are C floats: emulate them with Math.fround.
      const expectedObjects = Math.fround(Math.min(nr, maximumAffectedByRule(map, r)) * numObjects);
      const expected = (i: number): number => Math.fround(Math.fround(Math.fround(weight[i]!) / Math.fround(totalWeight)) * expectedObjects);
      const sizeCounts: [number, number][] = [];
      for (let n = 0; n < sizes.length; n++) if (sizes[n]! > 0) sizeCounts.push([n, sizes[n]!]);
      if (showStatistics) {
        for (const [size, count] of sizeCounts) {
          yield `rule ${r} (${name}) num_rep ${nr} result size == ${size}:\t${count}/${numObjects}`;
        }
        for (let i = 0; i < numDevices; i++) {
          const e = expected(i);
          const stored = per[i]!;
          if (showUtilization ? e > 0 && stored > 0 : showUtilizationAll) {
            yield `  device ${i}:\t\t stored : ${stored}\t expected : ${formatFloatG(e)}`;
          }
        }
      }
      if (onStats !== undefined) {
        onStats({
          rule: r,
          rule_name: name,
          num_rep: nr,
          result_sizes: Object.fromEntries(sizeCounts.map(([k, v]) => [String(k), v])),
          num_x: numObjects,
          devices: Array.from(per, (stored, id) => ({ id, stored, expected: expected(id) })),
        });
      }
    }
  }
}

/**
 * Runs the test and yields crushtool's stdout text in chunks (a block's mappings at once, other
 * lines one by one), each ending in a newline. Pass `onMapping` to also receive every mapping as
 * data, and `onStats` for the per-(rule, num_rep) statistics.
 */
export function* crushTestChunks(
  map: CrushMap,
  opts: CrushTestOptions,
  onMapping?: (m: CrushTestMapping) => void,
  onStats?: (s: CrushTestStats) => void,
  onProgress?: CrushTestProgress,
): Generator<string, void, undefined> {
  const setup = xRangeSetup(map, opts);
  const steps = crushTestSteps(map, opts, onStats);
  let res: XRangeResult | undefined;
  for (let step = steps.next(); !step.done; step = steps.next(res)) {
    res = undefined;
    if (typeof step.value === 'string') {
      yield `${step.value}\n`;
      continue;
    }
    const block = step.value;
    const total = emptyXRange(setup, block);
    for (let from = block.minX; from <= block.maxX; from += TEST_SLICE_X) {
      const part = mapXRange(setup, { ...block, minX: from, maxX: Math.min(block.maxX, from + TEST_SLICE_X - 1) }, onMapping);
      if (part.text !== '') yield part.text;
      if (part.failed !== undefined) throw xRangeError(block, part.failed);
      addXRange(total, part);
      onProgress?.({ rule: block.rule, numRep: block.numRep, x: Math.min(block.maxX, from + TEST_SLICE_X - 1), minX: block.minX, maxX: block.maxX });
    }
    res = total;
  }
}

/** The same, one line at a time (without newlines): what tests compare line by line. */
export function* crushTestLines(
  map: CrushMap,
  opts: CrushTestOptions,
  onMapping?: (m: CrushTestMapping) => void,
  onStats?: (s: CrushTestStats) => void,
): Generator<string, void, undefined> {
  for (const chunk of crushTestChunks(map, opts, onMapping, onStats)) {
    const lines = chunk.split('\n');
    lines.pop();
    yield* lines;
  }
}

/** The whole --test output as one string (tests and small ranges). */
export function crushTestText(map: CrushMap, opts: CrushTestOptions): string {
  let s = '';
  for (const chunk of crushTestChunks(map, opts)) s += chunk;
  return s;
}
