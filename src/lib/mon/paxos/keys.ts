/** Keys of the `paxos` prefix. All values are version_t (u64) except `paxos/<v>`. */
export const PAXOS_PREFIX = 'paxos';
export const PAXOS_STATE_KEYS = ['first_committed', 'last_committed', 'pending_v', 'pending_pn', 'accepted_pn', 'last_pn'] as const;
export type PaxosStateKey = (typeof PAXOS_STATE_KEYS)[number];

/** Per-service bookkeeping keys (PaxosService). */
export const SERVICE_STATE_KEYS = ['first_committed', 'last_committed', 'full_latest'] as const;

/** The Ceph releases monctl knows, oldest first. */
export const CEPH_RELEASES = ['pacific', 'quincy', 'reef', 'squid', 'tentacle'] as const;
export type CephRelease = (typeof CEPH_RELEASES)[number];

/** What one paxos service keeps in the store. */
export interface PaxosServiceInfo {
  /** The service name, which is also its key prefix (PaxosService::service_name). */
  name: string;
  /** Its class in Ceph's src/mon/. */
  cephClass: string;
  /** The first release (of those monctl knows) whose monitor creates it. */
  since: CephRelease;
  /**
   * Whether each committed version v is a key `<name>/<v>` (PaxosService::put_version in
   * encode_pending). Services without them keep only first/last_committed as paxos
   * bookkeeping and their state in named keys.
   */
  versionValues: boolean;
  /** Whether it writes full versions `full_<v>` and `full_latest` (put_version_full). */
  fullVersions: boolean;
  /** The other prefixes it owns (get_store_prefixes, or where encode_pending writes). */
  otherPrefixes: readonly string[];
  /** One line on what lives under the prefix. */
  note: string;
}

/**
 * The paxos services of a Ceph 16 (Pacific) to 20 (Tentacle) monitor, in the order
 * ceph-mon creates them (the PAXOS_* enum of src/mon/mon_types.h; the names are the ones
 * Monitor::Monitor in src/mon/Monitor.cc passes to each PaxosService subclass).
 *
 * Sources, each in ceph/ceph src/mon/: which services write `<name>/<v>` is their
 * encode_pending (put_version); full versions are encode_full (put_version_full): only
 * OSDMonitor (a full map per epoch, written in encode_pending), LogMonitor (its LogSummary:
 * every commit before Quincy, every mon_log_full_interval commits since) and AuthMonitor
 * (every paxos_stash_full_interval versions) write them; every other service's
 * encode_full is empty. HealthMonitor and ConfigMonitor write no versions: health keeps
 * named keys under `health` (one per service, from PaxosService::encode_health, plus
 * quorum/leader/mutes), config keeps `config/…` and `config-history/…` under
 * `mon_config_key`. The other prefixes are get_store_prefixes (OSDMonitor, MDSMonitor,
 * MgrMonitor, KVMonitor). NVMeofGwMon (`nvmeofgw`, PAXOS_NVMEGW) first ships in Squid
 * (19.2): Reef's 18.2 ceph-mon has no such service.
 */
export const PAXOS_SERVICES: readonly PaxosServiceInfo[] = [
  { name: 'mdsmap', cephClass: 'MDSMonitor', since: 'pacific', versionValues: true, fullVersions: false, otherPrefixes: ['mds_metadata', 'mds_health'], note: 'FSMap epochs' },
  {
    name: 'osdmap',
    cephClass: 'OSDMonitor',
    since: 'pacific',
    versionValues: true,
    fullVersions: true,
    otherPrefixes: ['osd_pg_creating', 'osd_metadata', 'osd_snap'],
    note: 'OSDMap incrementals <e>, full maps full_<e> (pruned ones pinned by osdmap_manifest)',
  },
  {
    name: 'logm',
    cephClass: 'LogMonitor',
    since: 'pacific',
    versionValues: true,
    fullVersions: true,
    otherPrefixes: [],
    note: 'cluster log increments <v>, LogSummary full_<v>; since Quincy also one key per entry, <channel>/<seq as %08x>',
  },
  { name: 'monmap', cephClass: 'MonmapMonitor', since: 'pacific', versionValues: true, fullVersions: false, otherPrefixes: [], note: 'MonMap epochs' },
  { name: 'auth', cephClass: 'AuthMonitor', since: 'pacific', versionValues: true, fullVersions: true, otherPrefixes: [], note: 'auth increments <v>, KeyServer full_<v>' },
  { name: 'mgr', cephClass: 'MgrMonitor', since: 'pacific', versionValues: true, fullVersions: false, otherPrefixes: ['mgr_command_descs', 'mgr_metadata'], note: 'MgrMap epochs' },
  { name: 'mgrstat', cephClass: 'MgrStatMonitor', since: 'pacific', versionValues: true, fullVersions: false, otherPrefixes: [], note: 'PGMap digests and the service map' },
  { name: 'health', cephClass: 'HealthMonitor', since: 'pacific', versionValues: false, fullVersions: false, otherPrefixes: [], note: 'health checks per service, quorum, leader, mutes (named keys)' },
  { name: 'config', cephClass: 'ConfigMonitor', since: 'pacific', versionValues: false, fullVersions: false, otherPrefixes: ['mon_config_key'], note: 'no versions: the settings are mon_config_key config/… and config-history/…' },
  { name: 'kv', cephClass: 'KVMonitor', since: 'pacific', versionValues: true, fullVersions: false, otherPrefixes: ['mon_config_key'], note: 'config-key deltas <v>; the keys are under mon_config_key' },
  { name: 'nvmeofgw', cephClass: 'NVMeofGwMon', since: 'squid', versionValues: true, fullVersions: false, otherPrefixes: [], note: 'NVMeofGwMap epochs' },
];

