/**
 * A client retries a request whose outcome it does not know with the SAME (clientId, reqId):
 * the quorum answers it with the first result instead of applying it again, whether the
 * retry reaches the same leader, a new leader after the old one died between commit and ack,
 * or the leader while the first attempt is still in flight.
 */
import { describe, expect, it } from 'vitest';
import type { ClientRequest } from '../../../src/lib/quorum/api.js';
import { kvKey } from '../../../src/lib/quorum/kv.js';
import type { Cluster } from '../../../src/lib/quorum/sim/cluster.js';
import { decodeOSDMap, OSD_STATE } from '../../../src/lib/osdmap/index.js';
import { calmCluster, leaderOf as leaderNow } from './fixture.js';

function run(c: Cluster, ticks: number): void {
  for (let t = 0; t < ticks; t++) c.step();
}

function leaderOf(c: Cluster): number {
  const r = leaderNow(c);
  expect(r).toBeDefined();
  return r!;
}

/** OSDs that exist in the newest map on `rank`'s disk. */
function osdCount(c: Cluster, rank: number): number {
  const e = c.nodes[rank]!.status().osdmap_epoch;
  const m = decodeOSDMap(c.disks[rank]!.get(kvKey('osdmap', `full_${e}`))!);
  return m.osdState.filter((s) => (s & OSD_STATE.EXISTS) !== 0).length;
}

const create = (reqId: number): ClientRequest => ({ clientId: 'client-1', reqId, mutation: { op: 'osd-create' } });

/** A calm cluster whose leader has committed and acknowledged request 1 (osd create → osd.0). */
function createdOnce() {
  const c = calmCluster(3);
  const l = leaderOf(c);
  c.nodes[l]!.submit(create(1));
  run(c, 5);
  const first = c.replies.find((r) => r.reqId === 1)!;
  expect(first).toMatchObject({ ok: true, result: 0 });
  return { c, l, first };
}

describe('client request ids', () => {
  it('answers a retry of a committed request with its first result', () => {
    const { c, l, first } = createdOnce();
    const epoch = c.nodes[l]!.status().osdmap_epoch;

    c.replies.length = 0;
    c.nodes[(l + 1) % 3]!.submit(create(1)); // through a peon this time
    run(c, 5);
    expect(c.replies).toEqual([{ clientId: 'client-1', reqId: 1, ok: true, epoch: first.epoch, result: 0 }]);
    expect(c.nodes[l]!.status().osdmap_epoch).toBe(epoch);

    c.nodes[l]!.submit(create(2));
    run(c, 5);
    expect(c.replies.find((r) => r.reqId === 2)).toMatchObject({ ok: true, result: 1 });
    expect(osdCount(c, l)).toBe(2);
  });

  it('a new leader knows what the dead one committed but never acknowledged', () => {
    const { c, l, first } = createdOnce();
    c.crash(l); // as if the ack never left
    run(c, 80);
    const l2 = leaderOf(c);
    expect(l2).not.toBe(l);

    c.replies.length = 0;
    c.nodes[l2]!.submit(create(1));
    run(c, 5);
    expect(c.replies).toEqual([{ clientId: 'client-1', reqId: 1, ok: true, epoch: first.epoch, result: 0 }]);
    expect(osdCount(c, l2)).toBe(1);
  });

  it('a retry that reaches a new leader while it is still recovering the dead one\'s proposal is applied once', () => {
    const c = calmCluster(3);
    const l = leaderOf(c);
    c.nodes[l]!.submit(create(1));
    run(c, 1); // the begin is on both peons' disks; no commit yet
    const peon = (l + 1) % 3;
    expect(c.nodes[peon]!.status().osdmap_epoch).toBe(c.nodes[l]!.status().osdmap_epoch);
    c.crash(l);
    // The moment a new leader wins, it still has to collect and re-propose the accepted
    // value, which holds request 1; the retry arrives in that window.
    let l2 = -1;
    for (let t = 0; t < 200 && l2 < 0; t++) {
      c.step();
      l2 = leaderNow(c) ?? -1;
    }
    expect(l2).toBeGreaterThanOrEqual(0);
    c.replies.length = 0;
    c.nodes[l2]!.submit(create(1));
    run(c, 20);
    expect(c.replies.filter((r) => r.reqId === 1)).toEqual([expect.objectContaining({ ok: true, result: 0 })]);
    expect(osdCount(c, l2)).toBe(1);
  });

  it('a retry that arrives while the first attempt is in flight is answered once, applied once', () => {
    const c = calmCluster(3);
    const l = leaderOf(c);
    c.nodes[l]!.submit(create(7));
    c.nodes[l]!.submit(create(7));
    run(c, 5);
    expect(c.replies.filter((r) => r.reqId === 7)).toEqual([expect.objectContaining({ ok: true, result: 0 })]);
    expect(osdCount(c, l)).toBe(1);
  });
});
