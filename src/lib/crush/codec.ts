/**
 * CrushWrapper encode/decode (Ceph src/crush/CrushWrapper.cc CrushWrapper::encode): no envelope; the optional tail groups are read
 * while bytes remain. Decoding keeps everything needed to write the same bytes back.
 */
import { Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';
import { FEATURE, hasFeature } from '../msg/features.js';
import {
  BUCKET_LIST,
  BUCKET_STRAW,
  BUCKET_STRAW2,
  BUCKET_TREE,
  BUCKET_UNIFORM,
  CRUSH_MAGIC,
  TAIL_GROUPS_PACIFIC,
  TAIL_GROUPS_SQUID,
  effectiveChooseArgs,
  finalizedMaxDevices,
  legacyTunables,
  sortedEntries,
  type ChooseArg,
  type CrushBucket,
  type CrushMap,
  type CrushRule,
  type CrushTunables,
} from './types.js';

const CORRUPT = ['The CRUSH map is corrupt: restore it from a backup or another monitor.'];
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function invalid(message: string, offset: number): MonctlError {
  return new MonctlError('DECODE_INVALID', message, { offset, actions: CORRUPT });
}

/** A count that Ceph reads as a signed or unsigned header field, bounded by the bytes left. */
function slots(r: Reader, what: string, n: number, at: number, minBytes: number): number {
  if (n < 0 || n * minBytes > r.remaining) {
    throw invalid(`${what} ${n} cannot fit in the ${r.remaining} bytes left`, at);
  }
  return n;
}

export function decodeCrushMap(bytes: Uint8Array): CrushMap {
  const r = new Reader(bytes);
  const magic = r.u32('crush magic');
  if (magic !== CRUSH_MAGIC) {
    throw invalid(`bad CRUSH magic 0x${magic.toString(16)} (expected 0x${CRUSH_MAGIC.toString(16)})`, 0);
  }
  let at = r.pos;
  const maxBuckets = slots(r, 'max_buckets', r.s32('max_buckets'), at, 4);
  at = r.pos;
  const maxRules = r.u32('max_rules');
  const maxDevices = r.s32('max_devices');

  const buckets: (CrushBucket | null)[] = [];
  for (let i = 0; i < maxBuckets; i++) buckets.push(decodeBucket(r));

  slots(r, 'max_rules', maxRules, at, 4);
  const rules: (CrushRule | null)[] = [];
  for (let i = 0; i < maxRules; i++) rules.push(decodeRule(r));

  // type_map, name_map, rule_name_map
  const typeMap = decodeNameMap(r, 'type_map');
  const nameMap = decodeNameMap(r, 'name_map');
  const ruleNameMap = decodeNameMap(r, 'rule_name_map');

  const map: CrushMap = {
    maxDevices,
    buckets,
    rules,
    typeMap,
    nameMap,
    ruleNameMap,
    tunables: legacyTunables(),
    tailGroups: 0,
    classMap: new Map(),
    className: new Map(),
    classBucket: new Map(),
    chooseArgs: new Map(),
  };
  decodeTail(r, map, maxBuckets);
  if (r.remaining > 0) {
    throw new MonctlError(
      'DECODE_TOO_NEW',
      `${r.remaining} bytes follow the last CRUSH field this decoder knows (Squid msr tunables)`,
      { offset: r.pos, actions: ['The map was written by a newer Ceph release: use that release\'s crushtool.'] },
    );
  }
  return map;
}

function decodeBucket(r: Reader): CrushBucket | null {
  const at = r.pos;
  const alg32 = r.u32('bucket alg');
  if (alg32 === 0) return null;
  if (alg32 < BUCKET_UNIFORM || alg32 > BUCKET_STRAW2) throw invalid(`unsupported bucket algorithm ${alg32}`, at);
  const id = r.s32('bucket id');
  const type = r.u16('bucket type');
  const algAt = r.pos;
  const alg = r.u8('bucket alg');
  // Ceph sizes the bucket by the u32 but reads the body by the u8: they must agree.
  if (alg !== alg32) throw invalid(`bucket ${id} alg byte ${alg} differs from its slot alg ${alg32}`, algAt);
  const hash = r.u8('bucket hash');
  const weight = r.u32('bucket weight');
  const size = r.count(`bucket ${id} items`, 4);
  const items: number[] = [];
  for (let j = 0; j < size; j++) items.push(r.s32('bucket item'));
  const common = { id, type, hash, weight, items };
  switch (alg) {
    case BUCKET_UNIFORM:
      return { ...common, alg, itemWeight: r.u32('uniform item_weight') };
    case BUCKET_LIST: {
      const itemWeights: number[] = [];
      const sumWeights: number[] = [];
      for (let j = 0; j < size; j++) {
        itemWeights.push(r.u32('list item_weight'));
        sumWeights.push(r.u32('list sum_weight'));
      }
      return { ...common, alg, itemWeights, sumWeights };
    }
    case BUCKET_TREE: {
      const numNodes = r.u8('tree num_nodes');
      const nodeWeights: number[] = [];
      for (let j = 0; j < numNodes; j++) nodeWeights.push(r.u32('tree node_weight'));
      return { ...common, alg, nodeWeights };
    }
    case BUCKET_STRAW: {
      const itemWeights: number[] = [];
      const straws: number[] = [];
      for (let j = 0; j < size; j++) {
        itemWeights.push(r.u32('straw item_weight'));
        straws.push(r.u32('straw straw'));
      }
      return { ...common, alg, itemWeights, straws };
    }
    default: {
      const itemWeights: number[] = [];
      for (let j = 0; j < size; j++) itemWeights.push(r.u32('straw2 item_weight'));
      return { ...common, alg: BUCKET_STRAW2, itemWeights };
    }
  }
}

function decodeRule(r: Reader): CrushRule | null {
  const at = r.pos;
  const exists = r.u32('rule exists');
  if (exists === 0) return null;
  if (exists !== 1) throw invalid(`rule exists flag ${exists} is neither 0 nor 1`, at);
  const len = r.count('rule steps', 12);
  const ruleset = r.u8('rule ruleset');
  const type = r.u8('rule type');
  const minSize = r.u8('rule min_size');
  const maxSize = r.u8('rule max_size');
  const steps = [];
  for (let j = 0; j < len; j++) {
    steps.push({ op: r.u32('step op'), arg1: r.s32('step arg1'), arg2: r.s32('step arg2') });
  }
  return { ruleset, type, minSize, maxSize, steps };
}

function decodeName(r: Reader, what: string, len: number): string {
  const at = r.pos;
  try {
    return utf8.decode(r.raw(len, what));
  } catch (e) {
    if (e instanceof MonctlError) throw e;
    throw invalid(`${what} is not valid UTF-8`, at);
  }
}

/**
 * map<s32, string>. An old Ceph bug wrote 64-bit keys: names are never empty, so a zero length
 * means those 4 bytes were the key's high half and the length follows (the Ceph decoder does
 * the same). Such maps re-encode with 32-bit keys, as Ceph would write them.
 */
function decodeNameMap(r: Reader, what: string): Map<number, string> {
  const n = r.count(what, 8);
  const m = new Map<number, string>();
  for (let i = 0; i < n; i++) {
    const key = r.s32(`${what} key`);
    let len = r.u32(`${what} name length`);
    if (len === 0) len = r.u32(`${what} name length`);
    m.set(key, decodeName(r, `${what} name`, len));
  }
  return m;
}

function decodeIntMap(r: Reader, what: string): Map<number, number> {
  const n = r.count(what, 8);
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = r.s32(`${what} key`);
    m.set(k, r.s32(`${what} value`));
  }
  return m;
}

