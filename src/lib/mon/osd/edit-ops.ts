/**
 * The OSDMap edits of `monctl osdmap edit …`: each is a list of OSDMonitor commands run through
 * the one decide() the embedded quorum runs too (command.ts), against the committed map, each
 * accepted edit written into the pending Incremental:
 *
 *  set-flag / unset-flag FLAG   `ceph osd set|unset FLAG`
 *  mark-out / mark-in / mark-down ID…   `ceph osd out|in|down ID…` (one command per id)
 *  reweight ID W                `ceph osd reweight ID W`
 *  set-pool NAME KEY VALUE      `ceph osd pool set NAME KEY VALUE` (edit-pool.ts)
 *  rm-upmap PGID                `ceph osd rm-pg-upmap PGID` and/or `rm-pg-upmap-items PGID`
 *  rm-upmap-primary PGID… | --all   `ceph osd rm-pg-upmap-primary PGID` / `rm-pg-upmap-primary-all`
 *  rm-pg-temp PGID              `ceph osd pg-temp PGID` (no OSDs) and/or `primary-temp PGID -1`
 *  set-crush FILE               `ceph osd setcrushmap -i FILE` (edit-crush.ts)
 *
 * As on the monitor, a command that proposes nothing (every OSD already out, say) writes no
 * epoch and is no error; a refused one is an error with the monitor's errno.
 */
import { MonctlError } from '../../errors.js';
import { parsePg, pgKey, sortedPgEntries, type OSDMap, type PgId, type PgMap } from '../../osdmap/index.js';
import { applyEdit, decide, OSD_FLAGS, upmapPrimaryRefusal } from './command.js';
import type { OsdCommand } from './command-types.js';
import type { OsdmapEdit } from './edit-plan.js';

export const OSDMAP_EDIT_FLAGS = Object.keys(OSD_FLAGS);

/** A command the monitor refuses, with the errno it answers (the `ceph` CLI exits with it). */
export class MonitorRefusal extends MonctlError {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super('BAD_ARGUMENT', `refused (errno ${errno}): ${message}`, {
      actions: ['Check the current map with `monctl osdmap print`; no epoch was written.'],
    });
  }
}

/**
 * Runs `commands` in order against the committed map, as the monitor runs the ids of one
 * `osd out 1 2 3` against its osdmap; answers `{ unchanged }` when none proposes anything.
 */
export function runCommands(commands: readonly OsdCommand[] | ((map: OSDMap) => OsdCommand[])): OsdmapEdit {
  return (map, inc) => {
    const list = typeof commands === 'function' ? commands(map) : commands;
    const notes: string[] = [];
    let changed = false;
    for (const c of list) {
      const d = decide(c, map, inc.newState, inc.modified);
      if (!d.ok) throw new MonitorRefusal(d.error, d.errno);
      if (d.changed) {
        applyEdit(inc, d.edit);
        changed = true;
      } else if (d.result !== undefined) notes.push(String(d.result));
    }
    return changed ? undefined : { unchanged: notes.join(' ') || 'nothing to change' };
  };
}

/** `ceph osd set FLAG`. */
export function setFlag(name: string): OsdmapEdit {
  flagKnown(name);
  return runCommands([{ op: 'osd-set', flag: name }]);
}

/** `ceph osd unset FLAG`. */
export function unsetFlag(name: string): OsdmapEdit {
  flagKnown(name);
  return runCommands([{ op: 'osd-unset', flag: name }]);
}

function flagKnown(name: string): void {
  if (OSD_FLAGS[name] === undefined) {
    throw new MonctlError('BAD_ARGUMENT', `'${name}' is not a flag \`ceph osd set\` takes`, { actions: [`Use one of: ${OSDMAP_EDIT_FLAGS.join(', ')}.`] });
  }
}

/** `3` or `osd.3`, as the ceph CLI takes OSD ids. */
export function parseOsdId(text: string): number {
  const m = /^(?:osd\.)?(\d{1,9})$/.exec(text);
  if (!m) {
    throw new MonctlError('BAD_ARGUMENT', `'${text}' is not an OSD id`, { actions: ['Write an OSD id as a number (3) or as osd.3.'] });
  }
  return Number(m[1]);
}

function perOsd(op: 'osd-out' | 'osd-in' | 'osd-down', ids: readonly number[]): OsdmapEdit {
  if (ids.length === 0) throw new MonctlError('BAD_ARGUMENT', 'name at least one OSD id');
  // An id named twice changes the OSD once, as the monitor's idempotent pending_inc edits do.
  return runCommands([...new Set(ids)].map((id) => ({ op, id })));
}

/** `ceph osd out ID…`. */
export const markOut = (ids: readonly number[]): OsdmapEdit => perOsd('osd-out', ids);
/** `ceph osd in ID…`: an OSD keeps the weight it had when marked out and gets it back. */
export const markIn = (ids: readonly number[]): OsdmapEdit => perOsd('osd-in', ids);
/** `ceph osd down ID…`: the state mask toggles UP (apply stamps down_at). */
export const markDown = (ids: readonly number[]): OsdmapEdit => perOsd('osd-down', ids);

