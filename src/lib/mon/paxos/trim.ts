import { MonctlError } from '../../errors.js';
import { TransactionBuilder, type Transaction } from '../../store/transaction.js';
import { PAXOS_PREFIX, TRIM_DEFAULTS } from './keys.js';

export interface PaxosTrimRequest {
  firstCommitted: bigint;
  lastCommitted: bigint;
  /** New first_committed (versions below it go). */
  to?: bigint;
  /** Keep the newest N versions. Default: what the monitor keeps, paxos_min + 1. */
  keep?: bigint;
  compactOnTrim?: boolean;
}

export interface PaxosTrimPlan {
  from: bigint;
  /** The new first_committed; versions [from, to) are erased. */
  to: bigint;
  erased: bigint;
  transaction: Transaction;
}

/**
 * Plans a paxos trim the way Paxos::trim writes it: ERASE paxos/<v> for v in [first, end),
 * PUT first_committed = end, then (mon_compact_on_trim) COMPACT paxos from first-1 to end.
 * Offline there is no paxos_trim_max step limit: it is one batch either way. The floor is
 * never crossed: last_committed always stays (a monitor cannot start without it), and
 * nothing above it (a pending proposal) is touched.
 */
export function planPaxosTrim(req: PaxosTrimRequest): PaxosTrimPlan | undefined {
  const { firstCommitted: first, lastCommitted: last } = req;
  if (last === 0n) return undefined;
  let end: bigint;
  if (req.to !== undefined) {
    end = req.to;
  } else {
    const keep = req.keep ?? BigInt(TRIM_DEFAULTS.paxos_min) + 1n;
    if (keep < 1n) throw new MonctlError('BAD_ARGUMENT', '--keep must be at least 1 (the last committed version always stays)');
    end = last - keep + 1n;
  }
  if (end > last) {
    throw new MonctlError('BAD_ARGUMENT', `cannot trim to ${end}: last_committed is ${last} and must stay`, {
      actions: [`Use --to ${last} or lower, or --keep 1 or more.`],
    });
  }
  if (end <= first) return undefined;
  const tx = new TransactionBuilder();
  for (let v = first; v < end; v++) tx.erase(PAXOS_PREFIX, v.toString());
  tx.putVersion(PAXOS_PREFIX, 'first_committed', end);
  if (req.compactOnTrim ?? TRIM_DEFAULTS.mon_compact_on_trim) tx.compactRange(PAXOS_PREFIX, BigInt.asUintN(64, first - 1n).toString(), end.toString());
  return { from: first, to: end, erased: end - first, transaction: tx.tx };
}
