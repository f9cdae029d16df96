/**
 * `osdmaptool F --test-map-pgs[-dump] [--pool P] [--pg_num N]` (16.2 osdmaptool.cc): map every
 * PG of every pool (or one), count per OSD how many PGs it is in, first in and primary of, then
 * print the per-OSD table, the average and standard deviation, the least and most loaded OSD
 * and how many PGs got each set size.
 *
 * The work is split so that it can run in parallel: `mapPgRange` maps a range of one pool's
 * seeds into a `PgTally` (and, for the dump, the text of their lines); tallies of consecutive
 * ranges add up (`mergeTally`); `summarizePgs` turns the total into osdmaptool's statistics.
 */
import { AsciiOut } from '../ascii-out.js';
import { bucketItemWeight, type CrushMap } from '../crush/types.js';
import type { OSDMap } from './osdmap-types.js';
import { OSD_STATE } from './osdmap-types.js';
import { formatPg, type PgId } from './pg.js';
import { PgActingMapper } from './pg-acting.js';
import { CRUSH_ITEM_NONE } from './placement.js';
import { formatG, weightFloat16 } from './print.js';

/** What to map: --pool and --pg_num of osdmaptool. */
export interface PgStatsOptions {
  pool?: number;
  /** Map this many PGs per pool instead of its pg_num (osdmaptool --pg_num; pgp_num stays). */
  pgNum?: number;
}

/** One pool's share of the work: seeds [from, to). */
export interface PgRange {
  pool: number;
  from: number;
  to: number;
}

/** Per-OSD counters (indexed by OSD id < max_osd) and the set-size histogram. */
export interface PgTally {
  count: Int32Array;
  first: Int32Array;
  primary: Int32Array;
  /** sizes[k] = how many PGs got a set of k OSDs. */
  sizes: Float64Array;
}

/** osdmaptool keeps a 30-slot size histogram (a pool size is at most 255; 30 is plenty in practice). */
const SIZE_SLOTS = 256;

export function newTally(maxOsd: number): PgTally {
  return { count: new Int32Array(maxOsd), first: new Int32Array(maxOsd), primary: new Int32Array(maxOsd), sizes: new Float64Array(SIZE_SLOTS) };
}

export function mergeTally(into: PgTally, t: PgTally): void {
  for (let i = 0; i < into.count.length; i++) {
    into.count[i]! += t.count[i]!;
    into.first[i]! += t.first[i]!;
    into.primary[i]! += t.primary[i]!;
  }
  for (let k = 0; k < SIZE_SLOTS; k++) into.sizes[k]! += t.sizes[k]!;
}

/** The pools the run covers, in id order, with the pg_num each is mapped with. */
export function poolsToMap(m: OSDMap, opts: PgStatsOptions = {}): { pool: number; pgNum: number }[] {
  const out: { pool: number; pgNum: number }[] = [];
  for (const id of [...m.pools.keys()].sort((a, b) => a - b)) {
    if (opts.pool !== undefined && id !== opts.pool) continue;
    out.push({ pool: id, pgNum: opts.pgNum !== undefined && opts.pgNum > 0 ? opts.pgNum : m.pools.get(id)!.pgNum });
  }
  return out;
}

/**
 * Maps seeds [from, to) of one pool, adding them to `tally`; with `lines`, returns the dump's
 * `pgid\t[acting]\tprimary` lines for them (else '').
 */
export function mapPgRange(mapper: PgActingMapper, range: PgRange, tally: PgTally, lines: boolean): string {
  mapper.usePool(range.pool);
  const { count, first, primary, sizes } = tally;
  const n = count.length;
  const acting = mapper.acting;
  const prefix = `${range.pool}.`;
  const out = lines ? new AsciiOut(Math.max(64, (range.to - range.from) * 24)) : null;
  for (let ps = range.from; ps < range.to; ps++) {
    mapper.map(ps);
    const len = mapper.length;
    const p = mapper.primary;
    sizes[len]!++;
    for (let i = 0; i < len; i++) {
      const o = acting[i]!;
      if (o !== CRUSH_ITEM_NONE && o < n) count[o]!++;
    }
    if (len > 0 && acting[0] !== CRUSH_ITEM_NONE && acting[0]! < n) first[acting[0]!]!++;
    if (p >= 0 && p < n) primary[p]!++;
    if (out !== null) {
      out.ascii(prefix);
      out.hex(ps);
      out.byte(9); // \t
      out.byte(91); // [
      for (let i = 0; i < len; i++) {
        if (i > 0) out.byte(44); // ,
        out.int(acting[i]!);
      }
      out.byte(93); // ]
      out.byte(9);
      out.int(p);
      out.byte(10);
    }
  }
  return out === null ? '' : out.toString();
}