/** A weight in [0, 1] as the CLI's CephFloat takes it. */
export function reweightValue(text: string): number {
  const w = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text) ? Number(text) : NaN;
  if (!(w >= 0 && w <= 1)) {
    throw new MonctlError('BAD_ARGUMENT', `weight '${text}' is not a number from 0.0 to 1.0`, {
      actions: ['Give the override weight as a fraction, e.g. 0.85 (0 marks the OSD out, 1 fully in).'],
    });
  }
  return w;
}

/** `ceph osd reweight ID W`: the 16.16 weight is trunc(W × 0x10000). */
export function reweight(id: number, weightText: string): OsdmapEdit {
  return runCommands([{ op: 'osd-reweight', id, weight: reweightValue(weightText) }]);
}

function noEntry(map: OSDMap, pg: PgId, what: string): MonctlError {
  const pool = map.pools.get(pg.pool);
  const exists = pool === undefined ? `pool ${pg.pool} does not exist` : pg.seed < pool.pgNum ? `pg ${pgKey(pg)} exists` : `pool ${pg.pool} has pg_num ${pool.pgNum}, so pg ${pgKey(pg)} does not exist`;
  return new MonctlError('BAD_ARGUMENT', `osdmap e${map.epoch} has no ${what} entry for ${pgKey(pg)} (${exists})`, {
    actions: [`List the entries with \`monctl osdmap print\` (the ${what.replace(' or ', ' and ')} lines).`],
  });
}

/** The removal commands for whichever of two per-PG override tables has an entry for the PG. */
function removeOverrides(pgText: string, what: string, tables: [(m: OSDMap) => PgMap<unknown>, (pg: PgId) => OsdCommand][]): OsdmapEdit {
  const pg = parsePg(pgText);
  return runCommands((map) => {
    const present = tables.filter(([table]) => table(map).has(pgKey(pg)));
    if (present.length === 0) throw noEntry(map, pg, what);
    return present.map(([, command]) => command(pg));
  });
}

/** `ceph osd rm-pg-upmap PGID` and `rm-pg-upmap-items PGID`: whichever entries the PG has. */
export function rmUpmap(pgText: string): OsdmapEdit {
  return removeOverrides(pgText, 'pg_upmap or pg_upmap_items', [
    [(m) => m.pgUpmap, (pg) => ({ op: 'osd-rm-pg-upmap', pg })],
    [(m) => m.pgUpmapItems, (pg) => ({ op: 'osd-rm-pg-upmap-items', pg })],
  ]);
}

/** `ceph osd pg-temp PGID` with no OSDs (an empty vector erases) and `primary-temp PGID -1`. */
export function rmPgTemp(pgText: string): OsdmapEdit {
  return removeOverrides(pgText, 'pg_temp or primary_temp', [
    [(m) => m.pgTemp, (pg) => ({ op: 'osd-pg-temp', pg, osds: [] })],
    [(m) => m.primaryTemp, (pg) => ({ op: 'osd-primary-temp', pg, osd: -1 })],
  ]);
}

/**
 * `ceph osd rm-pg-upmap-primary PGID` for each PG named, or, with `all`, `ceph osd
 * rm-pg-upmap-primary-all` (OSDMap::rm_all_upmap_prims: every PG the map has an entry for).
 * The monitor's refusals come first (require_min_compat_client below reef, a PG that does not
 * exist, a pool that is not replicated); then, unlike the monitor, a named PG without an entry
 * is refused and an empty table writes no epoch, as the other removals here do.
 */
export function rmUpmapPrimary(pgTexts: readonly string[], all = false): OsdmapEdit {
  if (all === (pgTexts.length > 0)) {
    throw new MonctlError('BAD_ARGUMENT', all ? 'name PG ids or --all, not both' : 'name at least one PG id, or --all', {
      actions: ['e.g. `monctl osdmap edit rm-upmap-primary 1.2f` or `monctl osdmap edit rm-upmap-primary --all`.'],
    });
  }
  const named = [...new Map(pgTexts.map((t) => parsePg(t)).map((pg) => [pgKey(pg), pg])).values()];
  return (map, inc) => {
    const gate = upmapPrimaryRefusal(map);
    if (gate !== undefined && !gate.ok) throw new MonitorRefusal(gate.error, gate.errno);
    const pgs = all ? sortedPgEntries(map.pgUpmapPrimaries).map((e) => e.pg) : named;
    const commands = pgs.map((pg): OsdCommand => ({ op: 'osd-rm-pg-upmap-primary', pg, all }));
    for (const c of commands) {
      const d = decide(c, map, inc.newState, inc.modified);
      if (!d.ok) throw new MonitorRefusal(d.error, d.errno);
    }
    for (const pg of named) if (!map.pgUpmapPrimaries.has(pgKey(pg))) throw noEntry(map, pg, 'pg_upmap_primary');
    if (commands.length === 0) return { unchanged: `osdmap e${map.epoch} has no pg_upmap_primary entries` };
    return runCommands(commands)(map, inc);
  };
}
