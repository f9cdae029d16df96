/**
 * OSDMap::print_tree as Ceph 16.2 (Pacific) prints it: `osdmaptool F --tree` and
 * `ceph osd tree`. The CRUSH walk is the one of `ceph osd crush tree` (crushTree: roots in id
 * order, children by class then id or name, shadow trees hidden); each OSD row adds its
 * STATUS, REWEIGHT and PRI-AFF, and OSDs that exist but are in no bucket follow as strays at
 * depth 0 with weight 0.
 *
 * The table is Ceph's TextTable: every header left-aligned, cells right-aligned except TYPE
 * NAME, each column padded to its widest cell (empty cells too, so bucket rows end in spaces),
 * two spaces between columns.
 */
import { itemClass } from '../crush/dump.js';
import { crushTree, type CrushTreeJson } from '../crush/tree.js';
import { formatFixed, osdExists, osdIsUp, primaryAffinity, weightFloat16 } from './print.js';
import { OSD_STATE, type OSDMap } from './osdmap-types.js';

type TreeNode = Record<string, unknown>;

/** weightf_t's operator<<: `-` below −0.01, `0` below 1e-6, else %.5f of the float. */
export function formatWeightf(w: number): string {
  const f = Math.fround(w);
  if (f < Math.fround(-0.01)) return '-';
  if (f < Math.fround(0.000001)) return '0';
  return formatFixed(f, 5);
}

function osdStatus(m: OSDMap, id: number): 'up' | 'down' | 'destroyed' {
  if (osdIsUp(m, id)) return 'up';
  if (osdExists(m, id) && ((m.osdState[id] ?? 0) & OSD_STATE.DESTROYED) !== 0) return 'destroyed';
  return 'down';
}

const reweight = (m: OSDMap, id: number): number => weightFloat16(m.osdWeight[id] ?? 0);
const affinity = (m: OSDMap, id: number): number => weightFloat16(primaryAffinity(m, id));

/** STATUS, REWEIGHT, PRI-AFF of one OSD row (`DNE` and 0 for an OSD the map lacks). */
function osdCells(m: OSDMap, id: number): string[] {
  if (!osdExists(m, id)) return ['DNE', '0', ''];
  return [osdStatus(m, id), formatWeightf(reweight(m, id)), formatWeightf(affinity(m, id))];
}

/** OSDTreeFormattingDumper's extra fields of an OSD node. */
function osdJsonFields(m: OSDMap, id: number): TreeNode {
  return { exists: osdExists(m, id) ? 1 : 0, status: osdStatus(m, id), reweight: reweight(m, id), primary_affinity: affinity(m, id) };
}

export interface OSDTree {
  /** The table rows (ID, CLASS, WEIGHT, TYPE NAME, STATUS, REWEIGHT, PRI-AFF), unpadded. */
  rows: string[][];
  /** `ceph osd tree -f json`: the CRUSH walk, then OSDs in no bucket. */
  json: CrushTreeJson;
}

/**
 * `ceph osd tree` names each weight set by its pool (OSDMap::print_tree hands the dumper the
 * pool names; CrushTreeDumper::dump_item_fields falls back to the choose_args key for a key
 * that is no pool, `(compat)` for the compat set), in choose_args key order (the compat set,
 * -1, first). The CRUSH-only tree keys them by number.
 */
function namedPoolWeights(m: OSDMap, node: TreeNode): TreeNode {
  const pw = node.pool_weights as Record<string, number[]> | undefined;
  if (pw === undefined) return node;
  const keys = [...m.crush.chooseArgs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const named: Record<string, number[]> = {};
  for (const key of keys) {
    const raw = key === -1n ? '(compat)' : key.toString();
    const w = pw[raw];
    if (w === undefined) continue;
    const name = key === -1n ? raw : (m.poolName.get(Number(key)) ?? raw);
    named[name] = w;
  }
  return { ...node, pool_weights: named };
}

export function osdTree(m: OSDMap): OSDTree {
  const crush = crushTree(m.crush);
  const rows: string[][] = [];
  const nodes: TreeNode[] = [];
  const touched = new Set<number>();
  crush.json.nodes.forEach((node, i) => {
    const id = node.id as number;
    const row = crush.rows[i]!;
    touched.add(id);
    if (id < 0) {
      // Bucket rows: ID, CLASS, WEIGHT and the indented `type name` as the crush tree has them.
      rows.push([String(id), String(row[1]), String(row[2]), String(row[row.length - 1])]);
      nodes.push(namedPoolWeights(m, node));
      return;
    }
    const depth = node.depth as number;
    rows.push([String(id), String(row[1]), String(row[2]), `${'    '.repeat(depth)}osd.${id}`, ...osdCells(m, id)]);
    nodes.push({ ...namedPoolWeights(m, node), ...osdJsonFields(m, id) });
  });
  const stray: TreeNode[] = [];
  for (let id = 0; id < m.maxOsd; id++) {
    if (!osdExists(m, id) || touched.has(id)) continue;
    const cls = itemClass(m.crush, id);
    rows.push([String(id), cls ?? '', formatWeightf(0), `osd.${id}`, ...osdCells(m, id)]);
    stray.push({
      id,
      ...(cls !== undefined ? { device_class: cls } : {}),
      name: `osd.${id}`,
      type: m.crush.typeMap.get(0) ?? '',
      type_id: 0,
      crush_weight: 0,
      depth: 0,
      ...osdJsonFields(m, id),
    });
  }
  return { rows, json: { nodes, stray } };
}

const HEAD = ['ID', 'CLASS', 'WEIGHT', 'TYPE NAME', 'STATUS', 'REWEIGHT', 'PRI-AFF'];
/** Only TYPE NAME is left-aligned in the body. */
const RIGHT = [true, true, true, false, true, true, true];

/** TextTable's rendering: the exact text of `osdmaptool F --tree`, ending in a newline. */
export function formatOSDTreeTable(rows: readonly string[][]): string {
  const widths = HEAD.map((h, c) => rows.reduce((w, r) => Math.max(w, (r[c] ?? '').length), h.length));
  const line = (cells: readonly string[], head: boolean): string =>
    widths
      .map((w, c) => {
        const cell = cells[c] ?? '';
        return !head && RIGHT[c] ? cell.padStart(w) : cell.padEnd(w);
      })
      .join('  ');
  return [line(HEAD, true), ...rows.map((r) => line(r, false))].join('\n') + '\n';
}

/** The exact text of `osdmaptool F --tree` (Pacific). */
export function printOSDTree(m: OSDMap): string {
  return formatOSDTreeTable(osdTree(m).rows);
}
