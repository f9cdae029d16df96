/**
 * One chooser per bucket algorithm behind one dispatch (Ceph `crush_bucket_choose`,
 * Ceph src/crush/mapper.c). A chooser maps (bucket, x, r) to one of the bucket's items; x and r are
 * unsigned 32-bit inputs of the hash.
 *
 * Buckets are first turned into a `RuntimeBucket`: the decoded map's bucket as typed arrays plus
 * the choose_args entry selected for this run (only straw2 reads it). The decoded map itself is
 * never modified.
 */
import { bucketHash3, bucketHash4, hash32_3Low16, CRUSH_HASH_RJENKINS1 } from './hash.js';
import { straw2LnTable } from './ln.js';
import { BUCKET_LIST, BUCKET_STRAW, BUCKET_STRAW2, BUCKET_TREE, BUCKET_UNIFORM, type ChooseArg, type CrushBucket } from './types.js';

/** CRUSH_ITEM_NONE (0x7fffffff): larger than any device id. */
const ITEM_NONE = 0x7fffffff;

export interface RuntimeBucket {
  id: number;
  type: number;
  alg: number;
  hash: number;
  size: number;
  items: Int32Array;
  /** uniform: every item's weight. */
  itemWeight: number;
  /** list, straw, straw2: per-item 16.16 weights; tree: empty. */
  itemWeights: Uint32Array;
  /** list: running sums of itemWeights, as stored in the map. */
  sumWeights: Uint32Array;
  /** tree: node weights, leaf j at node 2j+1; length is num_nodes. */
  nodeWeights: Uint32Array;
  /** straw: straw lengths, as stored in the map. */
  straws: Uint32Array;
  /** straw2 choose_args: one weight vector per position, or null to use itemWeights. */
  weightSet: Uint32Array[] | null;
  /** straw2 choose_args: the ids hashed instead of items, or null. */
  hashIds: Int32Array | null;
  /** straw2: every item weight is the same non-zero value (the common case: a host of like disks). */
  equalWeights: boolean;
}

const u32s = (xs: readonly number[], n = xs.length): Uint32Array => {
  const a = new Uint32Array(n);
  for (let k = 0; k < n; k++) a[k] = xs[k] ?? 0;
  return a;
};

/** The runtime form of a decoded bucket, with its choose_args entry (if any) attached. */
export function runtimeBucket(b: CrushBucket, arg: ChooseArg | undefined): RuntimeBucket {
  const size = b.items.length;
  const empty = new Uint32Array(0);
  const rb: RuntimeBucket = {
    id: b.id,
    type: b.type,
    alg: b.alg,
    hash: b.hash,
    size,
    items: Int32Array.from(b.items),
    itemWeight: b.alg === BUCKET_UNIFORM ? b.itemWeight : 0,
    itemWeights: b.alg === BUCKET_LIST || b.alg === BUCKET_STRAW || b.alg === BUCKET_STRAW2 ? u32s(b.itemWeights, size) : empty,
    sumWeights: b.alg === BUCKET_LIST ? u32s(b.sumWeights, size) : empty,
    nodeWeights: b.alg === BUCKET_TREE ? u32s(b.nodeWeights) : empty,
    straws: b.alg === BUCKET_STRAW ? u32s(b.straws, size) : empty,
    weightSet: null,
    hashIds: null,
    equalWeights: false,
  };
  if (b.alg === BUCKET_STRAW2 && size > 0) {
    const w0 = rb.itemWeights[0]!;
    rb.equalWeights = w0 !== 0 && rb.itemWeights.every((w) => w === w0);
  }
  // Ceph consults choose_args in straw2 buckets only (the others ignore the argument).
  if (arg !== undefined && b.alg === BUCKET_STRAW2) {
    // A weight vector shorter than the bucket reads as zeros beyond its end.
    if (arg.weightSet.length > 0) rb.weightSet = arg.weightSet.map((ws) => u32s(ws, size));
    if (arg.ids.length > 0) rb.hashIds = Int32Array.from({ length: size }, (_, k) => arg.ids[k] ?? 0);
  }
  return rb;
}

/**
 * The permutation choice (bucket_perm_choose): a Fisher–Yates shuffle of the positions driven by
 * h3(x, id, p), taken up to position r mod size. Ceph caches the partial shuffle per bucket for
 * one x and shortcuts r mod size = 0; both give exactly what this stateless version computes.
 * Used by uniform buckets, and by firstn's local fallback for a bucket of any algorithm.
 * `perm` is caller-owned scratch of at least `b.size` entries.
 */
export function permChoose(b: RuntimeBucket, x: number, r: number, perm: Int32Array): number {
  const size = b.size;
  const pr = (r >>> 0) % size;
  for (let k = 0; k < size; k++) perm[k] = k;
  for (let p = 0; p <= pr; p++) {
    if (p < size - 1) {
      const i = bucketHash3(b.hash, x, b.id, p) % (size - p);
      if (i !== 0) {
        const t = perm[p + i]!;
        perm[p + i] = perm[p]!;
        perm[p] = t;
      }
    }
  }
  return b.items[perm[pr]!]!;
}

