/**
 * Bucket construction as Ceph's builder.c does it when crushtool compiles a map: the five
 * `crush_make_*_bucket` makers (item weights → bucket weight, list running sums, tree node
 * weights, straw lengths) and the `crush_add_*_bucket_item` appenders the device-class clone
 * uses. Results are the model types of types.ts; all arithmetic is on u32 as in C.
 */
import {
  BUCKET_LIST,
  BUCKET_STRAW,
  BUCKET_STRAW2,
  BUCKET_TREE,
  BUCKET_UNIFORM,
  type CrushBucket,
  type StrawBucket,
} from './types.js';

/**
 * A builder call Ceph fails (NULL, -ERANGE, -EINVAL). When compiling a bucket, crushtool then
 * aborts on an assertion; inside the class clone pass the failure silently ends the pass.
 */
export class BuildFailure extends Error {}

/** crush_addition_is_unsafe: a + b would not fit in a u32. */
export function additionIsUnsafe(a: number, b: number): boolean {
  return 0xffffffff - (b >>> 0) < (a >>> 0);
}

/** crush_multiplication_is_unsafe: a zero count is safe, a zero weight is not. */
function multiplicationIsUnsafe(a: number, b: number): boolean {
  if (a === 0) return false;
  if (b === 0) return true;
  return Math.floor(0xffffffff / b) < a;
}

const u32add = (a: number, b: number): number => (a + b) >>> 0;

/** crush_calc_tree_node: item i is leaf node 2i+1 of the implicit tree. */
export const treeNode = (i: number): number => ((i + 1) << 1) - 1;

function treeHeight(n: number): number {
  let h = 0;
  while ((n & 1) === 0) {
    h++;
    n >>= 1;
  }
  return h;
}

function treeParent(n: number): number {
  const h = treeHeight(n);
  return n & (1 << (h + 1)) ? n - (1 << h) : n + (1 << h);
}

function treeDepth(size: number): number {
  if (size === 0) return 0;
  let depth = 1;
  for (let t = size - 1; t !== 0; t >>= 1) depth++;
  return depth;
}

/** C's conversion of a double to a 32-bit unsigned (x86-64: truncate to s64, keep the low word). */
export function doubleToU32(v: number): number {
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return 0;
  return Number(BigInt.asUintN(32, BigInt(Math.trunc(v))));
}

/** C's pow where JavaScript differs: pow(1, ±inf) is 1 in C, NaN in JavaScript. */
const cPow = (x: number, y: number): number => (x === 1 ? 1 : Math.pow(x, y));

/**
 * crush_calc_straw: straw lengths from the item weights, by straw_calc_version (0 is the
 * original, buggy for repeated weights; 1 and later the fixed one).
 */
export function calcStraws(weights: readonly number[], strawCalcVersion: number): number[] {
  const size = weights.length;
  const straws = new Array<number>(size).fill(0);
  // Insertion sort of the indexes by ascending weight, stable as Ceph's.
  const reverse: number[] = [];
  if (size > 0) reverse.push(0);
  for (let i = 1; i < size; i++) {
    let j = 0;
    for (; j < i; j++) if (weights[i]! < weights[reverse[j]!]!) break;
    reverse.splice(j, 0, i);
  }
  const w = (k: number): number => weights[reverse[k]!]!;
  let numleft = size;
  let straw = 1.0;
  let wbelow = 0;
  let lastw = 0;
  let i = 0;
  while (i < size) {
    if (w(i) === 0) {
      straws[reverse[i]!] = 0;
      i++;
      if (strawCalcVersion >= 1) numleft--;
      continue;
    }
    straws[reverse[i]!] = doubleToU32(straw * 0x10000);
    i++;
    if (i === size) break;
    if (strawCalcVersion === 0) {
      if (w(i) === w(i - 1)) continue;
      wbelow += (w(i - 1) - lastw) * numleft;
      for (let j = i; j < size && w(j) === w(i); j++) numleft--;
    } else {
      wbelow += (w(i - 1) - lastw) * numleft;
      numleft--;
    }
    // int × (u32 − u32) is unsigned arithmetic in C: it wraps.
    const wnext = Math.imul(numleft, (w(i) - w(i - 1)) >>> 0) >>> 0;
    const pbelow = wbelow / (wbelow + wnext);
    straw *= cPow(1.0 / pbelow, 1.0 / numleft);
    lastw = w(i - 1);
  }
  return straws;
}

export interface BucketShape {
  alg: number;
  hash: number;
  type: number;
  /** 0 until crush_add_bucket places it. */
  id: number;
}

/**
 * crush_make_bucket with items and their u32 weights. Throws BuildFailure where Ceph returns
 * NULL (crushtool then aborts on an assertion).
 */
export function makeBucket(shape: BucketShape, items: readonly number[], weights: readonly number[], strawCalcVersion: number): CrushBucket {
  const { id, hash, type } = shape;
  const size = items.length;
  const common = { id, type, hash, items: [...items] };
  switch (shape.alg) {
    case BUCKET_UNIFORM: {
      const itemWeight = size > 0 ? weights[0]! : 0;
      if (multiplicationIsUnsafe(size, itemWeight)) throw new BuildFailure(`${size} uniform items of weight ${itemWeight}: a zero or overflowing weight (crushtool aborts)`);
      return { ...common, alg: BUCKET_UNIFORM, weight: Math.imul(size, itemWeight) >>> 0, itemWeight };
    }
    case BUCKET_LIST: {
      const sumWeights: number[] = [];
      let w = 0;
      for (const x of weights) {
        if (additionIsUnsafe(w, x)) throw new BuildFailure('its weight overflows 32 bits (crushtool aborts)');
        w = u32add(w, x);
        sumWeights.push(w);
      }
      return { ...common, alg: BUCKET_LIST, weight: w, itemWeights: [...weights], sumWeights };
    }
    case BUCKET_TREE:
      return makeTree(common, weights);
    case BUCKET_STRAW:
      return { ...common, alg: BUCKET_STRAW, weight: sumU32(weights), itemWeights: [...weights], straws: calcStraws(weights, strawCalcVersion) };
    case BUCKET_STRAW2:
      return { ...common, alg: BUCKET_STRAW2, weight: sumU32(weights), itemWeights: [...weights] };
    default:
      throw new BuildFailure(`unknown bucket algorithm ${shape.alg}`);
  }
}

