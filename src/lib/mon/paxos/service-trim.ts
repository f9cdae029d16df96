/**
 * Trimming a paxos service's old versions, pure: which versions go (the service's
 * get_trim_to policy, bounded by what the monitor needs to start) and the ops
 * PaxosService::trim writes for them.
 *
 * Offline trims are written straight to the store, not committed as a paxos version, though
 * a live monitor trims inside its next proposal (PaxosService::maybe_trim adds the erases to
 * the pending paxos transaction). A trim changes no state peers depend on: each monitor's
 * history may be as long as it likes (first_committed is local; a lagging peer catches up
 * from paxos versions or a full sync, never from another store's service history). A
 * committed offline version, though, bumps paxos last_committed, and a monitor that rejoins a
 * quorum which moved on while it was stopped would then hold a version N+1 different from
 * the quorum's own N+1: it never learns the quorum's N+1 and its store silently diverges.
 * Writing the trim locally keeps last_committed, so the monitor catches up as usual. (The
 * existing `paxos trim` works the same way, for the same reason.)
 */
import { MonctlError } from '../../errors.js';
import { TransactionBuilder, type Transaction } from '../../store/transaction.js';
import { TRIM_DEFAULTS } from './keys.js';

/**
 * How many versions each service keeps behind last_committed when the monitor trims it
 * (its get_trim_to): osdmap mon_min_osdmap_epochs, logm mon_max_log_epochs, mdsmap
 * mon_max_mdsmap_epochs, mgr mon_max_mgrmap_epochs, nvmeofgw mon_max_nvmeof_epochs (500
 * each), auth paxos_max_join_drift * 2 (20), mgrstat a fixed 5 (MgrStatMonitor.cc), kv
 * MAX_HISTORY = 50 (KVMonitor.cc, since Pacific). Services absent here (monmap, config,
 * health) are never trimmed by the monitor; monctl trims monmap only when told how much to keep.
 */
export const SERVICE_TRIM_KEEP: Readonly<Record<string, number>> = {
  osdmap: TRIM_DEFAULTS.mon_min_osdmap_epochs,
  logm: TRIM_DEFAULTS.mon_max_log_epochs,
  mdsmap: TRIM_DEFAULTS.mon_max_mdsmap_epochs,
  mgr: 500,
  auth: 20,
  mgrstat: 5,
  kv: 50,
  nvmeofgw: TRIM_DEFAULTS.mon_max_nvmeof_epochs,
};

/** Services whose versions are trimmed; config and health keep no numbered versions. */
export const TRIMMABLE_SERVICES: ReadonlySet<string> = new Set([...Object.keys(SERVICE_TRIM_KEEP), 'monmap']);

export interface ServiceHistory {
  service: string;
  first: bigint;
  last: bigint;
  /** full_latest, when the service keeps full versions (osdmap, auth, logm). */
  fullLatest?: bigint;
  /** Versions v with a `full_<v>` key, below the trim point at least. */
  fulls: ReadonlySet<bigint>;
}

export interface ServiceTrimRequest {
  /** New first_committed. */
  to?: bigint;
  /** Keep the newest N versions (default: what the monitor keeps). */
  keep?: bigint;
  /** Allow trimming osdmap closer to last_committed than mon_min_osdmap_epochs. */
  force?: boolean;
  compactOnTrim?: boolean;
}

/**
 * The new first_committed, or undefined when nothing goes. The newest full version
 * (full_latest) and last_committed always stay: the monitor rebuilds its state from the
 * newest full version plus the increments after it. osdmap keeps mon_min_osdmap_epochs
 * unless forced: OSDs that were down catch up from those maps.
 */
export function serviceTrimTarget(h: ServiceHistory, req: ServiceTrimRequest): bigint | undefined {
  if (h.last === 0n) return undefined;
  let end: bigint;
  if (req.to !== undefined) {
    end = req.to;
    if (end > h.last) {
      throw new MonctlError('BAD_ARGUMENT', `cannot trim ${h.service} to ${end}: last_committed is ${h.last} and must stay`, {
        actions: [`Use --to ${h.last} or lower, or --keep 1 or more.`],
      });
    }
    if (h.fullLatest !== undefined && h.fullLatest > 0n && end > h.fullLatest) {
      throw new MonctlError('BAD_ARGUMENT', `cannot trim ${h.service} to ${end}: full_latest is ${h.fullLatest} and its full version must stay`, {
        actions: [`Use --to ${h.fullLatest} or lower.`],
      });
    }
  } else {
    const dflt = SERVICE_TRIM_KEEP[h.service];
    if (req.keep === undefined && dflt === undefined) return undefined;
    const keep = req.keep ?? BigInt(dflt!) + 1n;
    if (keep < 1n) throw new MonctlError('BAD_ARGUMENT', '--keep must be at least 1 (the last committed version always stays)');
    end = h.last - keep + 1n;
    if (h.fullLatest !== undefined && h.fullLatest > 0n && end > h.fullLatest) end = h.fullLatest;
  }
  const floor = SERVICE_TRIM_KEEP.osdmap!;
  if (h.service === 'osdmap' && !req.force && end > h.last - BigInt(floor)) {
    if (end <= h.first) return undefined;
    throw new MonctlError('BAD_ARGUMENT', `trimming osdmap to ${end} keeps fewer than mon_min_osdmap_epochs (${floor}) epochs behind last_committed ${h.last}`, {
      actions: [`Keep more (--keep ${floor + 1}), or pass --force if no OSD, client or peer monitor needs the older maps.`],
    });
  }
  return end > h.first ? end : undefined;
}

export interface ServiceTrimPlan {
  service: string;
  from: bigint;
  /** The new first_committed: versions [from, to) are erased. */
  to: bigint;
  erased: bigint;
  transaction: Transaction;
}

/**
 * The ops PaxosService::maybe_trim adds for [first, end): ERASE `<v>` and, where it exists,
 * `full_<v>`; with mon_compact_on_trim COMPACT both ranges (from first-1, as Ceph does); PUT
 * first_committed; then the service's encode_trim_extra (`extra`: for osdmap, the full map
 * at the new first_committed re-put).
 */
export function planServiceTrim(h: ServiceHistory, end: bigint, req: Pick<ServiceTrimRequest, 'compactOnTrim'> = {}, extra?: Transaction): ServiceTrimPlan {
  const svc = h.service;
  const tx = new TransactionBuilder();
  for (let v = h.first; v < end; v++) {
    tx.erase(svc, v.toString());
    if (h.fulls.has(v)) tx.erase(svc, `full_${v}`);
  }
  if (req.compactOnTrim ?? TRIM_DEFAULTS.mon_compact_on_trim) {
    const before = BigInt.asUintN(64, h.first - 1n).toString();
    tx.compactRange(svc, before, end.toString());
    tx.compactRange(svc, `full_${before}`, `full_${end}`);
  }
  tx.putVersion(svc, 'first_committed', end);
  if (extra) tx.append(extra);
  return { service: svc, from: h.first, to: end, erased: end - h.first, transaction: tx.tx };
}
