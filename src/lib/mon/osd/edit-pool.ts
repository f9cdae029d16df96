/**
 * `monctl osdmap edit set-pool NAME KEY VALUE`: `ceph osd pool set` through the one decide()
 * (command-pool.ts has OSDMonitor::prepare_command_pool_set), for the keys that only change
 * the pool's own settings.
 *
 * Not offered offline: pg_num and pgp_num. Since Nautilus the monitor only records a target
 * (pg_num_target) and the manager walks pg_num towards it one step at a time, with PG merges
 * prepared by the OSDs (pg_num_pending, last_pg_merge_meta); writing pg_num offline would skip
 * that handshake and can lose PGs on a merge. hashpspool (changes every placement), the cache
 * tier keys and the quotas are not offered either.
 */
import { MonctlError } from '../../errors.js';
import { POOL_SET_FLAGS } from './command-pool.js';
import { runCommands } from './edit-ops.js';
import type { OsdmapEdit } from './edit-plan.js';

export const SET_POOL_KEYS = ['size', 'min_size', 'crush_rule', ...Object.keys(POOL_SET_FLAGS)];

/** `ceph osd pool set NAME KEY VALUE` for the keys in SET_POOL_KEYS. */
export function setPool(name: string, key: string, value: string): OsdmapEdit {
  if (!SET_POOL_KEYS.includes(key)) {
    const why = key === 'pg_num' || key === 'pgp_num' ? ' (PG splits and merges need the running cluster)' : '';
    throw new MonctlError('BAD_ARGUMENT', `'${key}' is not a pool key monctl sets offline${why}`, {
      actions: [`Use one of: ${SET_POOL_KEYS.join(', ')}; set other keys with \`ceph osd pool set\` on the running cluster.`],
    });
  }
  return runCommands([{ op: 'osd-pool-set', name, key, value }]);
}
