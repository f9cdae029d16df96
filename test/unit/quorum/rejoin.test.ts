/**
 * A monitor rejoining must cost one election to drop it and one to take it back, never a
 * storm: the pure elector's rules (only the leader answers an outsider's old propose or ack;
 * a member waits for its lower-ranked leader rather than acking an outsider) and the seeded
 * rejoin simulation with 8 clients writing (src/lib/quorum/sim/rejoin.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ElectionMessage, Rank } from '../../../src/lib/quorum/api.js';
import { Elector } from '../../../src/lib/quorum/elector.js';
import { runRejoin, type RejoinKind } from '../../../src/lib/quorum/sim/rejoin.js';
import { mulberry32 } from '../../../src/lib/random.js';

const SEEDS = 8;
/** 2 s at the host's 10 ms ticks. */
const GAP_LIMIT_TICKS = 200;

function elector(rank: Rank, size = 3, epoch = 0): { e: Elector; sent: Array<{ to: Rank; msg: ElectionMessage }>; events: string[] } {
  const sent: Array<{ to: Rank; msg: ElectionMessage }> = [];
  const events: string[] = [];
  const e = new Elector(rank, size, epoch, 50, mulberry32(rank + 1), {
    persistEpoch: () => {},
    send: (to, msg) => sent.push({ to, msg }),
    won: (ep, q) => events.push(`won ${ep} [${q.join(',')}]`),
    lost: (ep, l, q) => events.push(`lost ${ep} leader ${l} [${q.join(',')}]`),
    left: () => events.push('left'),
  });
  e.init(0);
  return { e, sent, events };
}

const propose = (epoch: number): ElectionMessage => ({ type: 'election', op: 'propose', epoch, quorum: [] });
const ack = (epoch: number): ElectionMessage => ({ type: 'election', op: 'ack', epoch, quorum: [] });
const victory = (epoch: number, quorum: Rank[]): ElectionMessage => ({ type: 'election', op: 'victory', epoch, quorum });

/** Rank `rank` in a standing quorum {0,1} of epoch 4 (rank 2 outside), led by rank 0. */
function inQuorum(rank: 0 | 1): ReturnType<typeof elector> {
  const x = elector(rank, 3, 2);
  if (rank === 0) {
    x.e.step(1, propose(1)); // rank 1 proposes, rank 0 outranks it and proposes itself
    x.e.start();
    x.e.step(1, ack(x.e.epoch));
    for (let t = 1; t < 200 && !x.e.inQuorum; t++) x.e.tick(t);
  } else {
    x.e.step(0, propose(3));
    x.e.step(0, victory(4, [0, 1]));
  }
  expect(x.e.inQuorum).toBe(true);
  expect(x.e.quorum).toEqual([0, 1]);
  x.sent.length = 0;
  x.events.length = 0;
  return x;
}

describe('a rejoining monitor against the pure elector', () => {
  it('the leader answers an old propose from outside its quorum with one new election', () => {
    const { e, sent } = inQuorum(0);
    const epoch = e.epoch;
    e.step(2, propose(1));
    expect(e.epoch).toBe(epoch + 1);
    expect(sent.map((s) => `${s.to}:${s.msg.op}(${s.msg.epoch})`).sort()).toEqual([`1:propose(${epoch + 1})`, `2:propose(${epoch + 1})`]);
  });

  it('a peon ignores that old propose: the leader calls the election, the peon keeps its quorum', () => {
    const { e, sent } = inQuorum(1);
    e.step(2, propose(1));
    expect(e.inQuorum).toBe(true);
    expect(sent).toEqual([]);
  });

  it('a member waits for its lower-ranked leader instead of acking an outsider of a newer epoch', () => {
    const { e, sent } = inQuorum(1);
    e.step(2, propose(5));
    expect(e.epoch).toBe(5);
    expect(sent).toEqual([]); // no ack to rank 2, no rival proposal
    e.step(0, propose(5));
    expect(sent.map((s) => `${s.to}:${s.msg.op}(${s.msg.epoch})`)).toEqual(['0:ack(5)']);
  });

  it('the leader takes in an outsider that acks an old election (a stopped monitor that woke up)', () => {
    const { e, sent } = inQuorum(0);
    e.step(2, ack(3));
    expect(e.electing).toBe(true);
    expect(sent.filter((s) => s.msg.op === 'propose').length).toBe(2);
  });

  it('a newcomer of a lower rank than the leader is acked in the next epoch, so that it proposes there and wins in one election', () => {
    // Rank 1 leads {1,2}; rank 0 restarts and proposes in an old epoch.
    const x = elector(1, 3, 2);
    x.e.step(2, propose(1)); // rank 2 proposes; rank 1 outranks it
    x.e.start();
    x.e.step(2, ack(x.e.epoch));
    for (let t = 1; t < 200 && !x.e.inQuorum; t++) x.e.tick(t);
    expect(x.e.quorum).toEqual([1, 2]);
    const epoch = x.e.epoch;
    x.sent.length = 0;
    x.e.step(0, propose(1));
    expect(x.sent.map((s) => `${s.to}:${s.msg.op}(${s.msg.epoch})`)).toEqual([`0:ack(${epoch + 1})`]);
    // Rank 0, acked in a newer epoch, proposes in it; rank 1 keeps its ack there.
    const newcomer = elector(0, 3, 0);
    newcomer.sent.length = 0;
    newcomer.e.step(1, ack(epoch + 1));
    expect(newcomer.sent.map((s) => `${s.to}:${s.msg.op}(${s.msg.epoch})`).sort()).toEqual([`1:propose(${epoch + 1})`, `2:propose(${epoch + 1})`]);
    x.sent.length = 0;
    x.e.step(0, propose(epoch + 1));
    expect(x.sent.map((s) => `${s.to}:${s.msg.op}(${s.msg.epoch})`)).toEqual([`0:ack(${epoch + 1})`]);
  });

  it('an old ack from a member of the quorum changes nothing', () => {
    const { e, sent } = inQuorum(0);
    e.step(1, ack(3));
    expect(e.inQuorum).toBe(true);
    expect(sent).toEqual([]);
  });
});

describe('rejoin under load, simulated (8 clients, host timeouts)', () => {
  for (const [kind, who] of [['restart', 'peon'], ['pause', 'peon'], ['restart', 'leader'], ['pause', 'leader']] as Array<[RejoinKind, 'peon' | 'leader']>) {
    it(`${kind} of the ${who}: at most 2 elections and no commit gap over ${GAP_LIMIT_TICKS} ticks, ${SEEDS} seeds`, () => {
      const bad: string[] = [];
      const elections = new Map<number, number>();
      let worstGap = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const r = runRejoin(seed, kind, who);
        elections.set(r.elections, (elections.get(r.elections) ?? 0) + 1);
        worstGap = Math.max(worstGap, r.longestGapTicks);
        if (r.elections > 2 || r.longestGapTicks > GAP_LIMIT_TICKS) bad.push(`seed ${seed}: ${JSON.stringify(r)}`);
      }
      console.log(`rejoin ${kind} of the ${who}: elections ${[...elections].sort().map(([n, c]) => `${n}×${c}`).join(' ')}, worst commit gap ${worstGap} ticks`);
      expect(bad).toEqual([]);
    }, 60_000);
  }

  it('replays a seed exactly', () => {
    expect(runRejoin(7, 'pause')).toEqual(runRejoin(7, 'pause'));
  });
});
