/**
 * A command the map cannot take is refused — by the wire check when its shape is wrong, by
 * the leader when the map refuses it — and the quorum goes on: no monitor stops, nothing
 * half-made stays pending.
 */
import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { checkMutation, parseMutation } from '../../../src/lib/quorum/mutation-check.js';
import { calmCluster, leaderOf } from './fixture.js';

describe('refused commands', () => {
  it('the wire check refuses empty or invalid CRUSH names and empty pool names', () => {
    expect(checkMutation({ op: 'osd-crush-add', id: 0, weight: 1, host: '' })).toMatch(/bad host/);
    expect(checkMutation({ op: 'osd-crush-add', id: 0, weight: 1, host: 'h1', rack: '' })).toMatch(/bad rack/);
    expect(checkMutation({ op: 'osd-crush-add', id: 0, weight: 1, host: 'a b' })).toMatch(/bad host/);
    expect(checkMutation({ op: 'osd-crush-add', id: 0, weight: 1, host: 'node-1.a_b', rack: 'r1' })).toBeUndefined();
    expect(checkMutation({ op: 'osd-pool-create', name: '', pgNum: 8 })).toMatch(/bad name/);
    expect(checkMutation({ op: 'osd-pool-set', name: '', key: 'size', value: '2' })).toMatch(/bad name/);
    // The CLI refuses them before sending (the monitor would close the connection instead).
    const err = (() => {
      try {
        return parseMutation(['osd', 'crush', 'add', '0', '1', 'host=h1', 'rack=']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MonctlError);
    expect((err as MonctlError).message).toMatch(/cannot parse "osd crush add 0 1 host=h1 rack=": osd-crush-add: bad rack/);
    expect(parseMutation(['osd', 'crush', 'add', 'osd.0', '1', 'host=h1', 'rack=r1'])).toEqual({ op: 'osd-crush-add', id: 0, weight: 1, host: 'h1', rack: 'r1' });
  });

  it('a command that gets past the wire check but breaks the map is refused; the leader keeps serving', () => {
    const c = calmCluster(5);
    const l = leaderOf(c)!;
    const submit = (reqId: number, mutation: Parameters<typeof checkMutation>[0]): void =>
      c.nodes[l]!.submit({ clientId: 'c', reqId, mutation: mutation as never });
    submit(1, { op: 'osd-create' });
    for (let t = 0; t < 5; t++) c.step();
    const epoch = c.nodes[l]!.status().osdmap_epoch;
    // The core is handed what the wire check would refuse: an empty host name.
    submit(2, { op: 'osd-crush-add', id: 0, weight: 1, host: '' });
    for (let t = 0; t < 5; t++) c.step();
    expect(c.replies.find((r) => r.reqId === 2)).toMatchObject({ ok: false, error: expect.stringMatching(/^EINVAL: /) });
    expect(c.nodes[l]!.status().osdmap_epoch).toBe(epoch);
    submit(3, { op: 'osd-crush-add', id: 0, weight: 1, host: 'h1' });
    for (let t = 0; t < 5; t++) c.step();
    expect(c.replies.find((r) => r.reqId === 3)).toMatchObject({ ok: true });
    expect(c.nodes[l]!.status().osdmap_epoch).toBe(epoch + 1);
    expect(c.nodes[l]!.leader).toBe(l);
  });
});
