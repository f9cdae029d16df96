import { MonctlError } from '../errors.js';
import { bucketItemWeight, effectiveChooseArgs, getBucket } from './types.js';
import { itemClass, weightFloat } from './dump.js';
import { isValidCrushName } from './decompile.js';
import type { CrushMap } from './types.js';

/**
 * The walk of Ceph's CrushTreeDumper (`ceph osd crush tree`, `crushtool --tree`): roots in id
 * order (shadow roots only when asked), then depth first, children sorted by class, then device
 * id or bucket name.
 */
interface TreeItem {
  id: number;
  /** The bucket the item was reached from; 0 for a root. */
  parent: number;
  depth: number;
  /** (float)weight / 0x10000, as Ceph holds it. */
  weight: number;
  /** Child ids as Ceph lists them in JSON (descending sort key). */
  children: number[];
}

const utf8 = new TextEncoder();
const bytewise = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));
const nameOf = (map: CrushMap, id: number): string => map.nameMap.get(id) ?? '';

function isShadow(map: CrushMap, id: number): boolean {
  const name = map.nameMap.get(id);
  return name !== undefined && !isValidCrushName(name);
}

/** CrushWrapper::find_roots / find_nonshadow_roots: buckets no bucket holds, ascending id. */
function findRoots(map: CrushMap, showShadow: boolean): number[] {
  const held = new Set<number>();
  for (const b of map.buckets) if (b !== null) for (const item of b.items) held.add(item);
  const roots: number[] = [];
  map.buckets.forEach((b, i) => {
    if (b === null) return;
    const id = -1 - i;
    if (held.has(id) || (!showShadow && isShadow(map, id))) return;
    roots.push(id);
  });
  return roots.sort((a, b) => a - b);
}

function walkTree(map: CrushMap, showShadow: boolean): { items: TreeItem[]; touched: Set<number> } {
  const items: TreeItem[] = [];
  const touched = new Set<number>();
  const maxDepth = map.buckets.length + 1;
  for (const root of findRoots(map, showShadow)) {
    const queue: TreeItem[] = [{ id: root, parent: 0, depth: 0, weight: weightFloat(getBucket(map, root)!.weight), children: [] }];
    while (queue.length > 0) {
      const qi = queue.shift()!;
      touched.add(qi.id);
      items.push(qi);
      const b = getBucket(map, qi.id);
      if (b === undefined) continue;
      if (qi.depth > maxDepth) {
        throw new MonctlError('DECODE_INVALID', `CRUSH bucket ${qi.id} is its own ancestor: the map has a cycle`, {
          actions: ['The map is corrupt: restore it from a backup, or check it with `crushtool -i FILE --check`.'],
        });
      }
      // Keyed by `class_osd.%08d` (devices, by id whatever their name) or `_name` (buckets); the
      // lowest position wins a tie.
      const sorted = new Map<string, { id: number; weight: number }>();
      for (let k = b.items.length - 1; k >= 0; k--) {
        const id = b.items[k]!;
        const key = id >= 0 ? `${itemClass(map, id) ?? ''}_osd.${String(id).padStart(8, '0')}` : `_${nameOf(map, id)}`;
        sorted.set(key, { id, weight: weightFloat(bucketItemWeight(b, k)) });
      }
      const keys = [...sorted.keys()].sort(bytewise);
      qi.children = keys.map((k) => sorted.get(k)!.id).reverse();
      const next = keys.map((k) => ({ ...sorted.get(k)!, parent: qi.id, depth: qi.depth + 1, children: [] }));
      queue.unshift(...next);
    }
  }
  return { items, touched };
}

/** The weight-set columns: `(compat)` for the compat set, else the choose_args key. */
function weightSets(map: CrushMap): { name: string; weightOf: (item: TreeItem) => number[] | undefined }[] {
  return [...effectiveChooseArgs(map)].map(([key, args]) => ({
    name: key === -1n ? '(compat)' : key.toString(),
    weightOf: (qi: TreeItem): number[] | undefined => {
      if (qi.parent >= 0) return undefined;
      const bidx = -1 - qi.parent;
      const b = getBucket(map, qi.parent);
      const arg = args.find((a) => a.bucketIndex === bidx);
      if (b === undefined || arg === undefined || arg.weightSet.length < 1) return undefined;
      const size = arg.weightSet[0]!.length;
      let pos = 0;
      while (pos < size && b.items[pos] !== qi.id) pos++;
      return arg.weightSet.map((ws) => weightFloat(ws[pos] ?? 0));
    },
  }));
}

