/**
 * The paxos bookkeeping in the store, exactly Ceph's keys: `paxos/<v>` (an encoded
 * MonitorDBStore::Transaction), `first_committed`, `last_committed`, `pending_v`, `pending_pn`,
 * `accepted_pn`, `last_pn` (u64 each). Committing a value writes it, moves last_committed and
 * applies the value's own transaction in the same batch (Paxos::commit_start / store_state).
 */
import { PAXOS_PREFIX } from '../mon/paxos/keys.js';
import { TransactionBuilder, transactionFromBytes, type Transaction } from '../store/transaction.js';
import { getVersion, kvKey, type Kv } from './kv.js';

export interface PaxosValue {
  version: bigint;
  value: Uint8Array;
}

export class PaxosLog {
  constructor(readonly kv: Kv) {}

  private v(key: string): bigint {
    return getVersion(this.kv, PAXOS_PREFIX, key) ?? 0n;
  }
  get firstCommitted(): bigint {
    return this.v('first_committed');
  }
  get lastCommitted(): bigint {
    return this.v('last_committed');
  }
  get pendingV(): bigint {
    return this.v('pending_v');
  }
  get pendingPn(): bigint {
    return this.v('pending_pn');
  }
  get acceptedPn(): bigint {
    return this.v('accepted_pn');
  }
  get lastPn(): bigint {
    return this.v('last_pn');
  }

  value(v: bigint): Uint8Array | undefined {
    return this.kv.get(kvKey(PAXOS_PREFIX, v.toString()));
  }

  /** The value accepted but not committed (pending_v = last_committed + 1), if there is one. */
  uncommitted(): { version: bigint; pn: bigint; value: Uint8Array } | undefined {
    const v = this.pendingV;
    if (v !== this.lastCommitted + 1n) return undefined;
    const value = this.value(v);
    return value === undefined ? undefined : { version: v, pn: this.pendingPn, value };
  }

  /** Committed values after `from` (share_state), oldest first. */
  valuesAfter(from: bigint): PaxosValue[] {
    const out: PaxosValue[] = [];
    const start = from + 1n > this.firstCommitted ? from + 1n : this.firstCommitted;
    for (let v = start; v <= this.lastCommitted && v > 0n; v++) {
      const value = this.value(v);
      if (value !== undefined) out.push({ version: v, value });
    }
    return out;
  }

  /**
   * Writes committed values that extend last_committed without a gap (store_state): each
   * value, its transaction applied, last_committed, and first_committed on an empty log.
   * Returns the transaction, or undefined when nothing extends the log.
   */
  commitTransaction(values: readonly PaxosValue[]): Transaction | undefined {
    let last = this.lastCommitted;
    const tx = new TransactionBuilder();
    const sorted = [...values].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
    let firstNew: bigint | undefined;
    for (const { version, value } of sorted) {
      if (version !== last + 1n) continue;
      tx.put(PAXOS_PREFIX, version.toString(), value);
      tx.putVersion(PAXOS_PREFIX, 'last_committed', version);
      firstNew ??= version;
      tx.append(transactionFromBytes(value, `paxos/${version}`));
      last = version;
    }
    if (firstNew === undefined) return undefined;
    if (this.firstCommitted === 0n) tx.putVersion(PAXOS_PREFIX, 'first_committed', firstNew);
    return tx.tx;
  }

  /** Paxos::begin's write: the value and which pn it was accepted under. */
  acceptTransaction(version: bigint, value: Uint8Array, pn: bigint): Transaction {
    const tx = new TransactionBuilder();
    tx.put(PAXOS_PREFIX, version.toString(), value);
    tx.putVersion(PAXOS_PREFIX, 'pending_v', version);
    tx.putVersion(PAXOS_PREFIX, 'pending_pn', pn);
    if (pn > this.acceptedPn) tx.putVersion(PAXOS_PREFIX, 'accepted_pn', pn);
    return tx.tx;
  }

  pnTransaction(key: 'accepted_pn' | 'last_pn', pn: bigint): Transaction {
    return new TransactionBuilder().putVersion(PAXOS_PREFIX, key, pn).tx;
  }
}

/** Paxos::get_new_proposal_number: above both numbers, unique per rank (n*100 + rank). */
export function newProposalNumber(lastPn: bigint, gt: bigint, rank: number): bigint {
  const base = lastPn > gt ? lastPn : gt;
  return (base / 100n + 1n) * 100n + BigInt(rank);
}
