/**
 * What Monitor::mkfs writes into a new monitor's own store before any paxos version exists
 * (locally, not through paxos): `monitor/magic`, the on-disk format ceph-mon checks at start
 * (CEPH_MON_ONDISK_MAGIC and a newline). Without it a real ceph-mon refuses the store ("unable
 * to read magic from mon data").
 */
import { TransactionBuilder, type Transaction } from '../store/transaction.js';

/** CEPH_MON_ONDISK_MAGIC (src/mon/Monitor.h). */
export const MON_ONDISK_MAGIC = 'ceph mon volume v012';

export function mkfsTransaction(): Transaction {
  return new TransactionBuilder().put('monitor', 'magic', Buffer.from(`${MON_ONDISK_MAGIC}\n`)).tx;
}
