/**
 * The one implementation of OSDMonitor::prepare_command for the commands monctl runs, shared
 * by the offline `osdmap edit …` path (edit-ops.ts) and the embedded quorum's `osd …`
 * (quorum/services.ts). `decide` reads a map — the committed one, or the quorum's projection
 * with its pending incremental applied — and the pending incremental's new_state, and answers
 * with the edit to make to that incremental: nothing is written, so a refused command leaves
 * the pending incremental exactly as it was.
 *
 * What the monitor does, per command (OSDMonitor::prepare_command_impl unless named):
 *  osd set|unset FLAG   prepare_set_flag / prepare_unset_flag: new_flags = flags | bits (& ~bits),
 *                       proposed even when the flag already is so
 *  osd out ID           new_weight = 0, and the weight it had kept in xinfo.old_weight; an OSD
 *                       already out proposes nothing (0, "osd.N is already out.")
 *  osd in ID            new_weight = xinfo.old_weight when one was kept (and old_weight cleared), else 1.0
 *  osd down ID          new_state ^= UP (pending_osd_state_set)
 *  osd reweight ID W    new_weight = (int)(0x10000 × W), proposed even when unchanged
 *  osd pool set …       prepare_command_pool_set (command-pool.ts)
 *  osd rm-pg-upmap[-items] PGID, osd pg-temp PGID [OSD…], osd primary-temp PGID OSD
 *  osd rm-pg-upmap-primary PGID   the pg-upmap branch of prepare_command_impl (Reef+): refused
 *                       (EPERM) while require_min_compat_client < reef, and (EINVAL) for a PG of
 *                       a pool that is not replicated; old_pg_upmap_primary gets the PG
 *  osd setcrushmap      prepare_command_impl's "osd setcrushmap" checks (edit-crush.ts)
 * `osd out|in|down` take several ids and loop over them; an id that does not exist is only
 * noted (the reply stays 0). Offline, edit-ops.ts runs the loop; the quorum client sends one
 * id per command. `osd reweight` of a missing OSD is ENOENT.
 */
import { decodeCrushMap, encodeCrushMap } from '../../crush/index.js';
import type { UTime } from '../../encoding/index.js';
import { CEPH_OSD_IN, CEPH_OSD_OUT, OSDMAP_FLAG, OSD_SET_FLAGS, OSD_STATE, POOL_TYPE, RELEASE, effectiveFlags, parsePg, pgKey, releaseName, type Incremental, type OSDMap, type PgId } from '../../osdmap/index.js';
import { crushAdd } from './crush-add.js';
import { crushRuleProblems } from './command-crush.js';
import { poolCreate, poolSet } from './command-pool.js';
import { ERRNO, type Decision, type IncEdit, type OsdCommand } from './command-types.js';

export type { Decision, IncEdit, OsdCommand, LiveOsdCommand, OfflineOsdCommand, Prepared } from './command-types.js';
export { ERRNO } from './command-types.js';

/** The flags `osd set` takes (MonCommands.h "osd set" key choices; `full` included). */
export const OSD_FLAGS: Readonly<Record<string, number>> = { full: OSDMAP_FLAG.FULL, ...OSD_SET_FLAGS };

/** Accepted, nothing to change (the map is already so). */
const unchanged = (result?: unknown): Decision => (result === undefined ? { ok: true, changed: false } : { ok: true, changed: false, result });
const accept = (edit: IncEdit, result: unknown): Decision => ({ ok: true, changed: true, result, edit });
const refuse = (errno: number, error: string): Decision => ({ ok: false, error, errno });
export const osdExists = (m: OSDMap, id: number): boolean => id >= 0 && id < m.maxOsd && ((m.osdState[id] ?? 0) & OSD_STATE.EXISTS) !== 0;

/** `pending` is the pending incremental's new_state (XOR masks), read to fold a new mask into. */
export type PendingStates = ReadonlyMap<number, number>;

const toggled = (pending: PendingStates, id: number, bits: number): [number, number] => [id, ((pending.get(id) ?? 0) ^ bits) >>> 0];