/** Tunables and the Luminous/Squid additions, each group read only while bytes remain. */
function decodeTail(r: Reader, map: CrushMap, maxBuckets: number): void {
  const t: CrushTunables = map.tunables;
  const groups: ((r: Reader) => void)[] = [
    (r) => {
      t.chooseLocalTries = r.u32('choose_local_tries');
      t.chooseLocalFallbackTries = r.u32('choose_local_fallback_tries');
      t.chooseTotalTries = r.u32('choose_total_tries');
    },
    (r) => void (t.chooseleafDescendOnce = r.u32('chooseleaf_descend_once')),
    (r) => void (t.chooseleafVaryR = r.u8('chooseleaf_vary_r')),
    (r) => void (t.strawCalcVersion = r.u8('straw_calc_version')),
    (r) => void (t.allowedBucketAlgs = r.u32('allowed_bucket_algs')),
    // CRUSH_TUNABLES5 (jewel)
    (r) => void (t.chooseleafStable = r.u8('chooseleaf_stable')),
    // SERVER_LUMINOUS: device classes
    (r) => {
      map.classMap = decodeIntMap(r, 'class_map');
      const n = r.count('class_name', 8);
      for (let i = 0; i < n; i++) {
        const id = r.s32('class id');
        map.className.set(id, decodeName(r, 'class name', r.u32('class name length')));
      }
      const nb = r.count('class_bucket', 8);
      for (let i = 0; i < nb; i++) {
        const id = r.s32('class_bucket key');
        map.classBucket.set(id, decodeIntMap(r, 'class_bucket'));
      }
    },
    // SERVER_LUMINOUS: choose_args
    (r) => {
      const n = r.count('choose_args', 12);
      for (let i = 0; i < n; i++) {
        const key = r.s64('choose_args key');
        map.chooseArgs.set(key, decodeChooseArgMap(r, maxBuckets));
      }
    },
    // Squid: CRUSH_MSR
    (r) => {
      t.msrDescents = r.u32('msr_descents');
      t.msrCollisionTries = r.u32('msr_collision_tries');
    },
  ];
  for (const group of groups) {
    if (r.remaining === 0) break;
    group(r);
    map.tailGroups++;
  }
}