/** Every known service name, in ceph-mon's order. */
export const KNOWN_SERVICES: readonly string[] = PAXOS_SERVICES.map((s) => s.name);

/**
 * The services every release from Pacific on creates: `store versions` always lists them,
 * others (newer services, unknown prefixes) only when the store has them.
 */
export const BASELINE_SERVICES: readonly string[] = PAXOS_SERVICES.filter((s) => s.since === 'pacific').map((s) => s.name);

/** Services whose state lives in named keys, not numbered versions (HealthMonitor, ConfigMonitor). */
export const SERVICES_WITHOUT_VERSION_VALUES: ReadonlySet<string> = new Set(PAXOS_SERVICES.filter((s) => !s.versionValues).map((s) => s.name));

/** Services that write full versions (`full_<v>`, `full_latest`). */
export const SERVICES_WITH_FULL_VERSIONS: ReadonlySet<string> = new Set(PAXOS_SERVICES.filter((s) => s.fullVersions).map((s) => s.name));

export function serviceInfo(name: string): PaxosServiceInfo | undefined {
  return PAXOS_SERVICES.find((s) => s.name === name);
}

/**
 * Prefixes the monitor itself writes, outside any paxos service (src/mon/Monitor.cc,
 * Paxos.cc, MonitorDBStore.h).
 */
export const MONITOR_PREFIXES: Readonly<Record<string, string>> = {
  paxos: 'Paxos: the committed transactions <v> and the proposal bookkeeping',
  monitor: 'Monitor: magic, feature_set, cluster_uuid, election_epoch and the like',
  monitor_store: 'MonitorDBStore: store metadata',
  mon_sync: 'Monitor: the state of an unfinished full sync',
  mkfs: 'ceph-mon --mkfs: the initial keyring and monmap',
};

/**
 * Who writes a prefix: `service` for a service's own prefix, `owner` for the prefixes a
 * service (or the monitor) writes besides, undefined for a prefix monctl does not know.
 */
export function prefixOwner(prefix: string): { service?: string; owners: string[]; note: string } | undefined {
  const own = serviceInfo(prefix);
  if (own) return { service: own.name, owners: [own.name], note: own.note };
  const owners = PAXOS_SERVICES.filter((s) => s.otherPrefixes.includes(prefix)).map((s) => s.name);
  if (owners.length > 0) return { owners, note: `data of ${owners.join(' and ')}` };
  const mon = MONITOR_PREFIXES[prefix];
  return mon === undefined ? undefined : { owners: [prefix === PAXOS_PREFIX ? 'paxos' : 'monitor'], note: mon };
}

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
  mon_max_nvmeof_epochs: 500,
  mon_compact_on_trim: true,
} as const;

/** A version key is unpadded decimal (`1`, `10`, `100`); store order is not numeric order. */
export function isVersionKey(key: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(key);
}

/** `full_<v>`: a full version key; returns v, or undefined for any other key. */
export function fullVersionOf(key: string): bigint | undefined {
  if (!key.startsWith('full_')) return undefined;
  const v = key.slice(5);
  return isVersionKey(v) ? BigInt(v) : undefined;
}