function osdCreate(m: OSDMap, pending: PendingStates): Decision {
  let id = 0;
  while (id < m.maxOsd && osdExists(m, id)) id++;
  // OSDMonitor::do_osd_create as Pacific commits it: new_weight CEPH_OSD_IN (which marks the OSD
  // as existing, apply_incremental's set_weight) and new_state ^= NEW: the new OSD is in.
  const edit: IncEdit = { newWeight: [id, CEPH_OSD_IN], newState: toggled(pending, id, OSD_STATE.NEW) };
  if (id >= m.maxOsd) edit.newMaxOsd = id + 1;
  return accept(edit, id);
}

const noOsd = (id: number): Decision => refuse(ERRNO.ENOENT, `osd.${id} does not exist`);
/** `osd out|in|down` loop over their ids and only note one that does not exist (the reply stays 0). */
const skipOsd = (id: number): Decision => unchanged(`osd.${id} does not exist.`);
const isOut = (m: OSDMap, id: number): boolean => (m.osdWeight[id] ?? CEPH_OSD_OUT) === CEPH_OSD_OUT;

function osdOut(m: OSDMap, id: number): Decision {
  if (!osdExists(m, id)) return skipOsd(id);
  if (isOut(m, id)) return unchanged(`osd.${id} is already out.`);
  const edit: IncEdit = { newWeight: [id, CEPH_OSD_OUT] };
  // The weight it had is kept, for `osd in` to give back.
  const xinfo = m.osdXinfo[id];
  if (xinfo !== undefined && m.osdWeight[id]! !== 0) edit.newXinfo = [id, { ...structuredClone(xinfo), oldWeight: m.osdWeight[id]! }];
  return accept(edit, `marked out osd.${id}.`);
}

function osdIn(m: OSDMap, id: number): Decision {
  if (!osdExists(m, id)) return skipOsd(id);
  if (!isOut(m, id)) return unchanged(`osd.${id} is already in.`);
  const xinfo = m.osdXinfo[id];
  if (xinfo !== undefined && xinfo.oldWeight > 0) {
    return accept({ newWeight: [id, xinfo.oldWeight], newXinfo: [id, { ...structuredClone(xinfo), oldWeight: 0 }] }, `marked in osd.${id}.`);
  }
  return accept({ newWeight: [id, CEPH_OSD_IN] }, `marked in osd.${id}.`);
}

function osdDown(m: OSDMap, pending: PendingStates, id: number): Decision {
  if (!osdExists(m, id)) return skipOsd(id);
  if ((m.osdState[id]! & OSD_STATE.UP) === 0) return unchanged(`osd.${id} is already down.`);
  return accept({ newState: toggled(pending, id, OSD_STATE.UP) }, `marked down osd.${id}.`);
}

function osdReweight(m: OSDMap, id: number, weight: number): Decision {
  // The CLI's CephFloat range [0.0, 1.0] refuses anything else before the monitor sees it.
  if (!(weight >= 0 && weight <= 1)) return refuse(ERRNO.EINVAL, `weight ${weight} must be in the range [0..1]`);
  if (!osdExists(m, id)) return noOsd(id);
  const w16 = Math.trunc(CEPH_OSD_IN * weight);
  return accept({ newWeight: [id, w16] }, `reweighted osd.${id} to ${weight} (${w16.toString(16)})`);
}

function setFlag(m: OSDMap, flag: string, on: boolean): Decision {
  const bit = OSD_FLAGS[flag];
  if (bit === undefined) return refuse(ERRNO.EINVAL, `unrecognized flag '${flag}'`);
  const cur = effectiveFlags(m);
  return accept({ newFlags: (on ? cur | bit : cur & ~bit) >>> 0 }, `${flag} is ${on ? 'set' : 'unset'}`);
}