const sumU32 = (ws: readonly number[]): number => ws.reduce((a, b) => u32add(a, b), 0);

function makeTree(common: { id: number; type: number; hash: number; items: number[] }, weights: readonly number[]): CrushBucket {
  const size = weights.length;
  if (size === 0) return { ...common, alg: BUCKET_TREE, weight: 0, nodeWeights: [] };
  const depth = treeDepth(size);
  const nodeWeights = new Array<number>(1 << depth).fill(0);
  let weight = 0;
  weights.forEach((w, i) => {
    let node = treeNode(i);
    nodeWeights[node] = w;
    if (additionIsUnsafe(weight, w)) throw new BuildFailure('its weight overflows 32 bits (crushtool aborts)');
    weight = u32add(weight, w);
    for (let j = 1; j < depth; j++) {
      node = treeParent(node);
      if (additionIsUnsafe(nodeWeights[node]!, w)) throw new BuildFailure('a tree node weight overflows 32 bits (crushtool aborts)');
      nodeWeights[node] = u32add(nodeWeights[node]!, w);
    }
  });
  return { ...common, alg: BUCKET_TREE, weight, nodeWeights };
}

/** crush_get_bucket_item_weight */
export function itemWeightAt(b: CrushBucket, j: number): number {
  switch (b.alg) {
    case BUCKET_UNIFORM:
      return b.itemWeight;
    case BUCKET_TREE:
      return b.nodeWeights[treeNode(j)] ?? 0;
    default:
      return b.itemWeights[j] ?? 0;
  }
}

/**
 * crush_bucket_add_item: appends one item. Throws BuildFailure where Ceph returns an error
 * (a uniform bucket refuses a weight other than its item weight; additions that overflow).
 */
export function addBucketItem(b: CrushBucket, item: number, weight: number, strawCalcVersion: number): void {
  switch (b.alg) {
    case BUCKET_UNIFORM:
      if (b.itemWeight !== weight) throw new BuildFailure(`uniform bucket ${b.id} refuses weight ${weight} (its item weight is ${b.itemWeight})`);
      break;
    case BUCKET_LIST: {
      const n = b.sumWeights.length;
      if (n > 0 && additionIsUnsafe(b.sumWeights[n - 1]!, weight)) throw new BuildFailure('list bucket weight overflows');
      b.itemWeights.push(weight);
      b.sumWeights.push(n > 0 ? u32add(b.sumWeights[n - 1]!, weight) : weight);
      b.items.push(item);
      b.weight = u32add(b.weight, weight);
      return;
    }
    case BUCKET_TREE:
      addTreeItem(b, weight);
      break;
    case BUCKET_STRAW:
      addStrawItem(b, weight, strawCalcVersion);
      break;
    case BUCKET_STRAW2:
      b.itemWeights.push(weight);
      break;
  }
  if (additionIsUnsafe(b.weight, weight)) throw new BuildFailure(`bucket ${b.id} weight overflows`);
  b.items.push(item);
  b.weight = u32add(b.weight, weight);
}

function addStrawItem(b: StrawBucket, weight: number, strawCalcVersion: number): void {
  b.itemWeights.push(weight);
  b.straws = calcStraws(b.itemWeights, strawCalcVersion);
}

/**
 * crush_add_tree_bucket_item. Ceph grows node_weights with realloc and never clears the new
 * slots: node 0 (never read) and any other fresh slot hold whatever the heap held, so crushtool's
 * bytes for a cloned tree vary from run to run. Here fresh slots are 0.
 */
function addTreeItem(b: Extract<CrushBucket, { alg: typeof BUCKET_TREE }>, weight: number): void {
  const newSize = b.items.length + 1;
  const depth = treeDepth(newSize);
  const numNodes = 1 << depth;
  while (b.nodeWeights.length < numNodes) b.nodeWeights.push(0);
  b.nodeWeights.length = numNodes;
  let node = treeNode(newSize - 1);
  b.nodeWeights[node] = weight;
  const root = numNodes / 2;
  // A deeper tree: its new root starts as the old root's weight.
  if (depth >= 2 && node - 1 === root) b.nodeWeights[root] = b.nodeWeights[root / 2]!;
  for (let j = 1; j < depth; j++) {
    node = treeParent(node);
    if (additionIsUnsafe(b.nodeWeights[node]!, weight)) throw new BuildFailure('tree node weight overflows');
    b.nodeWeights[node] = u32add(b.nodeWeights[node]!, weight);
  }
}

/** crush_make_bucket(…, size 0): the empty copy a device-class clone starts from. */
export function emptyBucket(alg: number, hash: number, type: number, strawCalcVersion: number): CrushBucket {
  return makeBucket({ alg, hash, type, id: 0 }, [], [], strawCalcVersion);
}
