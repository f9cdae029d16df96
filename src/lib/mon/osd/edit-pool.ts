/**
 * `monctl osdmap edit set-pool NAME KEY VALUE`: the keys of `ceph osd pool set` that only
 * change the pool's own settings, written as the monitor writes them (the whole pg_pool_t in
 * new_pools; apply sets last_change to the new epoch), with the monitor's checks.
 *
 * Not offered: pg_num and pgp_num. Since Nautilus the monitor only records a target
 * (pg_num_target) and the manager walks pg_num towards it one step at a time, with PG merges
 * prepared by the OSDs (pg_num_pending, last_pg_merge_meta); writing pg_num offline would skip
 * that handshake and can lose PGs on a merge. hashpspool (changes every placement), the cache
 * tier keys and the quotas are not offered either.
 */
import { MonctlError } from '../../errors.js';
import { nothingToChange, type OsdmapEdit } from './edit-plan.js';
import type { OSDMap } from '../../osdmap/osdmap-types.js';
import { poolFlagsString } from '../../osdmap/pool-dump.js';
import { POOL_TYPE, type PgPool } from '../../osdmap/pool.js';
import { poolIdByName } from '../../osdmap/placement.js';

/** Pool flags `ceph osd pool set NAME FLAG true|false` may toggle safely. */
const POOL_FLAGS = ['nodelete', 'nopgchange', 'nosizechange', 'write_fadvise_dontneed', 'noscrub', 'nodeep-scrub'];
export const SET_POOL_KEYS = ['size', 'min_size', 'crush_rule', ...POOL_FLAGS];

function poolFlagBit(name: string): bigint {
  for (let n = 0n; n < 64n; n++) if (poolFlagsString(1n << n) === name) return 1n << n;
  throw new Error(`pool flag ${name} has no bit`);
}

function bad(message: string, action: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', message, { actions: [action] });
}

function integer(key: string, text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw bad(`${key} must be a whole number, not '${text}'`, `Give ${key} as a number, e.g. 3.`);
  return Number(text);
}

/** Ceph's pool-flag values: true/false or 1/0. */
function boolean(key: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw bad(`${key} takes true, false, 1 or 0, not '${text}'`, `Write \`set-pool NAME ${key} true\` or \`… ${key} false\`.`);
}

/** CrushWrapper::check_crush_rule: the rule exists with the pool's type and admits the size. */
function checkRule(map: OSDMap, ruleId: number, pool: PgPool, size: number): void {
  const rule = ruleId >= 0 ? map.crush.rules[ruleId] : undefined;
  if (!rule || rule.type !== pool.type) {
    throw bad(`crush rule ${ruleId} does not exist for ${pool.type === POOL_TYPE.ERASURE ? 'erasure' : 'replicated'} pools`, 'List the rules with `monctl crush dump`.');
  }
  if (size < rule.minSize || size > rule.maxSize) {
    throw bad(`pool size ${size} is outside crush rule ${ruleId}'s min_size ${rule.minSize} and max_size ${rule.maxSize}`, 'Pick a rule that admits the pool size.');
  }
}

function refuseIfNoSizeChange(pool: PgPool, name: string): void {
  if (pool.flags & poolFlagBit('nosizechange')) {
    throw bad(`pool '${name}' has the nosizechange flag`, `Unset it first: \`monctl osdmap edit set-pool ${name} nosizechange false\`.`);
  }
}

function setSize(map: OSDMap, pool: PgPool, name: string, value: string): void {
  const n = integer('size', value);
  refuseIfNoSizeChange(pool, name);
  if (pool.type === POOL_TYPE.ERASURE) throw bad(`pool '${name}' is erasure-coded: its size is k+m and cannot change`, 'Change the size of replicated pools only.');
  if (n < 1 || n > 10) throw bad('pool size must be between 1 and 10', 'Give a size from 2 to 10.');
  if (n === 1) {
    throw bad('a pool of size 1 keeps one copy of every object', 'Do it on the running cluster, where mon_allow_pool_size_one and --yes-i-really-mean-it guard it.');
  }
  checkRule(map, pool.crushRule, pool, n);
  pool.size = n;
  // The monitor resets min_size with every size change (pg_pool_t::get_default_min_size).
  pool.minSize = n - Math.floor(n / 2);
}

function setMinSize(map: OSDMap, pool: PgPool, name: string, value: string): void {
  const n = integer('min_size', value);
  refuseIfNoSizeChange(pool, name);
  let low = 1;
  if (pool.type === POOL_TYPE.ERASURE) {
    const k = Number(map.erasureCodeProfiles.get(pool.erasureCodeProfile)?.get('k') ?? NaN);
    if (!Number.isInteger(k)) throw bad(`pool '${name}' uses erasure code profile '${pool.erasureCodeProfile}', which has no k`, 'Check the profile with `monctl osdmap dump`.');
    low = k;
  }
  if (n < low || n > pool.size) throw bad(`pool min_size must be between ${low} and size, which is set to ${pool.size}`, `Give a min_size from ${low} to ${pool.size}.`);
  pool.minSize = n;
}

function ruleIdByName(map: OSDMap, text: string): number {
  for (const [id, name] of map.crush.ruleNameMap) if (name === text) return id;
  if (/^\d+$/.test(text) && map.crush.rules[Number(text)]) return Number(text);
  throw bad(`crush rule ${text} does not exist`, 'List the rules with `monctl crush dump` (rule_name).');
}

/** `ceph osd pool set NAME KEY VALUE` for the keys in SET_POOL_KEYS. */
export function setPool(name: string, key: string, value: string): OsdmapEdit {
  if (!SET_POOL_KEYS.includes(key)) {
    const why = key === 'pg_num' || key === 'pgp_num' ? ' (PG splits and merges need the running cluster)' : '';
    throw bad(`'${key}' is not a pool key monctl sets offline${why}`, `Use one of: ${SET_POOL_KEYS.join(', ')}; set other keys with \`ceph osd pool set\` on the running cluster.`);
  }
  return (map, inc) => {
    const id = poolIdByName(map, name);
    if (id === undefined) {
      throw bad(`osdmap e${map.epoch} has no pool named '${name}'`, `Pools: ${[...map.poolName.values()].join(', ') || '(none)'}.`);
    }
    const current = inc.newPools.get(id) ?? map.pools.get(id)!;
    const pool = structuredClone(current);
    if (key === 'size') setSize(map, pool, name, value);
    else if (key === 'min_size') setMinSize(map, pool, name, value);
    else if (key === 'crush_rule') {
      const rule = ruleIdByName(map, value);
      checkRule(map, rule, pool, pool.size);
      pool.crushRule = rule;
    } else {
      const bit = poolFlagBit(key);
      pool.flags = boolean(key, value) ? pool.flags | bit : pool.flags & ~bit;
    }
    if (pool.size === current.size && pool.minSize === current.minSize && pool.crushRule === current.crushRule && pool.flags === current.flags) {
      throw nothingToChange(`pool '${name}' already has ${key} ${value}`);
    }
    inc.newPools.set(id, pool);
  };
}
