/**
 * OSDMonitor::prepare_command for the commands the mini-quorum takes: each reads the map as
 * it will be once the pending incremental applies (so several commands batch into one
 * incremental) and edits that incremental. A refused command changes nothing.
 */
import { encodeCrushMap, RULE_TYPE_ERASURE, RuleOp } from '../crush/index.js';
import type { UTime } from '../encoding/index.js';
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
  pgMapSet,
  type Incremental,
  type OSDMap,
  type PgPool,
} from '../osdmap/index.js';
import type { Mutation } from './api.js';
import { crushAdd } from './osd-crush-add.js';
import { CRUSH_TYPE } from './initial-maps.js';

/** `retry`: the command must wait for the pending proposal to commit (Ceph's wait_for_finished_proposal). */
export type Prepared = { ok: true; changed: boolean; result?: unknown } | { ok: false; error: string; retry?: boolean };

// The live quorum also takes `full` (a test cluster has no OSDs to report it).
const FLAGS: Record<string, number> = { full: OSDMAP_FLAG.FULL, ...OSD_SET_FLAGS };

const POOL_BOOL_FLAGS: Record<string, bigint> = { nodelete: 1n << 4n, nopgchange: 1n << 5n, nosizechange: 1n << 6n, noscrub: 1n << 8n, 'nodeep-scrub': 1n << 9n };
// pg_pool_t::pg_autoscale_mode_t: OFF 0, WARN 1, ON 2.
const AUTOSCALE_MODES: Record<string, number> = { off: 0, warn: 1, on: 2 };

const ok = (changed: boolean, result?: unknown): Prepared => (result === undefined ? { ok: true, changed } : { ok: true, changed, result });
const refuse = (error: string): Prepared => ({ ok: false, error });
const exists = (m: OSDMap, id: number): boolean => id >= 0 && id < m.maxOsd && (m.osdState[id]! & OSD_STATE.EXISTS) !== 0;

function poolId(m: OSDMap, name: string): number | undefined {
  for (const [id, n] of m.poolName) if (n === name) return id;
  return undefined;
}

function osdCreate(m: OSDMap, inc: Incremental): Prepared {
  let id = 0;
  while (id < m.maxOsd && exists(m, id)) id++;
  if (id >= m.maxOsd) inc.newMaxOsd = id + 1;
  inc.newState.set(id, ((inc.newState.get(id) ?? 0) ^ (OSD_STATE.EXISTS | OSD_STATE.NEW)) >>> 0);
  return ok(true, id);
}

function osdWeight(m: OSDMap, inc: Incremental, id: number, weight16: number, what: string): Prepared {
  if (!exists(m, id)) return refuse(`osd.${id} does not exist`);
  if (m.osdWeight[id] === weight16) return ok(false, `osd.${id} is already ${what}.`);
  inc.newWeight.set(id, weight16);
  return ok(true, `marked ${what} osd.${id}.`);
}

function osdDown(m: OSDMap, inc: Incremental, id: number): Prepared {
  if (!exists(m, id)) return refuse(`osd.${id} does not exist`);
  if ((m.osdState[id]! & OSD_STATE.UP) === 0) return ok(false, `osd.${id} is already down.`);
  inc.newState.set(id, ((inc.newState.get(id) ?? 0) ^ OSD_STATE.UP) >>> 0);
  return ok(true, `marked down osd.${id}.`);
}

function setFlag(m: OSDMap, inc: Incremental, flag: string, on: boolean): Prepared {
  const bit = FLAGS[flag];
  if (bit === undefined) return refuse(`unrecognized flag '${flag}'`);
  const cur = effectiveFlags(m);
  const next = (on ? cur | bit : cur & ~bit) >>> 0;
  if (next === cur) return ok(false, `${flag} is already ${on ? 'set' : 'unset'}`);
  inc.newFlags = next;
  return ok(true, `${flag} is ${on ? 'set' : 'unset'}`);
}

/** An erasure pool's rule, as `osd pool create NAME N erasure` makes it (indep over hosts). */
function addErasureRule(m: OSDMap, inc: Incremental, name: string): number {
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
  inc.crush = encodeCrushMap(c);
  return ruleId;
}

function poolCreate(m: OSDMap, inc: Incremental, q: Extract<Mutation, { op: 'osd-pool-create' }>, now: UTime): Prepared {
  if (poolId(m, q.name) !== undefined) return ok(false, `pool '${q.name}' already exists`);
  if (q.pgNum < 1 || q.pgNum > 65536) return refuse(`pg_num ${q.pgNum} out of range`);
  const id = m.poolMax + 1;
  const p: PgPool = { ...defaultPool(), objectHash: 2, flags: POOL_FLAG.HASHPSPOOL | POOL_FLAG.CREATING, createTime: { ...now } };
  if (q.erasure) {
    const profile = m.erasureCodeProfiles.get('default');
    const k = Number(profile?.get('k') ?? 2);
    const mm = Number(profile?.get('m') ?? 2);
    Object.assign(p, { type: POOL_TYPE.ERASURE, size: k + mm, minSize: k + 1, erasureCodeProfile: 'default', stripeWidth: k * 4096 });
    p.crushRule = addErasureRule(m, inc, q.name);
  } else {
    const size = q.size ?? 3;
    if (size < 1 || size > 10) return refuse(`pool size ${size} out of range`);
    Object.assign(p, { type: POOL_TYPE.REPLICATED, size, minSize: size - Math.floor(size / 2), crushRule: 0 });
  }
  Object.assign(p, { pgNum: q.pgNum, pgpNum: q.pgNum, pgNumTarget: q.pgNum, pgpNumTarget: q.pgNum, pgAutoscaleMode: AUTOSCALE_MODES.on });
  inc.newPoolMax = BigInt(id);
  inc.newPools.set(id, p);
  inc.newPoolNames.set(id, q.name);
  return ok(true, `pool '${q.name}' created`);
}

