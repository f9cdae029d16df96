/**
 * `ceph osd crush add ID WEIGHT host=H [rack=R]` on a CRUSH map: creates the host (and rack)
 * buckets as straw2 under root `default` when missing (CrushWrapper::insert_item), puts the
 * device in the host with its 16.16 weight and adjusts the weights up the tree.
 */
import { BUCKET_STRAW2, type CrushBucket, type CrushMap } from '../../crush/index.js';

/** The bucket-type id the map names `name` (CrushWrapper::get_type_id), -1 when it has none. */
function typeId(c: CrushMap, name: string): number {
  for (const [id, n] of c.typeMap) if (n === name) return id;
  return -1;
}

function findBucket(c: CrushMap, name: string): CrushBucket | undefined {
  for (const [id, n] of c.nameMap) if (n === name && id < 0) return c.buckets[-1 - id] ?? undefined;
  return undefined;
}

function parentOf(c: CrushMap, item: number): CrushBucket | undefined {
  return c.buckets.find((b): b is CrushBucket => b !== null && b.items.includes(item));
}

function itemWeights(b: CrushBucket): number[] {
  if (b.alg !== BUCKET_STRAW2) throw new Error(`bucket ${b.id} is not straw2`);
  return b.itemWeights;
}

/** Adds `item` to `b` with `weight16`, then adds the weight to every ancestor's entry. */
function linkItem(c: CrushMap, b: CrushBucket, item: number, weight16: number): void {
  b.items.push(item);
  itemWeights(b).push(weight16);
  b.weight = (b.weight + weight16) >>> 0;
  adjustAncestors(c, b, weight16);
}

function adjustAncestors(c: CrushMap, child: CrushBucket, delta: number): void {
  let cur = child;
  for (let p = parentOf(c, cur.id); p !== undefined; cur = p, p = parentOf(c, cur.id)) {
    const i = p.items.indexOf(cur.id);
    const ws = itemWeights(p);
    ws[i] = (ws[i]! + delta) >>> 0;
    p.weight = (p.weight + delta) >>> 0;
  }
}

function newBucket(c: CrushMap, name: string, type: number, parent: CrushBucket): CrushBucket {
  let slot = c.buckets.indexOf(null);
  if (slot < 0) slot = c.buckets.length;
  const b: CrushBucket = { id: -1 - slot, type, alg: BUCKET_STRAW2, hash: 0, weight: 0, items: [], itemWeights: [] };
  c.buckets[slot] = b;
  c.nameMap.set(b.id, name);
  linkItem(c, parent, b.id, 0);
  return b;
}

/** The new map, or a reason it cannot be done (the ENOENT/EEXIST/EINVAL answers). */
export function crushAdd(base: CrushMap, id: number, weight: number, host: string, rack?: string): CrushMap | string {
  if (weight < 0) return `invalid weight ${weight}`;
  const c = structuredClone(base);
  if (parentOf(c, id) !== undefined) return `osd.${id} already exists in the crush map`;
  const root = findBucket(c, 'default');
  if (root === undefined) return 'no root bucket named default';
  let parent = root;
  if (rack !== undefined) {
    const r = findBucket(c, rack);
    if (r !== undefined && r.type !== typeId(c, 'rack')) return `bucket ${rack} is not a rack`;
    parent = r ?? newBucket(c, rack, typeId(c, 'rack'), root);
  }
  const existing = findBucket(c, host);
  if (existing !== undefined && existing.type !== typeId(c, 'host')) return `bucket ${host} is not a host`;
  const h = existing ?? newBucket(c, host, typeId(c, 'host'), parent);
  linkItem(c, h, id, Math.round(weight * 0x10000));
  c.nameMap.set(id, `osd.${id}`);
  if (c.maxDevices <= id) c.maxDevices = id + 1;
  return c;
}