/** A map whose pools carry the --pg_num override (osdmaptool edits its in-memory pools). */
export function withPgNum(m: OSDMap, opts: PgStatsOptions): OSDMap {
  if (opts.pgNum === undefined || opts.pgNum <= 0) return m;
  const pools = new Map(m.pools);
  for (const [id, p] of m.pools) if (opts.pool === undefined || opts.pool === id) pools.set(id, { ...p, pgNum: opts.pgNum });
  return { ...m, pools };
}

/** CrushWrapper::get_item_weight: the weight of the first bucket entry naming the item, or −ENOENT. */
export function crushItemWeight(crush: CrushMap, id: number): number {
  for (const b of crush.buckets) {
    if (b === null || b === undefined) continue;
    if (b.id === id) return b.weight;
    const j = b.items.indexOf(id);
    if (j >= 0) return bucketItemWeight(b, j);
  }
  return -2;
}

export interface PgStatsOsd {
  osd: number;
  count: number;
  first: number;
  primary: number;
  /** CRUSH weight (16.16). */
  crushWeight: number;
  /** OSDMap weight (16.16). */
  weight: number;
}

export interface PgStats {
  pools: { pool: number; pgNum: number }[];
  osds: PgStatsOsd[];
  in: number;
  avg: number;
  /** NaN when undefined (no OSD in). */
  stddev: number;
  expected: number;
  min?: { osd: number; count: number };
  max?: { osd: number; count: number };
  /** [set size, number of PGs] for each size that occurs. */
  sizes: [number, number][];
}

/** osdmaptool's table and statistics from the summed tally. */
export function summarizePgs(m: OSDMap, pools: PgStats['pools'], t: PgTally): PgStats {
  const osds: PgStatsOsd[] = [];
  let total = 0;
  let minOsd = -1;
  let maxOsd = -1;
  const { count } = t;
  for (let i = 0; i < m.maxOsd; i++) {
    // OSDMap::is_in: exists and weight ≠ 0; then only OSDs CRUSH gives a weight.
    if (((m.osdState[i] ?? 0) & OSD_STATE.EXISTS) === 0 || (m.osdWeight[i] ?? 0) === 0) continue;
    const cw = crushItemWeight(m.crush, i);
    if (cw <= 0) continue;
    const c = count[i]!;
    osds.push({ osd: i, count: c, first: t.first[i]!, primary: t.primary[i]!, crushWeight: cw, weight: m.osdWeight[i]! });
    total += c;
    if (c !== 0 && (minOsd < 0 || c < count[minOsd]!)) minOsd = i;
    if (c !== 0 && (maxOsd < 0 || c > count[maxOsd]!)) maxOsd = i;
  }
  const inCount = osds.length;
  // avg is a uint64 quotient; (avg − count)² is taken in uint64 too, which equals the square of the difference.
  const avg = inCount > 0 ? Math.floor(total / inCount) : 0;
  let dev = 0;
  for (const o of osds) dev += (avg - o.count) * (avg - o.count);
  dev = Math.sqrt(dev / inCount);
  const expected = Math.sqrt((total / inCount) * (1 - 1 / inCount));
  const sizes: [number, number][] = [];
  for (let s = 0; s < t.sizes.length; s++) if (t.sizes[s]! > 0) sizes.push([s, t.sizes[s]!]);
  return {
    pools,
    osds,
    in: inCount,
    avg,
    stddev: dev,
    expected,
    ...(minOsd >= 0 ? { min: { osd: minOsd, count: count[minOsd]! } } : {}),
    ...(maxOsd >= 0 ? { max: { osd: maxOsd, count: count[maxOsd]! } } : {}),
    sizes,
  };
}

