/** Keys of the `paxos` prefix (Pacific). All values are version_t (u64) except `paxos/<v>`. */
export const PAXOS_PREFIX = 'paxos';
export const PAXOS_STATE_KEYS = ['first_committed', 'last_committed', 'pending_v', 'pending_pn', 'accepted_pn', 'last_pn'] as const;
export type PaxosStateKey = (typeof PAXOS_STATE_KEYS)[number];

/** Per-service bookkeeping keys (PaxosService). */
export const SERVICE_STATE_KEYS = ['first_committed', 'last_committed', 'full_latest'] as const;

/**
 * The paxos services of a Pacific monitor, in the order ceph-mon creates them. A store may
 * hold others (found by their `last_committed` key); these are always reported.
 */
export const KNOWN_SERVICES = ['mdsmap', 'osdmap', 'logm', 'monmap', 'auth', 'mgr', 'mgrstat', 'health', 'config', 'kv'] as const;

/**
 * Services whose state lives in named keys, not numbered versions (Pacific's ConfigMonitor
 * and HealthMonitor keep only first/last_committed as paxos bookkeeping).
 */
export const SERVICES_WITHOUT_VERSION_VALUES: ReadonlySet<string> = new Set(['config', 'health']);

/** Ceph's defaults for the options that bound what the monitor keeps. */
export const TRIM_DEFAULTS = {
  paxos_min: 500,
  paxos_trim_min: 250,
  paxos_trim_max: 500,
  paxos_service_trim_min: 250,
  paxos_service_trim_max: 500,
  mon_min_osdmap_epochs: 500,
  mon_max_log_epochs: 500,
  mon_max_mdsmap_epochs: 500,
  mon_compact_on_trim: true,
} as const;

/** A version key is unpadded decimal (`1`, `10`, `100`); store order is not numeric order. */
export function isVersionKey(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key);
}