/**
 * One crush_choose_arg_map. Ceph stores args in an array indexed by bucket index: a repeated
 * index overwrites, and args with neither weights nor ids are never written back.
 */
function decodeChooseArgMap(r: Reader, maxBuckets: number): ChooseArg[] {
  const n = r.count('choose_args args', 12);
  const byIndex = new Map<number, ChooseArg>();
  for (let j = 0; j < n; j++) {
    const at = r.pos;
    const bucketIndex = r.u32('choose_arg bucket_index');
    if (bucketIndex >= maxBuckets) {
      throw invalid(`choose_arg bucket_index ${bucketIndex} is not below max_buckets ${maxBuckets}`, at);
    }
    const positions = r.count('choose_arg weight_set', 4);
    const weightSet: number[][] = [];
    for (let k = 0; k < positions; k++) {
      const size = r.count('choose_arg weights', 4);
      const weights: number[] = [];
      for (let l = 0; l < size; l++) weights.push(r.u32('choose_arg weight'));
      weightSet.push(weights);
    }
    const nids = r.count('choose_arg ids', 4);
    const ids: number[] = [];
    for (let k = 0; k < nids; k++) ids.push(r.s32('choose_arg id'));
    byIndex.set(bucketIndex, { bucketIndex, weightSet, ids });
  }
  return [...byIndex.values()]
    .filter((a) => a.weightSet.length > 0 || a.ids.length > 0)
    .sort((a, b) => a.bucketIndex - b.bucketIndex);
}

// ---------------------------------------------------------------------------------------------

function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`encodeCrushMap: ${message}`);
}

/** Writes the map as CrushWrapper::encode does with the features implied by `tailGroups`. */
export function encodeCrushMap(map: CrushMap): Uint8Array {
  assert(map.tailGroups >= 0 && map.tailGroups <= TAIL_GROUPS_SQUID, `tailGroups ${map.tailGroups} out of range`);
  const w = new Writer(1024);
  w.u32(CRUSH_MAGIC).s32(map.buckets.length).u32(map.rules.length).s32(map.maxDevices);
  for (const b of map.buckets) encodeBucket(w, b);
  for (const rule of map.rules) encodeRule(w, rule);
  encodeNameMap(w, map.typeMap);
  encodeNameMap(w, map.nameMap);
  encodeNameMap(w, map.ruleNameMap);
  encodeTail(w, map);
  return w.bytes();
}

function encodeBucket(w: Writer, b: CrushBucket | null): void {
  if (b === null) {
    w.u32(0);
    return;
  }
  const n = b.items.length;
  w.u32(b.alg).s32(b.id).u16(b.type).u8(b.alg).u8(b.hash).u32(b.weight).u32(n);
  for (const item of b.items) w.s32(item);
  switch (b.alg) {
    case BUCKET_UNIFORM:
      w.u32(b.itemWeight);
      break;
    case BUCKET_LIST:
      assert(b.itemWeights.length === n && b.sumWeights.length === n, `list bucket ${b.id} weights/items mismatch`);
      for (let j = 0; j < n; j++) w.u32(b.itemWeights[j]!).u32(b.sumWeights[j]!);
      break;
    case BUCKET_TREE:
      assert(b.nodeWeights.length <= 0xff, `tree bucket ${b.id} has more than 255 nodes`);
      w.u8(b.nodeWeights.length);
      for (const nw of b.nodeWeights) w.u32(nw);
      break;
    case BUCKET_STRAW:
      assert(b.itemWeights.length === n && b.straws.length === n, `straw bucket ${b.id} weights/items mismatch`);
      for (let j = 0; j < n; j++) w.u32(b.itemWeights[j]!).u32(b.straws[j]!);
      break;
    case BUCKET_STRAW2:
      assert(b.itemWeights.length === n, `straw2 bucket ${b.id} weights/items mismatch`);
      for (const iw of b.itemWeights) w.u32(iw);
      break;
  }
}

function encodeRule(w: Writer, rule: CrushRule | null): void {
  if (rule === null) {
    w.u32(0);
    return;
  }
  w.u32(1).u32(rule.steps.length).u8(rule.ruleset).u8(rule.type).u8(rule.minSize).u8(rule.maxSize);
  for (const s of rule.steps) w.u32(s.op).s32(s.arg1).s32(s.arg2);
}