function upmapItems(m: OSDMap, pgid: string, pairs: [number, number][]): Decision {
  let pg;
  try {
    pg = parsePg(pgid);
  } catch {
    return refuse(ERRNO.EINVAL, `invalid pgid '${pgid}'`);
  }
  const pool = m.pools.get(pg.pool);
  if (pool === undefined) return refuse(ERRNO.ENOENT, `pool ${pg.pool} does not exist`);
  if (pg.seed >= pool.pgNum) return refuse(ERRNO.ENOENT, `pg ${pgid} does not exist`);
  for (const [from, to] of pairs) {
    if (from === to) return refuse(ERRNO.EINVAL, `from osd.${from} == to osd.${to}`);
    if (!osdExists(m, to)) return refuse(ERRNO.ENOENT, `osd.${to} does not exist`);
  }
  const items = pairs.map(([a, b]): [number, number] => [a, b]);
  return accept({ newPgUpmapItems: [pg, items] }, `set ${pgid} pg_upmap_items mapping to [${pairs.map(([a, b]) => `${a}->${b}`).join(',')}]`);
}

function setCrushMap(m: OSDMap, crush: Uint8Array, file: string): Decision {
  const problems = crushRuleProblems(decodeCrushMap(crush), m);
  if (problems.length > 0) return refuse(ERRNO.EINVAL, `${file} cannot replace the CRUSH map of osdmap e${m.epoch}: ${problems.join('; ')}`);
  return accept({ crush }, 'set crush map');
}

/**
 * The gate of `osd [rm-]pg-upmap-primary[-all]`: Reef clients at least (the check on connected
 * OSDs' features, check_cluster_features, has nothing to look at offline).
 */
export function upmapPrimaryRefusal(m: OSDMap): Decision | undefined {
  if (m.requireMinCompatClient >= RELEASE.REEF) return undefined;
  return refuse(
    ERRNO.EPERM,
    `min_compat_client ${releaseName(m.requireMinCompatClient)} < reef, which is required for pg-upmap-primary. Try 'ceph osd set-require-min-compat-client reef' before using the new interface`,
  );
}

function rmUpmapPrimary(m: OSDMap, pg: PgId, all: boolean): Decision {
  const gate = upmapPrimaryRefusal(m);
  if (gate !== undefined) return gate;
  const pool = m.pools.get(pg.pool);
  if (pool === undefined || pg.seed >= pool.pgNum) return refuse(ERRNO.ENOENT, `pgid '${pgKey(pg)}' does not exist`);
  if (!all && pool.type !== POOL_TYPE.REPLICATED) return refuse(ERRNO.EINVAL, 'pg-upmap-primary is only supported for replicated pools');
  return accept({ oldPgUpmapPrimary: pg }, `clear ${pgKey(pg)} pg_upmap_primary mapping`);
}

/**
 * Decides one command against `m`; `pending` is the pending incremental's new_state. A
 * command touching an OSD whose state is already changing in the pending incremental waits
 * for the proposal to commit: new_state is an XOR mask applied after new_weight, so a second
 * change could toggle EXISTS off.
 */