/** operator<< of weightf_t: `-` below −0.01, `0` below 1e-6, else printf("%.5f") (ties to even). */
function formatWeight(w: number): string {
  if (w < -0.01) return '-';
  if (w < 0.000001) return '0';
  // w = m / 2^k exactly; scale to 1e5 and round the exact value half to even.
  let k = 0n;
  let m = w;
  while (!Number.isInteger(m)) {
    m *= 2;
    k++;
  }
  const num = BigInt(m) * 100000n;
  const den = 1n << k;
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  return `${q / 100000n}.${(q % 100000n).toString().padStart(5, '0')}`;
}

type TreeNode = Record<string, unknown>;

/** CrushTreeDumper::dump_item_fields + children, as `ceph osd crush tree -f json` prints them. */
function nodeJson(map: CrushMap, qi: TreeItem, sets: ReturnType<typeof weightSets>): TreeNode {
  const n: TreeNode = { id: qi.id };
  const c = itemClass(map, qi.id);
  if (c !== undefined) n.device_class = c;
  const b = getBucket(map, qi.id);
  if (b !== undefined) {
    n.name = nameOf(map, qi.id);
    n.type = map.typeMap.get(b.type) ?? '';
    n.type_id = b.type;
  } else {
    n.name = `osd.${qi.id}`;
    n.type = map.typeMap.get(0) ?? '';
    n.type_id = 0;
    n.crush_weight = qi.weight;
    n.depth = qi.depth;
  }
  if (qi.parent < 0) {
    const pw: Record<string, number[]> = {};
    for (const s of sets) {
      const w = s.weightOf(qi);
      if (w !== undefined) pw[s.name] = w;
    }
    n.pool_weights = pw;
  }
  if (b !== undefined) n.children = qi.children;
  return n;
}

export interface CrushTreeJson {
  nodes: TreeNode[];
  stray: TreeNode[];
}

export interface CrushTreeTable {
  head: string[];
  rows: Array<Array<string | number>>;
  align: Array<'left' | 'right'>;
  json: CrushTreeJson;
}

/**
 * `ceph osd crush tree` for a CRUSH map: the table (ID, CLASS, WEIGHT, one column per weight
 * set, TYPE NAME) and the JSON (`nodes`, `stray`).
 */
export function crushTree(map: CrushMap, opts: { showShadow?: boolean } = {}): CrushTreeTable {
  const { items, touched } = walkTree(map, opts.showShadow === true);
  const sets = weightSets(map);
  const rows = items.map((qi) => {
    const b = getBucket(map, qi.id);
    const label = b !== undefined ? `${map.typeMap.get(b.type) ?? ''} ${nameOf(map, qi.id)}` : nameOf(map, qi.id);
    const wsCells = sets.map((s) => {
      const w = s.weightOf(qi);
      return w === undefined ? '' : formatWeight(w[0]!);
    });
    return [qi.id, itemClass(map, qi.id) ?? '', formatWeight(qi.weight), ...wsCells, `${'    '.repeat(qi.depth)}${label}`];
  });
  // Ceph's TextTable left-aligns every header: pad the right-aligned ones to their column's width.
  const names = ['ID', 'CLASS', 'WEIGHT', ...sets.map((s) => s.name)];
  const head = [...names.map((h, i) => h.padEnd(rows.reduce((w, r) => Math.max(w, String(r[i]).length), h.length))), 'TYPE NAME'];
  // Named devices the walk never reached, in id order.
  const stray = [...map.nameMap.keys()]
    .filter((id) => id >= 0 && !touched.has(id))
    .sort((a, b) => a - b)
    .map((id) => nodeJson(map, { id, parent: 0, depth: 0, weight: 0, children: [] }, sets));
  return {
    head,
    rows,
    align: [...names.map(() => 'right' as const), 'left' as const],
    json: { nodes: items.map((qi) => nodeJson(map, qi, sets)), stray },
  };
}
