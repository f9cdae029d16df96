/**
 * OSDMonitor::prepare_command for the commands the mini-quorum takes: each reads the map as
 * it will be once the pending incremental applies (so several commands batch into one
 * incremental) and answers with the edit to make to that incremental. The commands never hold
 * the incremental itself, only a read-only view of its new_state: every check runs before
 * anything is written, so a refused command leaves the pending incremental exactly as it was,
 * and the service can edit its pending incremental in place instead of copying it per command.
 */
import { encodeCrushMap, RULE_TYPE_ERASURE, RuleOp } from '../../crush/index.js';
import type { UTime } from '../../encoding/index.js';
import {
  CEPH_OSD_IN,
  CEPH_OSD_OUT,
  OSD_STATE,
  OSDMAP_FLAG,
  OSD_SET_FLAGS,
  POOL_FLAG,
  POOL_TYPE,
  defaultPool,
  effectiveFlags,
  parsePg,
  pgKey,
  type Incremental,
  type OSDMap,
  type PgId,
  type PgPool,
} from '../../osdmap/index.js';
import type { Mutation } from '../../quorum/api.js';
import { crushAdd } from './crush-add.js';
import { CRUSH_TYPE } from '../../quorum/initial-maps.js';

/** `retry`: the command must wait for the pending proposal to commit (Ceph's wait_for_finished_proposal). */
export type Prepared = { ok: true; changed: boolean; result?: unknown } | { ok: false; error: string; retry?: boolean };

/**
 * What an accepted command writes into the pending incremental: at most one value per field
 * (`[key, value]` for one entry of a map field). new_state is an XOR mask, so `newState` is
 * the OSD's whole mask with what is already pending folded in.
 */
export interface IncEdit {
  /** Stamped by the service on every accepted change, not by the commands. */
  modified?: UTime;
  newMaxOsd?: number;
  newFlags?: number;
  newPoolMax?: bigint;
  crush?: Uint8Array;
  newState?: [osd: number, mask: number];
  newWeight?: [osd: number, weight16: number];
  newPool?: [id: number, pool: PgPool];
  newPoolName?: [id: number, name: string];
  newPgUpmapItems?: [pg: PgId, pairs: [number, number][]];
}

/** A command's answer; a change comes with the edit that makes it. */
export type Decision =
  | { ok: true; changed: false; result?: unknown }
  | { ok: true; changed: true; result?: unknown; edit: IncEdit }
  | { ok: false; error: string; retry?: boolean };

// The live quorum also takes `full` (a test cluster has no OSDs to report it).
const FLAGS: Record<string, number> = { full: OSDMAP_FLAG.FULL, ...OSD_SET_FLAGS };

const POOL_BOOL_FLAGS: Record<string, bigint> = { nodelete: 1n << 4n, nopgchange: 1n << 5n, nosizechange: 1n << 6n, noscrub: 1n << 8n, 'nodeep-scrub': 1n << 9n };
// pg_pool_t::pg_autoscale_mode_t: OFF 0, WARN 1, ON 2.
const AUTOSCALE_MODES: Record<string, number> = { off: 0, warn: 1, on: 2 };

/** Accepted, nothing to change (the map is already so). */
const unchanged = (result?: unknown): Decision => (result === undefined ? { ok: true, changed: false } : { ok: true, changed: false, result });
const accept = (edit: IncEdit, result: unknown): Decision => ({ ok: true, changed: true, result, edit });
const refuse = (error: string): Decision => ({ ok: false, error });
const exists = (m: OSDMap, id: number): boolean => id >= 0 && id < m.maxOsd && (m.osdState[id]! & OSD_STATE.EXISTS) !== 0;

function poolId(m: OSDMap, name: string): number | undefined {
  for (const [id, n] of m.poolName) if (n === name) return id;
  return undefined;
}

/** `pending` is the pending incremental's new_state (XOR masks), read to fold a new mask into. */
type PendingStates = ReadonlyMap<number, number>;

const toggled = (pending: PendingStates, id: number, bits: number): [number, number] => [id, ((pending.get(id) ?? 0) ^ bits) >>> 0];

function osdCreate(m: OSDMap, pending: PendingStates): Decision {
  let id = 0;
  while (id < m.maxOsd && exists(m, id)) id++;
  const edit: IncEdit = { newState: toggled(pending, id, OSD_STATE.EXISTS | OSD_STATE.NEW) };
  if (id >= m.maxOsd) edit.newMaxOsd = id + 1;
  return accept(edit, id);
}

function osdWeight(m: OSDMap, id: number, weight16: number, what: string): Decision {
  if (!exists(m, id)) return refuse(`osd.${id} does not exist`);
  if (m.osdWeight[id] === weight16) return unchanged(`osd.${id} is already ${what}.`);
  return accept({ newWeight: [id, weight16] }, `marked ${what} osd.${id}.`);
}