export function decide(q: OsdCommand, m: OSDMap, pending: PendingStates, now: UTime): Decision {
  if ((q.op === 'osd-out' || q.op === 'osd-in' || q.op === 'osd-down' || q.op === 'osd-reweight') && pending.has(q.id)) {
    return { ok: false, retry: true, errno: ERRNO.EAGAIN, error: `osd.${q.id} has a pending state change` };
  }
  switch (q.op) {
    case 'osd-create':
      return osdCreate(m, pending);
    case 'osd-out':
      return osdOut(m, q.id);
    case 'osd-in':
      return osdIn(m, q.id);
    case 'osd-down':
      return osdDown(m, pending, q.id);
    case 'osd-reweight':
      return osdReweight(m, q.id, q.weight);
    case 'osd-crush-add': {
      if (!osdExists(m, q.id)) return refuse(ERRNO.ENOENT, `osd.${q.id} does not exist.  create it before updating the crush map`);
      const c = crushAdd(m.crush, q.id, q.weight, q.host, q.rack);
      if (typeof c === 'string') return refuse(ERRNO.EINVAL, c);
      return accept({ crush: encodeCrushMap(c) }, `add item id ${q.id} name 'osd.${q.id}' weight ${q.weight} at location {host=${q.host}${q.rack ? `,rack=${q.rack}` : ''}} to crush map`);
    }
    case 'osd-pool-create':
      return poolCreate(m, q, now);
    case 'osd-pool-set':
      return poolSet(m, q.name, q.key, q.value);
    case 'osd-pg-upmap-items':
      return upmapItems(m, q.pgid, q.pairs);
    case 'osd-set':
    case 'osd-unset':
      return setFlag(m, q.flag, q.op === 'osd-set');
    case 'osd-rm-pg-upmap':
      return accept({ oldPgUpmap: q.pg }, `clear ${pgKey(q.pg)} pg_upmap mapping`);
    case 'osd-rm-pg-upmap-items':
      return accept({ oldPgUpmapItems: q.pg }, `clear ${pgKey(q.pg)} pg_upmap_items mapping`);
    case 'osd-rm-pg-upmap-primary':
      return rmUpmapPrimary(m, q.pg, q.all === true);
    case 'osd-pg-temp':
      return accept({ newPgTemp: [q.pg, [...q.osds]] }, `set ${pgKey(q.pg)} pg_temp mapping to [${q.osds.join(',')}]`);
    case 'osd-primary-temp':
      return accept({ newPrimaryTemp: [q.pg, q.osd] }, `set ${pgKey(q.pg)} primary_temp mapping to ${q.osd}`);
    case 'osd-setcrushmap':
      return setCrushMap(m, q.crush, q.file);
  }
}

/**
 * Writes an accepted edit into the incremental. The function returned puts every field it
 * touched back as it was (an entry it added is removed again): the quorum calls it when the
 * edited incremental cannot be projected after all, so that even a throw leaves the pending
 * incremental as it was.
 */
export function applyEdit(inc: Incremental, e: IncEdit): () => void {
  const undo: (() => void)[] = [];
  const field = <K extends 'modified' | 'newMaxOsd' | 'newFlags' | 'newPoolMax' | 'crush'>(k: K, v: Incremental[K] | undefined): void => {
    if (v === undefined) return;
    const old = inc[k];
    undo.push(() => void (inc[k] = old));
    inc[k] = v;
  };
  const entry = <K, V>(map: Map<K, V>, kv: [K, V] | undefined): void => {
    if (kv === undefined) return;
    const [k, v] = kv;
    const had = map.has(k);
    const old = map.get(k);
    undo.push(() => void (had ? map.set(k, old as V) : map.delete(k)));
    map.set(k, v);
  };
  field('modified', e.modified);
  field('newMaxOsd', e.newMaxOsd);
  field('newFlags', e.newFlags);
  field('newPoolMax', e.newPoolMax);
  field('crush', e.crush);
  entry(inc.newState, e.newState);
  entry(inc.newWeight, e.newWeight);
  entry(inc.newXinfo, e.newXinfo);
  entry(inc.newPools, e.newPool);
  entry(inc.newPoolNames, e.newPoolName);
  const pgEntry = <V>(map: Map<string, { pg: { pool: number; seed: number }; value: V }>, pg: { pool: number; seed: number } | undefined, value: V): void => {
    if (pg !== undefined) entry(map, [pgKey(pg), { pg, value }]);
  };
  if (e.newPgUpmapItems !== undefined) pgEntry(inc.newPgUpmapItems, e.newPgUpmapItems[0], e.newPgUpmapItems[1]);
  pgEntry(inc.oldPgUpmap, e.oldPgUpmap, null);
  pgEntry(inc.oldPgUpmapItems, e.oldPgUpmapItems, null);
  pgEntry(inc.oldPgUpmapPrimary, e.oldPgUpmapPrimary, null);
  if (e.newPgTemp !== undefined) pgEntry(inc.newPgTemp, e.newPgTemp[0], e.newPgTemp[1]);
  if (e.newPrimaryTemp !== undefined) pgEntry(inc.newPrimaryTemp, e.newPrimaryTemp[0], e.newPrimaryTemp[1]);
  return () => {
    for (const u of undo.reverse()) u();
  };
}
