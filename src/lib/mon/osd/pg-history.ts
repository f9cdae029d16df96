/**
 * Where one PG was at every osdmap epoch of a store: its up and acting sets and primaries per
 * epoch, and the epochs where they changed.
 *
 * Each epoch's map is the stored full map `osdmap/full_<e>`; where that was pruned, the previous
 * epoch's map plus the incremental `osdmap/<e>` (the monitor's own way to rebuild it). A CRUSH map
 * whose bytes did not change keeps the decoded object of the epoch before, so the CRUSH context
 * built for it (placement.ts caches one per CrushMap) is reused instead of rebuilt every epoch.
 */
import { MonctlError } from '../../errors.js';
import { keyName, type MonStore } from '../../store/index.js';
import { applyIncremental } from '../../osdmap/apply.js';
import { decodeOSDMap } from '../../osdmap/osdmap.js';
import type { OSDMap } from '../../osdmap/osdmap-types.js';
import { pgToUpActing, rawPgToPg } from '../../osdmap/placement.js';
import type { PgId } from '../../osdmap/pg.js';
import { OSDMAP_PREFIX, readIncremental, readOsdmapRange } from './store.js';

export interface PgHistoryEntry {
  epoch: number;
  /** The pg id folded by that epoch's pg_num; null when the pool did not exist. */
  pgid: PgId | null;
  up: number[];
  upPrimary: number;
  acting: number[];
  actingPrimary: number;
  /** Up set or up primary differs from the previous epoch listed, or the pool appeared or went (never for the first). */
  upChanged: boolean;
  actingChanged: boolean;
  /** Where the map came from: the stored full map or an incremental applied to the previous one. */
  source: 'full' | 'incremental';
}

export interface PgHistory {
  pgid: PgId;
  from: number;
  to: number;
  entries: PgHistoryEntry[];
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The map of epoch e: its full map, else prev + incremental e. */
async function mapAt(store: MonStore, e: number, prev: OSDMap | undefined): Promise<{ map: OSDMap; source: PgHistoryEntry['source'] }> {
  const key = `full_${e}`;
  const bytes = await store.get(OSDMAP_PREFIX, key);
  if (bytes !== undefined) {
    let map: OSDMap;
    try {
      map = decodeOSDMap(bytes);
    } catch (err) {
      throw err instanceof MonctlError ? err.withKey(keyName(OSDMAP_PREFIX, key)) : err;
    }
    if (prev !== undefined && bytesEqual(prev.crushBytes, map.crushBytes)) map.crush = prev.crush;
    return { map, source: 'full' };
  }
  if (prev === undefined) {
    throw new MonctlError('KEY_NOT_FOUND', `no full OSDMap for epoch ${e}, the first epoch asked for`, {
      key: keyName(OSDMAP_PREFIX, key),
      actions: ['Start at an epoch whose full map is stored (--from); later epochs are rebuilt from incrementals.'],
    });
  }
  return { map: applyIncremental(prev, (await readIncremental(store, e)).inc), source: 'incremental' };
}

/** Every epoch in [from, to] (default: the stored range) for pg `raw` (folded per epoch). */
export async function pgHistory(store: MonStore, raw: PgId, opts: { from?: number; to?: number } = {}): Promise<PgHistory> {
  const range = await readOsdmapRange(store);
  const from = opts.from ?? range.first;
  const to = opts.to ?? range.last;
  if (range.last === 0 || from > to || from < range.first || to > range.last) {
    throw new MonctlError('BAD_ARGUMENT', `epochs ${from}..${to} are not in the store's osdmap range ${range.first}..${range.last}`, {
      key: keyName(OSDMAP_PREFIX, 'first_committed'),
      actions: ['Pick --from and --to between osdmap first_committed and last_committed (`monctl store versions`).'],
    });
  }
  const entries: PgHistoryEntry[] = [];
  let prev: OSDMap | undefined;
  for (let e = from; e <= to; e++) {
    const { map, source } = await mapAt(store, e, prev);
    prev = map;
    const pool = map.pools.get(raw.pool);
    const p = pgToUpActing(map, raw);
    const last = entries[entries.length - 1];
    // The pool appearing or going away counts as a change of both sets.
    const born = last !== undefined && (last.pgid === null) !== (pool === undefined);
    const upChanged = last !== undefined && (born || !sameList(last.up, p.up) || last.upPrimary !== p.upPrimary);
    const actingChanged = last !== undefined && (born || !sameList(last.acting, p.acting) || last.actingPrimary !== p.actingPrimary);
    entries.push({
      epoch: e,
      pgid: pool === undefined ? null : rawPgToPg(pool, raw),
      up: p.up,
      upPrimary: p.upPrimary,
      acting: p.acting,
      actingPrimary: p.actingPrimary,
      upChanged,
      actingChanged,
      source,
    });
  }
  return { pgid: raw, from, to, entries };
}