/** Every PG in one thread: the statistics, and the dump lines of each pool when asked for. */
export function runPgMapping(m0: OSDMap, opts: PgStatsOptions, lines: boolean): { stats: PgStats; text: string[] } {
  const m = withPgNum(m0, opts);
  const pools = poolsToMap(m, opts);
  const tally = newTally(m.maxOsd);
  const mapper = new PgActingMapper(m);
  const text = pools.map((p) => mapPgRange(mapper, { pool: p.pool, from: 0, to: p.pgNum }, tally, lines));
  return { stats: summarizePgs(m, pools, tally), text };
}

/** `osdmaptool --test-map-pgs`: the statistics only. */
export function pgStats(m: OSDMap, opts: PgStatsOptions = {}): PgStats {
  return runPgMapping(m, opts, false).stats;
}

/** ostream << double for these statistics: NaN prints as glibc prints x86's default NaN. */
function statG(x: number): string {
  return Number.isNaN(x) ? '-nan' : formatG(x);
}

/** From `#osd…` to the size lines: what follows the pools in every --test-map-pgs* output. */
export function formatPgSummary(d: PgStats): string {
  let s = '#osd\tcount\tfirst\tprimary\tc wt\twt\n';
  for (const o of d.osds) {
    s += `osd.${o.osd}\t${o.count}\t${o.first}\t${o.primary}\t${formatG(weightFloat16(o.crushWeight))}\t${formatG(weightFloat16(o.weight))}\n`;
  }
  s += ` in ${d.in}\n`;
  s += ` avg ${d.avg} stddev ${statG(d.stddev)} (${statG(d.stddev / d.avg)}x) (expected ${statG(d.expected)} ${statG(d.expected / d.avg)}x))\n`;
  if (d.min) s += ` min osd.${d.min.osd} ${d.min.count}\n`;
  if (d.max) s += ` max osd.${d.max.osd} ${d.max.count}\n`;
  for (const [size, c] of d.sizes) s += `size ${size}\t${c}\n`;
  return s;
}

/** The stdout of `osdmaptool F --test-map-pgs [--pool P]`. */
export function formatPgStats(d: PgStats): string {
  return d.pools.map((p) => `pool ${p.pool} pg_num ${p.pgNum}\n`).join('') + formatPgSummary(d);
}

/** The stdout of `osdmaptool F --test-map-pgs-dump [--pool P]`, given each pool's lines. */
export function formatPgsDumpText(d: PgStats, poolLines: readonly string[]): string {
  return d.pools.map((p, i) => `pool ${p.pool} pg_num ${p.pgNum}\n${poolLines[i] ?? ''}`).join('') + formatPgSummary(d);
}

// ---- the dump as data ------------------------------------------------------------------------

export interface PgsDumpLine {
  pgid: PgId;
  acting: number[];
  actingPrimary: number;
}

export interface PgsDump extends Omit<PgStats, 'pools'> {
  pools: { pool: number; pgNum: number; pgs: PgsDumpLine[] }[];
}

/** Every PG of every pool (or one pool) as data, with osdmaptool's statistics. */
export function pgsDump(m0: OSDMap, opts: PgStatsOptions = {}): PgsDump {
  const m = withPgNum(m0, opts);
  const mapper = new PgActingMapper(m);
  const tally = newTally(m.maxOsd);
  const pools: PgsDump['pools'] = [];
  for (const p of poolsToMap(m, opts)) {
    const pgs: PgsDumpLine[] = [];
    for (let ps = 0; ps < p.pgNum; ps++) {
      mapPgRange(mapper, { pool: p.pool, from: ps, to: ps + 1 }, tally, false);
      pgs.push({ pgid: { pool: p.pool, seed: ps }, acting: Array.from(mapper.acting.subarray(0, mapper.length)), actingPrimary: mapper.primary });
    }
    pools.push({ ...p, pgs });
  }
  const stats = summarizePgs(m, poolsToMap(m, opts), tally);
  return { ...stats, pools };
}

/** The stdout of `osdmaptool F --test-map-pgs-dump` from the dump as data. */
export function formatPgsDump(d: PgsDump): string {
  const lines = d.pools.map((p) => p.pgs.map((l) => `${formatPg(l.pgid)}\t[${l.acting.join(',')}]\t${l.actingPrimary}\n`).join(''));
  return formatPgsDumpText({ ...d, pools: d.pools.map(({ pool, pgNum }) => ({ pool, pgNum })) }, lines);
}
