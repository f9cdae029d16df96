import { MonctlError } from '../../errors.js';
import { TransactionBuilder, transactionToBytes, type Transaction } from '../../store/transaction.js';
import { PAXOS_PREFIX } from './keys.js';
import { readPaxosState, type PaxosState } from './versions.js';
import { keyName } from '../../store/keys.js';
import type { MonStore } from '../../store/mon-store.js';

export interface PaxosCommitPlan {
  /** The paxos version this commit creates (last_committed + 1). */
  version: bigint;
  /** The one batch to apply: the paxos value, paxos bookkeeping, then the service ops. */
  transaction: Transaction;
}

/**
 * Plans what a monitor writes when Paxos commits one value, so an offline edit leaves the
 * same history a live leader would: `paxos/<v>` holds the encoded service transaction,
 * `paxos/last_committed` moves to v (and `first_committed` is set on an empty history), and
 * the service transaction itself is applied in the same batch (Paxos::commit_start appends
 * the decoded value to the commit transaction). A store with a pending, uncommitted
 * proposal (pending_v > last_committed) is refused: committing over it would fork history.
 */
export function planPaxosCommit(state: PaxosState, service: Transaction, opts: { discardPending?: boolean } = {}): PaxosCommitPlan {
  const last = state.last_committed ?? 0n;
  const pending = state.pending_v;
  const uncommitted = pending !== undefined && pending > last;
  if (uncommitted && !opts.discardPending) {
    throw new MonctlError('BAD_ARGUMENT', `paxos has an uncommitted proposal (pending_v ${pending} > last_committed ${last})`, {
      key: 'paxos/pending_v',
      actions: [
        'If the monitor can reach a quorum: start it once so it recovers the proposal, stop it, then retry.',
        'If it cannot (a lost quorum): retry with --discard-pending; the uncommitted value is dropped, as a new leader drops a value no majority accepted.',
      ],
    });
  }
  const version = last + 1n;
  const tx = new TransactionBuilder();
  // The uncommitted value sits at last + 1 (overwritten below); anything above it is dropped too.
  if (uncommitted) for (let v = version + 1n; v <= pending; v++) tx.erase(PAXOS_PREFIX, v.toString());
  tx.put(PAXOS_PREFIX, version.toString(), transactionToBytes(service));
  // Paxos::begin leaves pending_v/pending_pn naming the accepted value; a live leader's store
  // keeps them after the commit, so an offline commit leaves the same bookkeeping.
  tx.putVersion(PAXOS_PREFIX, 'pending_v', version);
  if (state.accepted_pn !== undefined) tx.putVersion(PAXOS_PREFIX, 'pending_pn', state.accepted_pn);
  tx.putVersion(PAXOS_PREFIX, 'last_committed', version);
  if ((state.first_committed ?? 0n) === 0n) tx.putVersion(PAXOS_PREFIX, 'first_committed', version);
  tx.append(service);
  return { version, transaction: tx.tx };
}

/**
 * Under the store lock, before a transaction planned on a read-only view is applied: the
 * store must still be at the paxos version (and the service at the version) it was planned
 * on; otherwise something else wrote it meanwhile and the plan is refused.
 */
export async function checkStillPlanned(store: MonStore, paxosVersion: bigint, service?: { prefix: string; version: bigint }): Promise<void> {
  const paxos = (await readPaxosState(store)).last_committed ?? 0n;
  const current = service ? ((await store.getVersion(service.prefix, 'last_committed')) ?? 0n) : undefined;
  if (paxos + 1n !== paxosVersion || (service && current! + 1n !== service.version)) {
    const what = service ? `, ${service.prefix} ${current}; planned on ${service.prefix} ${service.version - 1n}` : '';
    throw new MonctlError('STORE_LOCKED', `the store changed while the edit was planned (paxos ${paxos}, planned on ${paxosVersion - 1n}${what})`, {
      key: keyName('paxos', 'last_committed'),
      actions: ['Something else writes this store: stop it and run the edit again.'],
    });
  }
}
