/**
 * Full store sync (Ceph's MMonSync), collapsed into one snapshot: a monitor behind another's
 * trim point asks it for its committed state of the synced prefixes and replaces its own.
 * Only committed state travels (no pending value, no proposal numbers); the receiver keeps its
 * own promise (`accepted_pn`, `last_pn`) and its own accepted-but-uncommitted value, which
 * Paxos still needs from it.
 */

import { PAXOS_PREFIX, isVersionKey } from '../mon/paxos/keys.js';
import { TransactionBuilder, type Transaction } from '../store/transaction.js';
import { getVersion, kvKey, prefixEntries, splitKvKey, type Kv } from './kv.js';
import { REQUEST_LOG_PREFIX } from './request-log.js';
import { MONMAP_PREFIX, OSDMAP_PREFIX } from '../mon/index.js';

export const SYNCED_PREFIXES = [PAXOS_PREFIX, OSDMAP_PREFIX, MONMAP_PREFIX, REQUEST_LOG_PREFIX] as const;
const OWN_PAXOS_KEYS = new Set(['pending_v', 'pending_pn', 'accepted_pn', 'last_pn']);

/** The committed state of the synced prefixes. */
export function syncSnapshot(kv: Kv): [string, Uint8Array][] {
  const last = getVersion(kv, PAXOS_PREFIX, 'last_committed') ?? 0n;
  return prefixEntries(kv, SYNCED_PREFIXES).filter(([k]) => {
    const { prefix, key } = splitKvKey(k);
    if (prefix !== PAXOS_PREFIX) return true;
    if (OWN_PAXOS_KEYS.has(key)) return false;
    return !isVersionKey(key) || BigInt(key) <= last;
  });
}

/** The one batch that replaces my synced prefixes with the snapshot. */
export function applySnapshotTransaction(kv: Kv, entries: readonly [string, Uint8Array][]): Transaction {
  const incoming = new Map(entries);
  const snapLast = getVersion(new Map(entries), PAXOS_PREFIX, 'last_committed') ?? 0n;
  const pendingV = getVersion(kv, PAXOS_PREFIX, 'pending_v') ?? 0n;
  const keep = new Set([...OWN_PAXOS_KEYS].map((k) => kvKey(PAXOS_PREFIX, k)));
  if (pendingV > snapLast) keep.add(kvKey(PAXOS_PREFIX, pendingV.toString()));
  const tx = new TransactionBuilder();
  for (const [k] of prefixEntries(kv, SYNCED_PREFIXES)) {
    if (!incoming.has(k) && !keep.has(k)) {
      const { prefix, key } = splitKvKey(k);
      tx.erase(prefix, key);
    }
  }
  for (const [k, v] of entries) {
    const { prefix, key } = splitKvKey(k);
    if (!SYNCED_PREFIXES.includes(prefix as (typeof SYNCED_PREFIXES)[number]) || OWN_PAXOS_KEYS.has(key) && prefix === PAXOS_PREFIX) continue;
    tx.put(prefix, key, v);
  }
  return tx.tx;
}