/** List bucket: scan from the last item down; the first whose scaled draw falls under its weight wins. */
function listChoose(b: RuntimeBucket, x: number, r: number): number {
  for (let i = b.size - 1; i >= 0; i--) {
    const h = bucketHash4(b.hash, x, b.items[i]!, r, b.id) & 0xffff;
    // (h · sum) < 2^48: exact as a Number; the C code shifts a 64-bit product.
    const w = Math.floor((h * b.sumWeights[i]!) / 0x10000);
    if (w < b.itemWeights[i]!) return b.items[i]!;
  }
  return b.items[0]!;
}

/** floor(a · w / 2^32) for u32 a and w: the 64-bit product in two exact halves. */
function mulHigh32(a: number, w: number): number {
  const hi = Math.floor(a / 0x10000) * w; // < 2^48
  const lo = (a & 0xffff) * w; // < 2^48
  return Math.floor((hi + Math.floor(lo / 0x10000)) / 0x10000);
}

/** Tree bucket: walk down from the root node, going left when the scaled draw is under the left weight. */
function treeChoose(b: RuntimeBucket, x: number, r: number): number {
  const nw = b.nodeWeights;
  let n = nw.length >>> 1;
  if (n === 0) return b.items[0]!;
  while ((n & 1) === 0) {
    // The half-width of node n's subtree is 2^(height−1), height = trailing zeros of n.
    const half = (n & -n) >>> 1;
    const t = mulHigh32(bucketHash4(b.hash, x, n, r, b.id), nw[n] ?? 0);
    const left = n - half;
    n = t < (nw[left] ?? 0) ? left : n + half;
  }
  // A leaf past the last item exists only in trees whose node weights are garbage (Ceph's
  // clone of a tree bucket for a device-class shadow tree grows node_weights with realloc and
  // leaves new nodes uninitialised). Ceph then reads heap memory beyond items[]; answer
  // "no such item", which every caller rejects like an id beyond max_devices.
  return b.items[n >>> 1] ?? ITEM_NONE;
}

/** Straw (v1) bucket: the longest hash-scaled straw wins; the first index keeps ties. */
function strawChoose(b: RuntimeBucket, x: number, r: number): number {
  let high = 0;
  let highDraw = 0;
  for (let i = 0; i < b.size; i++) {
    const draw = (b.hash === CRUSH_HASH_RJENKINS1 ? hash32_3Low16(x, b.items[i]!, r) : 0) * b.straws[i]!; // < 2^48
    if (i === 0 || draw > highDraw) {
      high = i;
      highDraw = draw;
    }
  }
  return b.items[high]!;
}

/**
 * Straw2 bucket: draw = (crush_ln(hash & 0xFFFF) − 2^48) / weight, C division (toward zero);
 * weight 0 draws INT64_MIN; the first strictly greatest draw wins (so index 0 wins all ties,
 * even when every weight is 0). choose_args replace the weights (weight set for this position,
 * clamped to the last one) and the hashed ids; the returned item is always the real one.
 */
function straw2Choose(b: RuntimeBucket, x: number, r: number, position: number): number {
  const ln = straw2LnTable();
  let weights = b.itemWeights;
  const ws = b.weightSet;
  if (ws !== null) weights = ws[position < ws.length ? position : ws.length - 1]!;
  const ids = b.hashIds ?? b.items;
  const rj = b.hash === 0;
  if (ws === null && b.equalWeights && rj) return straw2EqualWeights(b, x, r, ln, ids);
  let high = 0;
  let highDraw = -Infinity;
  for (let i = 0; i < b.size; i++) {
    const w = weights[i]!;
    let draw = -Infinity;
    if (w !== 0) {
      const u = rj ? hash32_3Low16(x, ids[i]!, r) : 0;
      // |ln| ≤ 2^48, so the truncated quotient is exact in double precision.
      draw = Math.trunc(ln[u]! / w);
    }
    if (i === 0 || draw > highDraw) {
      high = i;
      highDraw = draw;
    }
  }
  return b.items[high]!;
}

/**
 * straw2 when all weights are one value w > 0: trunc(l / w) never decreases as l grows, so an
 * item whose ln is not above the largest seen cannot beat the current draw; only a new largest
 * ln needs the division (about ln(size) of them per bucket, against one per item).
 */
function straw2EqualWeights(b: RuntimeBucket, x: number, r: number, ln: Float64Array, ids: Int32Array): number {
  const w = b.itemWeights[0]!;
  let high = 0;
  let maxLn = ln[hash32_3Low16(x, ids[0]!, r)]!;
  let highDraw = Math.trunc(maxLn / w);
  for (let i = 1; i < b.size; i++) {
    const l = ln[hash32_3Low16(x, ids[i]!, r)]!;
    if (l <= maxLn) continue;
    maxLn = l;
    const draw = Math.trunc(l / w);
    if (draw > highDraw) {
      high = i;
      highDraw = draw;
    }
  }
  return b.items[high]!;
}

/** crush_bucket_choose: the one dispatch over algorithms. `b.size` must be > 0. */
export function bucketChoose(b: RuntimeBucket, x: number, r: number, position: number, perm: Int32Array): number {
  switch (b.alg) {
    case BUCKET_UNIFORM:
      return permChoose(b, x, r, perm);
    case BUCKET_LIST:
      return listChoose(b, x, r);
    case BUCKET_TREE:
      return treeChoose(b, x, r);
    case BUCKET_STRAW:
      return strawChoose(b, x, r);
    case BUCKET_STRAW2:
      return straw2Choose(b, x, r, position);
    default:
      // Unknown algorithm: Ceph falls back to the first item.
      return b.items[0]!;
  }
}
