/**
 * Commands that reach the leader while a proposal is in flight are prepared on top of it at
 * once and go out, together, in the next proposal as soon as it commits: each sees the map
 * the previous proposal makes (two creates get two ids), and a refusal is answered at once.
 */
import { describe, expect, it } from 'vitest';
import { calmCluster, leaderOf } from './fixture.js';

describe('commands behind a proposal in flight', () => {
  it('build on the proposal in flight and commit in the next epoch', () => {
    const c = calmCluster(5, { maxDelayTicks: 1 });
    const l = leaderOf(c)!;
    const node = c.nodes[l]!;
    node.submit({ clientId: 'a', reqId: 1, mutation: { op: 'osd-create' } });
    expect(node.paxosState).toBe('leader:updating');
    node.submit({ clientId: 'b', reqId: 1, mutation: { op: 'osd-create' } });
    node.submit({ clientId: 'c', reqId: 1, mutation: { op: 'osd-reweight', id: 0, weight: 0.5 } });
    node.submit({ clientId: 'd', reqId: 1, mutation: { op: 'osd-reweight', id: 9, weight: 0.5 } });
    c.flush(l);
    expect(c.replies).toEqual([{ clientId: 'd', reqId: 1, ok: false, error: 'osd.9 does not exist', epoch: expect.any(Number) }]);
    for (let t = 0; t < 10; t++) c.step();
    const by = (id: string) => c.replies.find((r) => r.clientId === id)!;
    expect(by('a')).toMatchObject({ ok: true, result: 0 });
    expect(by('b')).toMatchObject({ ok: true, result: 1, epoch: by('a').epoch! + 1 });
    expect(by('c')).toMatchObject({ ok: true, epoch: by('b').epoch });
  });
});
