/**
 * The OSDMap edits of `monctl osdmap edit …`, each filling the pending Incremental the way
 * OSDMonitor::prepare_command fills it for the matching `ceph osd …` command:
 *
 *  set/unset FLAG   new_flags = flags | bits (or & ~bits)        `ceph osd set|unset`
 *  mark-out ID…     new_weight[id] = 0                           `ceph osd out`
 *  mark-in ID…      new_weight[id] = 0x10000 (or the weight saved
 *                   when the OSD was marked out automatically)  `ceph osd in`
 *  mark-down ID…    new_state[id] ^= UP                          `ceph osd down`
 *  reweight ID W    new_weight[id] = trunc(W × 0x10000)          `ceph osd reweight`
 *  rm-upmap PGID    old_pg_upmap / old_pg_upmap_items            `ceph osd rm-pg-upmap[-items]`
 *  rm-pg-temp PGID  new_pg_temp[pg] = [], new_primary_temp = −1  `ceph osd pg-temp PGID` (no OSDs)
 *
 * Edits that would change nothing are refused: no epoch is written for them.
 */
import { MonctlError } from '../../errors.js';
import { osdmapFlagString } from '../../osdmap/dump.js';
import { nothingToChange, type OsdmapEdit } from './edit-plan.js';
import type { Incremental } from '../../osdmap/incremental-types.js';
import { pgKey, pgMapSet, type PgMap } from '../../osdmap/osdmap-codec.js';
import { CEPH_OSD_IN, CEPH_OSD_OUT, OSDMAP_FLAG, OSD_SET_FLAGS, OSD_STATE, effectiveFlags, type OSDMap } from '../../osdmap/osdmap-types.js';
import { parsePg, type PgId } from '../../osdmap/pg.js';

// ---- flags -----------------------------------------------------------------------------------

const SETTABLE_FLAGS = OSD_SET_FLAGS;
export const OSDMAP_EDIT_FLAGS = Object.keys(SETTABLE_FLAGS);

function flagBits(name: string): number {
  const bits = SETTABLE_FLAGS[name];
  if (bits === undefined) {
    throw new MonctlError('BAD_ARGUMENT', `'${name}' is not a flag \`ceph osd set\` takes`, {
      actions: [`Use one of: ${OSDMAP_EDIT_FLAGS.join(', ')}.`],
    });
  }
  return bits;
}

/** `ceph osd set FLAG` (prepare_set_flag): the flags the monitor holds, plus the flag. */
export function setFlag(name: string): OsdmapEdit {
  const bits = flagBits(name);
  return (map, inc) => {
    const flags = effectiveFlags(map);
    if ((flags & bits) === bits) throw nothingToChange(`${name} is already set (flags ${osdmapFlagString(flags)})`);
    inc.newFlags = (flags | bits) >>> 0;
  };
}

/** `ceph osd unset FLAG` (prepare_unset_flag). */
export function unsetFlag(name: string): OsdmapEdit {
  const bits = flagBits(name);
  return (map, inc) => {
    const flags = effectiveFlags(map);
    if ((flags & bits) === 0) throw nothingToChange(`${name} is not set (flags ${osdmapFlagString(flags) || 'none'})`);
    inc.newFlags = (flags & ~bits) >>> 0;
  };
}

// ---- OSDs ------------------------------------------------------------------------------------

/** `3` or `osd.3`, as the ceph CLI takes OSD ids. */
export function parseOsdId(text: string): number {
  const m = /^(?:osd\.)?(\d{1,9})$/.exec(text);
  if (!m) {
    throw new MonctlError('BAD_ARGUMENT', `'${text}' is not an OSD id`, { actions: ['Write an OSD id as a number (3) or as osd.3.'] });
  }
  return Number(m[1]);
}

function requireOsd(map: OSDMap, id: number): number {
  if (id >= map.maxOsd || ((map.osdState[id] ?? 0) & OSD_STATE.EXISTS) === 0) {
    throw new MonctlError('BAD_ARGUMENT', `osd.${id} does not exist in osdmap e${map.epoch} (max_osd ${map.maxOsd})`, {
      actions: ['List the OSDs with `monctl osdmap tree`.'],
    });
  }
  return id;
}

/**
 * One per-OSD change for each listed OSD that needs it; the OSDs that already have the state
 * are skipped, as the ceph commands skip them ("osd.N is already out"). All skipped = no-op.
 */
function perOsd(ids: readonly number[], already: string, needs: (map: OSDMap, id: number) => boolean, change: (map: OSDMap, inc: Incremental, id: number) => void): OsdmapEdit {
  if (ids.length === 0) throw new MonctlError('BAD_ARGUMENT', 'name at least one OSD id');
  return (map, inc) => {
    let changed = 0;
    for (const id of ids) {
      if (!needs(map, requireOsd(map, id))) continue;
      change(map, inc, id);
      changed++;
    }
    if (changed === 0) throw nothingToChange(`${ids.map((i) => `osd.${i}`).join(', ')} ${ids.length === 1 ? 'is' : 'are'} already ${already}`);
  };
}

