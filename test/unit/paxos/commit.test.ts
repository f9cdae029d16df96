import { describe, expect, it } from 'vitest';
import { planPaxosCommit } from '../../../src/lib/mon/paxos/commit.js';
import { TransactionBuilder, transactionFromBytes, transactionToBytes } from '../../../src/lib/store/transaction.js';
import { MonctlError } from '../../../src/lib/errors.js';

function serviceTx() {
  return new TransactionBuilder().put('osdmap', '32', new Uint8Array([1, 2, 3])).putVersion('osdmap', 'last_committed', 32n).tx;
}

describe('planPaxosCommit', () => {
  it('writes paxos/<v+1> = the encoded service transaction, the bookkeeping, then the service ops', () => {
    const service = serviceTx();
    const plan = planPaxosCommit({ first_committed: 1n, last_committed: 104n, accepted_pn: 300n }, service);
    expect(plan.version).toBe(105n);
    const ops = plan.transaction.ops.map((o) => `${o.prefix}/${o.key}`);
    expect(ops).toEqual(['paxos/105', 'paxos/pending_v', 'paxos/pending_pn', 'paxos/last_committed', 'osdmap/32', 'osdmap/last_committed']);
    const stored = transactionFromBytes(plan.transaction.ops[0]!.value);
    expect(transactionToBytes(stored)).toEqual(transactionToBytes(service));
    expect(plan.transaction.keys).toBe(6n);
  });

  it('sets first_committed on an empty history', () => {
    const plan = planPaxosCommit({}, serviceTx());
    expect(plan.version).toBe(1n);
    expect(plan.transaction.ops.map((o) => o.key)).toContain('first_committed');
  });

  it('refuses a store with an uncommitted proposal', () => {
    expect(() => planPaxosCommit({ last_committed: 10n, pending_v: 11n }, serviceTx())).toThrow(MonctlError);
  });

  it('with discardPending, overwrites the uncommitted value and drops any above it', () => {
    const plan = planPaxosCommit({ first_committed: 1n, last_committed: 10n, pending_v: 12n }, serviceTx(), { discardPending: true });
    expect(plan.version).toBe(11n);
    const ops = plan.transaction.ops.map((o) => `${o.type}:${o.prefix}/${o.key}`);
    expect(ops.slice(0, 3)).toEqual(['2:paxos/12', '1:paxos/11', '1:paxos/pending_v']);
    expect(plan.transaction.ops[2]!.value).toEqual(new Uint8Array([11, 0, 0, 0, 0, 0, 0, 0]));
  });
});
