/**
 * The pool commands of OSDMonitor: `osd pool create` (OSDMonitor::prepare_new_pool, for the
 * embedded quorum's test pools) and `osd pool set` (OSDMonitor::prepare_command_pool_set).
 * Each answers with the whole pg_pool_t the monitor writes into new_pools, or a refusal.
 */
import { RULE_TYPE_ERASURE, RuleOp, encodeCrushMap } from '../../crush/index.js';
import type { UTime } from '../../encoding/index.js';
import { POOL_FLAG, POOL_TYPE, defaultPool, type OSDMap, type PgPool } from '../../osdmap/index.js';
import { ERRNO, type Decision, type IncEdit, type LiveOsdCommand } from './command-types.js';

const refuse = (errno: number, error: string): Decision => ({ ok: false, error, errno });
const accept = (edit: IncEdit, result: unknown): Decision => ({ ok: true, changed: true, result, edit });

/** pg_pool_t::get_flag_by_name for the flags `osd pool set NAME FLAG true|false` toggles. */
export const POOL_SET_FLAGS: Readonly<Record<string, bigint>> = {
  nodelete: 1n << 4n,
  nopgchange: 1n << 5n,
  nosizechange: 1n << 6n,
  write_fadvise_dontneed: 1n << 7n,
  noscrub: 1n << 8n,
  'nodeep-scrub': 1n << 9n,
};
// pg_pool_t::pg_autoscale_mode_t: OFF 0, WARN 1, ON 2.
const AUTOSCALE_MODES: Record<string, number> = { off: 0, warn: 1, on: 2 };

export function poolIdByName(m: OSDMap, name: string): number | undefined {
  for (const [id, n] of m.poolName) if (n === name) return id;
  return undefined;
}

/** The bucket-type id a CRUSH map names `name` (CrushWrapper::get_type_id). */
function crushTypeId(m: OSDMap, name: string): number {
  for (const [id, n] of m.crush.typeMap) if (n === name) return id;
  return -1;
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
      { op: RuleOp.CHOOSELEAF_INDEP, arg1: 0, arg2: crushTypeId(m, 'host') },
      { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
    ],
  };
  c.ruleNameMap.set(ruleId, name);
  return { ruleId, crush: encodeCrushMap(c) };
}

/** OSDMonitor::prepare_new_pool with the defaults of a test cluster (osd_pool_default_size 3). */
export function poolCreate(m: OSDMap, q: Extract<LiveOsdCommand, { op: 'osd-pool-create' }>, now: UTime): Decision {
  if (poolIdByName(m, q.name) !== undefined) return { ok: true, changed: false, result: `pool '${q.name}' already exists` };
  if (q.pgNum < 1 || q.pgNum > 65536) return refuse(ERRNO.ERANGE, `pg_num ${q.pgNum} out of range`);
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
    if (size < 1 || size > 10) return refuse(ERRNO.EINVAL, `pool size ${size} out of range`);
    Object.assign(p, { type: POOL_TYPE.REPLICATED, size, minSize: defaultMinSize(size), crushRule: 0 });
  }
  Object.assign(p, { pgNum: q.pgNum, pgpNum: q.pgNum, pgNumTarget: q.pgNum, pgpNumTarget: q.pgNum, pgAutoscaleMode: AUTOSCALE_MODES.on });
  return accept({ ...edit, newPoolMax: BigInt(id), newPool: [id, p], newPoolName: [id, q.name] }, `pool '${q.name}' created`);
}

/** md_config_t::get_osd_pool_default_min_size with osd_pool_default_min_size 0: size - size/2. */
const defaultMinSize = (size: number): number => size - Math.floor(size / 2);

/** CrushWrapper::check_crush_rule: a rule with that id, the pool's type and a size range admitting `size`. */
function crushRuleProblem(m: OSDMap, ruleId: number, type: number, size: number): string | undefined {
  const rule = ruleId >= 0 ? m.crush.rules[ruleId] : undefined;
  if (!rule || rule.type !== type) return `crush rule ${ruleId} does not exist for pools of type ${type}`;
  if (size < rule.minSize || size > rule.maxSize) return `pool size ${size} is outside crush rule ${ruleId}'s min_size ${rule.minSize} and max_size ${rule.maxSize}`;
  return undefined;
}

/** `val` as Ceph's strict_strtoll reads it: an integer, else the parse error. */
function integerOf(val: string): { n: number; err: string } {
  return /^-?\d{1,15}$/.test(val.trim()) ? { n: Number(val), err: '' } : { n: 0, err: `error parsing integer value '${val}'` };
}