function encodeNameMap(w: Writer, m: Map<number, string>): void {
  const entries = sortedEntries(m);
  w.u32(entries.length);
  for (const [k, v] of entries) w.s32(k).blob(utf8Encoder.encode(v));
}

function encodeIntMap(w: Writer, m: Map<number, number>): void {
  const entries = sortedEntries(m);
  w.u32(entries.length);
  for (const [k, v] of entries) w.s32(k).s32(v);
}

function encodeTail(w: Writer, map: CrushMap): void {
  const t = map.tunables;
  const groups: (() => void)[] = [
    () => w.u32(t.chooseLocalTries).u32(t.chooseLocalFallbackTries).u32(t.chooseTotalTries),
    () => w.u32(t.chooseleafDescendOnce),
    () => w.u8(t.chooseleafVaryR),
    () => w.u8(t.strawCalcVersion),
    () => w.u32(t.allowedBucketAlgs),
    () => w.u8(t.chooseleafStable),
    () => {
      encodeIntMap(w, map.classMap);
      encodeNameMap(w, map.className);
      const cb = sortedEntries(map.classBucket);
      w.u32(cb.length);
      for (const [k, inner] of cb) encodeIntMap(w.s32(k), inner);
    },
    () => {
      const sets = [...map.chooseArgs.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      w.u32(sets.length);
      for (const [key, args] of sets) encodeChooseArgMap(w.s64(key), args);
    },
    () => w.u32(t.msrDescents).u32(t.msrCollisionTries),
  ];
  for (let i = 0; i < map.tailGroups; i++) groups[i]!();
}

function encodeChooseArgMap(w: Writer, args: ChooseArg[]): void {
  const kept = args
    .filter((a) => a.weightSet.length > 0 || a.ids.length > 0)
    .sort((a, b) => a.bucketIndex - b.bucketIndex);
  w.u32(kept.length);
  for (const a of kept) {
    w.u32(a.bucketIndex).u32(a.weightSet.length);
    for (const ws of a.weightSet) {
      w.u32(ws.length);
      for (const x of ws) w.u32(x);
    }
    w.u32(a.ids.length);
    for (const id of a.ids) w.s32(id);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The tail groups CrushWrapper::encode writes with these features: the tunables always,
 * chooseleaf_stable with CRUSH_TUNABLES5, device classes and choose_args with SERVER_LUMINOUS,
 * the msr tunables (Squid and later) with CRUSH_MSR. A map decoded without the msr tunables
 * holds their defaults (set_default_msr_tunables), which is what is written then.
 */
export function crushTailGroupsFor(features: bigint): number {
  if (!hasFeature(features, FEATURE.SERVER_LUMINOUS)) return hasFeature(features, FEATURE.CRUSH_TUNABLES5) ? 6 : 5;
  return hasFeature(features, FEATURE.CRUSH_MSR) ? TAIL_GROUPS_SQUID : TAIL_GROUPS_PACIFIC;
}

/**
 * The map as CrushWrapper::decode leaves it in memory, which is what Ceph writes whenever it
 * encodes a CRUSH map it was handed as bytes: OSDMap::apply_incremental decodes the
 * incremental's `crush` blob and the full map encodes that CrushWrapper; `osd setcrushmap`
 * decodes the user's map and encodes it into the incremental. decodeCrushMap keeps the
 * encoded header for byte-exact round trips; this view applies what decode() changes:
 *  - max_devices as finalize() recomputes it. The encoder of the blob may have held a stale
 *    value: a monitor that unlinks the highest device (`osd crush rm osd.N`) drops its name
 *    but keeps max_devices until the map is decoded again, so the incremental carries the old
 *    max_devices and the full map the recomputed one;
 *  - choose_args as update_choose_args() cleans them (args of missing or non-straw2 buckets
 *    dropped, weight sets resized to their bucket);
 *  - tunables the blob lacked at their legacy (msr: default) values, written in every tail
 *    group the encoding features allow (without `features`: all of Pacific's, and the msr
 *    tunables when the blob had them).
 */
export function crushAsDecoded(map: CrushMap, features?: bigint): CrushMap {
  return {
    ...map,
    maxDevices: finalizedMaxDevices(map),
    chooseArgs: effectiveChooseArgs(map),
    tailGroups: features === undefined ? Math.max(map.tailGroups, TAIL_GROUPS_PACIFIC) : crushTailGroupsFor(features),
  };
}

/**
 * CrushWrapper decode then encode: the map Ceph holds and the bytes it writes for a CRUSH
 * blob it decoded (see crushAsDecoded). The result's bytes decode to the result's map.
 */
export function reencodeCrushMap(bytes: Uint8Array, features?: bigint): { map: CrushMap; bytes: Uint8Array } {
  const map = crushAsDecoded(decodeCrushMap(bytes), features);
  return { map, bytes: encodeCrushMap(map) };
}