const isIn = (map: OSDMap, id: number): boolean => (map.osdWeight[id] ?? CEPH_OSD_OUT) !== CEPH_OSD_OUT;
const isUp = (map: OSDMap, id: number): boolean => ((map.osdState[id] ?? 0) & OSD_STATE.UP) !== 0;

/** `ceph osd out ID…`. */
export function markOut(ids: readonly number[]): OsdmapEdit {
  return perOsd(ids, 'out', isIn, (_map, inc, id) => inc.newWeight.set(id, CEPH_OSD_OUT));
}

/** `ceph osd in ID…`: an OSD the monitor marked out keeps its old weight in xinfo and gets it back. */
export function markIn(ids: readonly number[]): OsdmapEdit {
  return perOsd(ids, 'in', (map, id) => !isIn(map, id), (map, inc, id) => {
    const xinfo = map.osdXinfo[id];
    if (xinfo !== undefined && xinfo.oldWeight > 0) {
      inc.newWeight.set(id, xinfo.oldWeight);
      inc.newXinfo.set(id, { ...structuredClone(inc.newXinfo.get(id) ?? xinfo), oldWeight: 0 });
    } else {
      inc.newWeight.set(id, CEPH_OSD_IN);
    }
  });
}

/** `ceph osd down ID…`: the state mask toggles UP (apply stamps down_at). */
export function markDown(ids: readonly number[]): OsdmapEdit {
  return perOsd(ids, 'down', isUp, (_map, inc, id) => inc.newState.set(id, (inc.newState.get(id) ?? 0) | OSD_STATE.UP));
}

/** The 16.16 weight `ceph osd reweight` stores for a float in [0, 1]. */
export function reweightValue(text: string): number {
  const w = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(w >= 0 && w <= 1)) {
    throw new MonctlError('BAD_ARGUMENT', `weight '${text}' is not a number from 0.0 to 1.0`, {
      actions: ['Give the override weight as a fraction, e.g. 0.85 (0 marks the OSD out, 1 fully in).'],
    });
  }
  return Math.trunc(CEPH_OSD_IN * w);
}

/** `ceph osd reweight ID W`. */
export function reweight(id: number, weightText: string): OsdmapEdit {
  const w16 = reweightValue(weightText);
  return (map, inc) => {
    requireOsd(map, id);
    if (map.osdWeight[id] === w16) throw nothingToChange(`osd.${id} already has weight ${weightText} (0x${w16.toString(16)})`);
    inc.newWeight.set(id, w16);
  };
}

// ---- PG overrides --------------------------------------------------------------------------

function describePg(map: OSDMap, pg: PgId): string {
  const pool = map.pools.get(pg.pool);
  if (pool === undefined) return `pool ${pg.pool} does not exist`;
  return pg.seed < pool.pgNum ? `pg ${pgKey(pg)} exists` : `pool ${pg.pool} has pg_num ${pool.pgNum}, so pg ${pgKey(pg)} does not exist`;
}

function noEntry(map: OSDMap, pg: PgId, what: string, list: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `osdmap e${map.epoch} has no ${what} entry for ${pgKey(pg)} (${describePg(map, pg)})`, {
    actions: [`List the entries with \`monctl osdmap print\` (the ${list} lines).`],
  });
}

/**
 * Removes whichever of two per-PG override entries the PG has (`names` as `ceph osd dump`
 * prints them); neither present is an error naming whether the PG exists at all.
 */
function removePgOverrides(pgText: string, names: [string, string], entries: [(m: OSDMap) => PgMap<unknown>, (inc: Incremental, pg: PgId) => void][]): OsdmapEdit {
  const pg = parsePg(pgText);
  return (map, inc) => {
    const present = entries.filter(([table]) => table(map).has(pgKey(pg)));
    if (present.length === 0) throw noEntry(map, pg, names.join(' or '), names.join(' and '));
    for (const [, remove] of present) remove(inc, pg);
  };
}

/** `ceph osd rm-pg-upmap PGID` and `rm-pg-upmap-items PGID`: whichever entries the PG has. */
export function rmUpmap(pgText: string): OsdmapEdit {
  return removePgOverrides(pgText, ['pg_upmap', 'pg_upmap_items'], [
    [(m) => m.pgUpmap, (inc, pg) => pgMapSet(inc.oldPgUpmap, pg, null)],
    [(m) => m.pgUpmapItems, (inc, pg) => pgMapSet(inc.oldPgUpmapItems, pg, null)],
  ]);
}

/** `ceph osd pg-temp PGID` with no OSDs (an empty vector erases) and `primary-temp PGID -1`. */
export function rmPgTemp(pgText: string): OsdmapEdit {
  return removePgOverrides(pgText, ['pg_temp', 'primary_temp'], [
    [(m) => m.pgTemp, (inc, pg) => pgMapSet(inc.newPgTemp, pg, [])],
    [(m) => m.primaryTemp, (inc, pg) => pgMapSet(inc.newPrimaryTemp, pg, -1)],
  ]);
}
