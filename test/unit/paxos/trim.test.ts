import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { planPaxosTrim } from '../../../src/lib/mon/paxos/index.js';
import { dumpTransaction } from '../../../src/lib/store/index.js';

describe('planPaxosTrim (Paxos::trim rules)', () => {
  it('by default keeps paxos_min (500) versions beyond the trim point, like the monitor', () => {
    const plan = planPaxosTrim({ firstCommitted: 1269n, lastCommitted: 2000n })!;
    expect(plan.to).toBe(1500n); // last - paxos_min
    expect(plan.erased).toBe(231n);
  });

  it('writes what Paxos::trim writes: erases, first_committed, compact [first-1, end)', () => {
    const plan = planPaxosTrim({ firstCommitted: 5n, lastCommitted: 20n, keep: 10n })!;
    const d = dumpTransaction(plan.transaction) as { ops: Array<Record<string, unknown>> };
    expect(plan.to).toBe(11n);
    expect(d.ops.slice(0, 6).map((o) => o.key)).toEqual(['5', '6', '7', '8', '9', '10']);
    expect(d.ops[6]).toMatchObject({ type: 'PUT', prefix: 'paxos', key: 'first_committed', length: 8 });
    expect(d.ops[7]).toEqual({ op_num: 7, type: 'COMPACT', prefix: 'paxos', start: '4', end: '11' });
  });

  it('--to sets the new first_committed; last_committed always stays', () => {
    expect(planPaxosTrim({ firstCommitted: 1n, lastCommitted: 9n, to: 9n })!.erased).toBe(8n);
    expect(() => planPaxosTrim({ firstCommitted: 1n, lastCommitted: 9n, to: 10n })).toThrow(MonctlError);
    expect(() => planPaxosTrim({ firstCommitted: 1n, lastCommitted: 9n, keep: 0n })).toThrow(MonctlError);
  });

  it('nothing to do when already trimmed or empty', () => {
    expect(planPaxosTrim({ firstCommitted: 15n, lastCommitted: 20n, keep: 10n })).toBeUndefined();
    expect(planPaxosTrim({ firstCommitted: 0n, lastCommitted: 0n })).toBeUndefined();
  });

  it('can skip the compaction (mon_compact_on_trim = false)', () => {
    const plan = planPaxosTrim({ firstCommitted: 1n, lastCommitted: 5n, keep: 2n, compactOnTrim: false })!;
    expect(plan.transaction.ops.every((o) => o.type !== 3)).toBe(true);
  });
});