function osdDown(m: OSDMap, pending: PendingStates, id: number): Decision {
  if (!exists(m, id)) return refuse(`osd.${id} does not exist`);
  if ((m.osdState[id]! & OSD_STATE.UP) === 0) return unchanged(`osd.${id} is already down.`);
  return accept({ newState: toggled(pending, id, OSD_STATE.UP) }, `marked down osd.${id}.`);
}

function setFlag(m: OSDMap, flag: string, on: boolean): Decision {
  const bit = FLAGS[flag];
  if (bit === undefined) return refuse(`unrecognized flag '${flag}'`);
  const cur = effectiveFlags(m);
  const next = (on ? cur | bit : cur & ~bit) >>> 0;
  if (next === cur) return unchanged(`${flag} is already ${on ? 'set' : 'unset'}`);
  return accept({ newFlags: next }, `${flag} is ${on ? 'set' : 'unset'}`);
}

/** An erasure pool's rule, as `osd pool create NAME N erasure` makes it (indep over hosts): its id and the new CRUSH map. */
function erasureRule(m: OSDMap, name: string): { ruleId: number; crush: Uint8Array } {
  const c = structuredClone(m.crush);
  let ruleId = c.rules.indexOf(null);
  if (ruleId < 0) ruleId = c.rules.length;
  c.rules[ruleId] = {
    ruleset: ruleId,
    type: RULE_TYPE_ERASURE,
    minSize: 3,
    maxSize: 4,
    steps: [
      { op: RuleOp.SET_CHOOSELEAF_TRIES, arg1: 5, arg2: 0 },
      { op: RuleOp.SET_CHOOSE_TRIES, arg1: 100, arg2: 0 },
      { op: RuleOp.TAKE, arg1: -1, arg2: 0 },
      { op: RuleOp.CHOOSELEAF_INDEP, arg1: 0, arg2: CRUSH_TYPE.host },
      { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
    ],
  };
  c.ruleNameMap.set(ruleId, name);
  return { ruleId, crush: encodeCrushMap(c) };
}

function poolCreate(m: OSDMap, q: Extract<Mutation, { op: 'osd-pool-create' }>, now: UTime): Decision {
  if (poolId(m, q.name) !== undefined) return unchanged(`pool '${q.name}' already exists`);
  if (q.pgNum < 1 || q.pgNum > 65536) return refuse(`pg_num ${q.pgNum} out of range`);
  const id = m.poolMax + 1;
  const p: PgPool = { ...defaultPool(), objectHash: 2, flags: POOL_FLAG.HASHPSPOOL | POOL_FLAG.CREATING, createTime: { ...now } };
  const edit: IncEdit = {};
  if (q.erasure) {
    const profile = m.erasureCodeProfiles.get('default');
    const k = Number(profile?.get('k') ?? 2);
    const mm = Number(profile?.get('m') ?? 2);
    Object.assign(p, { type: POOL_TYPE.ERASURE, size: k + mm, minSize: k + 1, erasureCodeProfile: 'default', stripeWidth: k * 4096 });
    const rule = erasureRule(m, q.name);
    p.crushRule = rule.ruleId;
    edit.crush = rule.crush;
  } else {
    const size = q.size ?? 3;
    if (size < 1 || size > 10) return refuse(`pool size ${size} out of range`);
    Object.assign(p, { type: POOL_TYPE.REPLICATED, size, minSize: size - Math.floor(size / 2), crushRule: 0 });
  }
  Object.assign(p, { pgNum: q.pgNum, pgpNum: q.pgNum, pgNumTarget: q.pgNum, pgpNumTarget: q.pgNum, pgAutoscaleMode: AUTOSCALE_MODES.on });
  return accept({ ...edit, newPoolMax: BigInt(id), newPool: [id, p], newPoolName: [id, q.name] }, `pool '${q.name}' created`);
}

/** The fields `osd pool set KEY VALUE` changes in pool `p`, or why it refuses. */
function poolSetValue(m: OSDMap, p: Readonly<PgPool>, key: string, value: string): Partial<PgPool> | string {
  const n = Number(value);
  const int = Number.isInteger(n) && value.trim() !== '';
  if (key in POOL_BOOL_FLAGS) {
    if (!['true', 'false', '1', '0'].includes(value)) return `expecting value 'true' or 'false'`;
    const bit = POOL_BOOL_FLAGS[key]!;
    return { flags: value === 'true' || value === '1' ? p.flags | bit : p.flags & ~bit };
  }
  switch (key) {
    case 'size':
      if (!int || n < 1 || n > 10) return `pool size must be between 1 and 10`;
      if (p.type === POOL_TYPE.ERASURE) return 'can not change the size of an erasure-coded pool';
      return { size: n, minSize: Math.min(p.minSize, n) };
    case 'min_size':
      if (!int || n < 1 || n > p.size) return `pool min_size must be between 1 and size, which is set to ${p.size}`;
      return { minSize: n };
    case 'pg_num':
    case 'pgp_num':
      if (!int || n < 1 || n > 65536) return `${key} must be between 1 and 65536`;
      // Nautilus+: the monitor records the target; the mgr walks pg_num there.
      return key === 'pg_num' ? { pgNumTarget: n } : { pgpNumTarget: n };
    case 'crush_rule': {
      const rule = [...m.crush.ruleNameMap].find(([, name]) => name === value)?.[0] ?? (int ? n : undefined);
      if (rule === undefined || !m.crush.rules[rule]) return `crush rule ${value} does not exist`;
      return { crushRule: rule };
    }
    case 'pg_autoscale_mode':
      if (!(value in AUTOSCALE_MODES)) return `pg_autoscale_mode must be one of off, warn, on`;
      return { pgAutoscaleMode: AUTOSCALE_MODES[value]! };
    default:
      return `unrecognized variable '${key}'`;
  }
}

function poolSet(m: OSDMap, name: string, key: string, value: string): Decision {
  const id = poolId(m, name);
  if (id === undefined) return refuse(`unrecognized pool '${name}'`);
  const pool = m.pools.get(id)!;
  const change = poolSetValue(m, pool, key, value);
  if (typeof change === 'string') return refuse(change);
  // A copy: the projected map's pool is shared with the committed map and must not change.
  return accept({ newPool: [id, { ...structuredClone(pool), ...change }] }, `set pool ${id} ${key} to ${value}`);
}

function upmapItems(m: OSDMap, pgid: string, pairs: [number, number][]): Decision {
  let pg;
  try {
    pg = parsePg(pgid);
  } catch {
    return refuse(`invalid pgid '${pgid}'`);
  }
  const pool = m.pools.get(pg.pool);
  if (pool === undefined) return refuse(`pool ${pg.pool} does not exist`);
  if (pg.seed >= pool.pgNum) return refuse(`pg ${pgid} does not exist`);
  for (const [from, to] of pairs) {
    if (from === to) return refuse(`from osd.${from} == to osd.${to}`);
    if (!exists(m, to)) return refuse(`osd.${to} does not exist`);
  }
  const items = pairs.map(([a, b]): [number, number] => [a, b]);
  return accept({ newPgUpmapItems: [pg, items] }, `set ${pgid} pg_upmap_items mapping to [${pairs.map(([a, b]) => `${a}->${b}`).join(',')}]`);
}

/**
 * Decides one command against `m` (the map with the pending incremental applied); `pending`
 * is that incremental's new_state. Nothing is written: an accepted change comes back as an edit.
 */
export function prepareMutation(m: OSDMap, pending: PendingStates, q: Mutation, now: UTime): Decision {
  // new_state is an XOR mask applied after new_weight: touching an OSD whose state is already
  // changing in this incremental (e.g. just created) could toggle EXISTS off, so such a
  // command waits for the proposal to commit, as the monitor's checks against pending do.
  if ((q.op === 'osd-out' || q.op === 'osd-in' || q.op === 'osd-down' || q.op === 'osd-reweight') && pending.has(q.id)) {
    return { ok: false, retry: true, error: `osd.${q.id} has a pending state change` };
  }
  switch (q.op) {
    case 'osd-create':
      return osdCreate(m, pending);
    case 'osd-out':
      return osdWeight(m, q.id, CEPH_OSD_OUT, 'out');
    case 'osd-in':
      return osdWeight(m, q.id, CEPH_OSD_IN, 'in');
    case 'osd-down':
      return osdDown(m, pending, q.id);
    case 'osd-reweight':
      if (!(q.weight >= 0 && q.weight <= 1)) return refuse(`weight ${q.weight} must be in the range [0..1]`);
      return osdWeight(m, q.id, Math.floor(q.weight * 0x10000), `reweighted to ${q.weight}`);
    case 'osd-crush-add': {
      if (!exists(m, q.id)) return refuse(`osd.${q.id} does not exist.  create it before updating the crush map`);
      const c = crushAdd(m.crush, q.id, q.weight, q.host, q.rack);
      if (typeof c === 'string') return refuse(c);
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
  }
}

/**
 * Writes an accepted edit into the incremental. The function returned puts every field it
 * touched back as it was (an entry it added is removed again): the service calls it when the
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
  entry(inc.newPools, e.newPool);
  entry(inc.newPoolNames, e.newPoolName);
  if (e.newPgUpmapItems !== undefined) {
    const [pg, items] = e.newPgUpmapItems;
    entry(inc.newPgUpmapItems, [pgKey(pg), { pg, value: items }]);
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}
