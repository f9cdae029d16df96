/**
 * Device-class shadow trees as CrushWrapper::populate_classes builds them when crushtool
 * compiles a map (it runs once, just before the first rule): every parentless bucket is cloned
 * once per class, keeping only that class's devices, into buckets named `host~ssd`.
 */
import { BuildFailure, addBucketItem, emptyBucket, itemWeightAt } from './builder.js';
import { isValidCrushName } from './decompile.js';
import type { CrushBucket } from './types.js';

/** The part of the map under construction the clone reads and extends. */
export interface ClassState {
  buckets: (CrushBucket | null)[];
  nameMap: Map<number, string>;
  classMap: Map<number, number>;
  className: Map<number, string>;
  /** original bucket id → class id → shadow bucket id (CrushWrapper::class_bucket). */
  classBucket: Map<number, Map<number, number>>;
  strawCalcVersion: number;
  /**
   * crush_add_bucket: places a bucket at an id (0: the first free slot), growing max_buckets;
   * returns the id, or undefined if the slot is taken.
   */
  placeBucket(id: number, b: CrushBucket): number | undefined;
}

const isShadow = (st: ClassState, id: number): boolean => {
  const name = st.nameMap.get(id);
  return name !== undefined && !isValidCrushName(name);
};

/** Buckets no bucket contains (find_nonshadow_roots), in ascending id order as std::set. */
function nonShadowRoots(st: ClassState): number[] {
  const contained = new Set<number>();
  for (const b of st.buckets) if (b !== null) for (const item of b.items) contained.add(item);
  const roots: number[] = [];
  for (const b of st.buckets) if (b !== null && !contained.has(b.id) && !isShadow(st, b.id)) roots.push(b.id);
  return roots.sort((a, b) => a - b);
}

/**
 * populate_classes(old_class_bucket). Like Ceph, the first failure (a uniform bucket that
 * refuses a clone's weight, an id already taken) stops the whole pass; what was built so far
 * stays, and the compiler carries on without reporting it.
 */
export function populateClasses(st: ClassState, oldClassBucket: Map<number, Map<number, number>>): void {
  const usedIds = new Set<number>();
  for (const m of oldClassBucket.values()) for (const id of m.values()) usedIds.add(id);
  // Name → id of the clones made so far (name_exists / get_item_id): clone names hold a `~`,
  // which no name in the text can, so only clones can match.
  const byName = new Map<string, number>();
  const classes = [...st.className.keys()].sort((a, b) => a - b);
  try {
    for (const root of nonShadowRoots(st)) {
      for (const c of classes) cloneForClass(st, root, c, oldClassBucket, usedIds, byName);
    }
  } catch (e) {
    if (!(e instanceof BuildFailure)) throw e;
  }
}

/** device_class_clone: the shadow copy of one bucket for one class; returns its id. */
function cloneForClass(
  st: ClassState,
  originalId: number,
  classId: number,
  oldClassBucket: Map<number, Map<number, number>>,
  usedIds: Set<number>,
  byName: Map<string, number>,
): number {
  const itemName = st.nameMap.get(originalId);
  if (itemName === undefined) throw new BuildFailure(`bucket ${originalId} has no name`);
  const copyName = `${itemName}~${st.className.get(classId)!}`;
  const existing = byName.get(copyName);
  if (existing !== undefined) return existing;

  const original = st.buckets[-1 - originalId]!;
  const copy = emptyBucket(original.alg, original.hash, original.type, st.strawCalcVersion);
  original.items.forEach((item, i) => {
    const weight = itemWeightAt(original, i);
    if (item >= 0) {
      if (st.classMap.get(item) === classId) addBucketItem(copy, item, weight, st.strawCalcVersion);
      return;
    }
    const childId = cloneForClass(st, item, classId, oldClassBucket, usedIds, byName);
    addBucketItem(copy, childId, st.buckets[-1 - childId]!.weight, st.strawCalcVersion);
  });

  let bno = oldClassBucket.get(originalId)?.get(classId);
  if (bno === undefined) {
    // A new shadow id: free in the map and never used by an earlier shadow tree.
    bno = -1;
    while ((-1 - bno < st.buckets.length && st.buckets[-1 - bno] !== null) || usedIds.has(bno)) bno--;
  }
  const placed = st.placeBucket(bno, copy);
  if (placed === undefined) throw new BuildFailure(`shadow bucket id ${bno} is taken`);
  bno = placed;
  st.classMap.set(bno, classId);
  st.nameMap.set(bno, copyName);
  byName.set(copyName, bno);
  let perClass = st.classBucket.get(originalId);
  if (perClass === undefined) st.classBucket.set(originalId, (perClass = new Map()));
  perClass.set(classId, bno);
  return bno;
}