function poolSetValue(m: OSDMap, p: PgPool, key: string, value: string): string | undefined {
  const n = Number(value);
  const int = Number.isInteger(n) && value.trim() !== '';
  if (key in POOL_BOOL_FLAGS) {
    if (!['true', 'false', '1', '0'].includes(value)) return `expecting value 'true' or 'false'`;
    const bit = POOL_BOOL_FLAGS[key]!;
    p.flags = value === 'true' || value === '1' ? p.flags | bit : p.flags & ~bit;
    return undefined;
  }
  switch (key) {
    case 'size':
      if (!int || n < 1 || n > 10) return `pool size must be between 1 and 10`;
      if (p.type === POOL_TYPE.ERASURE) return 'can not change the size of an erasure-coded pool';
      p.size = n;
      p.minSize = Math.min(p.minSize, n);
      return undefined;
    case 'min_size':
      if (!int || n < 1 || n > p.size) return `pool min_size must be between 1 and size, which is set to ${p.size}`;
      p.minSize = n;
      return undefined;
    case 'pg_num':
    case 'pgp_num':
      if (!int || n < 1 || n > 65536) return `${key} must be between 1 and 65536`;
      // Nautilus+: the monitor records the target; the mgr walks pg_num there.
      if (key === 'pg_num') p.pgNumTarget = n;
      else p.pgpNumTarget = n;
      return undefined;
    case 'crush_rule': {
      const rule = [...m.crush.ruleNameMap].find(([, name]) => name === value)?.[0] ?? (int ? n : undefined);
      if (rule === undefined || !m.crush.rules[rule]) return `crush rule ${value} does not exist`;
      p.crushRule = rule;
      return undefined;
    }
    case 'pg_autoscale_mode':
      if (!(value in AUTOSCALE_MODES)) return `pg_autoscale_mode must be one of off, warn, on`;
      p.pgAutoscaleMode = AUTOSCALE_MODES[value]!;
      return undefined;
    default:
      return `unrecognized variable '${key}'`;
  }
}

function poolSet(m: OSDMap, inc: Incremental, name: string, key: string, value: string): Prepared {
  const id = poolId(m, name);
  if (id === undefined) return refuse(`unrecognized pool '${name}'`);
  const p = structuredClone(m.pools.get(id)!);
  const why = poolSetValue(m, p, key, value);
  if (why !== undefined) return refuse(why);
  inc.newPools.set(id, p);
  return ok(true, `set pool ${id} ${key} to ${value}`);
}

function upmapItems(m: OSDMap, inc: Incremental, pgid: string, pairs: [number, number][]): Prepared {
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
  pgMapSet(inc.newPgUpmapItems, pg, pairs.map(([a, b]): [number, number] => [a, b]));
  return ok(true, `set ${pgid} pg_upmap_items mapping to [${pairs.map(([a, b]) => `${a}->${b}`).join(',')}]`);
}

/** Prepares one command against `m` (the map with the pending incremental applied). */
export function prepareMutation(m: OSDMap, inc: Incremental, q: Mutation, now: UTime): Prepared {
  // new_state is an XOR mask applied after new_weight: touching an OSD whose state is already
  // changing in this incremental (e.g. just created) could toggle EXISTS off, so such a
  // command waits for the proposal to commit, as the monitor's checks against pending do.
  if ((q.op === 'osd-out' || q.op === 'osd-in' || q.op === 'osd-down' || q.op === 'osd-reweight') && inc.newState.has(q.id)) {
    return { ok: false, retry: true, error: `osd.${q.id} has a pending state change` };
  }
  switch (q.op) {
    case 'osd-create':
      return osdCreate(m, inc);
    case 'osd-out':
      return osdWeight(m, inc, q.id, CEPH_OSD_OUT, 'out');
    case 'osd-in':
      return osdWeight(m, inc, q.id, CEPH_OSD_IN, 'in');
    case 'osd-down':
      return osdDown(m, inc, q.id);
    case 'osd-reweight':
      if (!(q.weight >= 0 && q.weight <= 1)) return refuse(`weight ${q.weight} must be in the range [0..1]`);
      return osdWeight(m, inc, q.id, Math.floor(q.weight * 0x10000), `reweighted to ${q.weight}`);
    case 'osd-crush-add': {
      if (!exists(m, q.id)) return refuse(`osd.${q.id} does not exist.  create it before updating the crush map`);
      const c = crushAdd(m.crush, q.id, q.weight, q.host, q.rack);
      if (typeof c === 'string') return refuse(c);
      inc.crush = encodeCrushMap(c);
      return ok(true, `add item id ${q.id} name 'osd.${q.id}' weight ${q.weight} at location {host=${q.host}${q.rack ? `,rack=${q.rack}` : ''}} to crush map`);
    }
    case 'osd-pool-create':
      return poolCreate(m, inc, q, now);
    case 'osd-pool-set':
      return poolSet(m, inc, q.name, q.key, q.value);
    case 'osd-pg-upmap-items':
      return upmapItems(m, inc, q.pgid, q.pairs);
    case 'osd-set':
    case 'osd-unset':
      return setFlag(m, inc, q.flag, q.op === 'osd-set');
  }
}