/** The fields `osd pool set NAME KEY VALUE` changes in pool `p`, or the refusal (prepare_command_pool_set). */
function poolSetValue(m: OSDMap, p: Readonly<PgPool>, key: string, val: string): Partial<PgPool> | Decision {
  const { n, err } = integerOf(val);
  const bit = POOL_SET_FLAGS[key];
  if (bit !== undefined) {
    if (val === 'true' || (err === '' && n === 1)) return { flags: p.flags | bit };
    if (val === 'false' || (err === '' && n === 0)) return { flags: p.flags & ~bit };
    return refuse(ERRNO.EINVAL, `expecting value 'true', 'false', '0', or '1'`);
  }
  const noSizeChange = (p.flags & POOL_SET_FLAGS.nosizechange!) !== 0n;
  switch (key) {
    case 'size': {
      if (noSizeChange) return refuse(ERRNO.EPERM, 'pool size change is disabled; you must unset nosizechange flag for the pool first');
      if (p.type === POOL_TYPE.ERASURE) return refuse(ERRNO.ENOTSUP, 'can not change the size of an erasure-coded pool');
      if (err) return refuse(ERRNO.EINVAL, err);
      if (n <= 0 || n > 10) return refuse(ERRNO.EINVAL, 'pool size must be between 1 and 10');
      // mon_allow_pool_size_one is false by default: size 1 needs the running cluster's config.
      if (n === 1) return refuse(ERRNO.EPERM, 'configuring pool size as 1 is disabled by default.');
      const problem = crushRuleProblem(m, p.crushRule, p.type, n);
      if (problem) return refuse(ERRNO.EINVAL, problem);
      // A size change resets min_size to the default for the new size.
      return { size: n, minSize: defaultMinSize(n) };
    }
    case 'min_size': {
      if (noSizeChange) return refuse(ERRNO.EPERM, 'pool min_size change is disabled; you must unset nosizechange flag for the pool first');
      if (err) return refuse(ERRNO.EINVAL, err);
      let low = 1;
      if (p.type === POOL_TYPE.ERASURE) {
        const k = Number(m.erasureCodeProfiles.get(p.erasureCodeProfile)?.get('k') ?? NaN);
        if (!Number.isInteger(k)) return refuse(ERRNO.EINVAL, `erasure code profile '${p.erasureCodeProfile}' has no k`);
        low = k;
      }
      if (n < low || n > p.size) return refuse(ERRNO.EINVAL, `pool min_size must be between ${low} and size, which is set to ${p.size}`);
      return { minSize: n };
    }
    case 'pg_num':
    case 'pgp_num':
      if (err || n < 1 || n > 65536) return refuse(ERRNO.EINVAL, `${key} must be between 1 and 65536`);
      // Nautilus+: the monitor records the target; the mgr walks pg_num there.
      return key === 'pg_num' ? { pgNumTarget: n } : { pgpNumTarget: n };
    case 'crush_rule': {
      // CrushWrapper::get_rule_id: by name only.
      const rule = [...m.crush.ruleNameMap].find(([, name]) => name === val)?.[0];
      if (rule === undefined) return refuse(ERRNO.ENOENT, `crush rule ${val} does not exist`);
      const problem = crushRuleProblem(m, rule, p.type, p.size);
      if (problem) return refuse(ERRNO.EINVAL, problem);
      return { crushRule: rule };
    }
    case 'pg_autoscale_mode':
      if (!(val in AUTOSCALE_MODES)) return refuse(ERRNO.EINVAL, `specified invalid mode ${val}`);
      return { pgAutoscaleMode: AUTOSCALE_MODES[val]! };
    default:
      return refuse(ERRNO.EINVAL, `unrecognized variable '${key}'`);
  }
}

/**
 * `osd pool set NAME KEY VALUE`: every accepted value is written, even one the pool already
 * has (the monitor proposes the new pool whatever it held).
 */
export function poolSet(m: OSDMap, name: string, key: string, value: string): Decision {
  const id = poolIdByName(m, name);
  if (id === undefined) return refuse(ERRNO.ENOENT, `unrecognized pool '${name}'`);
  const pool = m.pools.get(id)!;
  const change = poolSetValue(m, pool, key, value);
  if ('ok' in change) return change as Decision;
  // A copy: the map's pool is shared with the committed map and must not change.
  return accept({ newPool: [id, { ...structuredClone(pool), ...change }] }, `set pool ${id} ${key} to ${value}`);
}
