import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import type { QuorumMessage } from '../../../src/lib/quorum/api.js';
import { decodeMessage, encodeMessage } from '../../../src/lib/quorum/message-codec.js';
import { checkMutation, parseMutation } from '../../../src/lib/quorum/mutation-check.js';
import { mulberry32 } from '../../../src/lib/random.js';
import { randomMutation } from '../../../src/lib/quorum/sim/workload.js';

const MESSAGES: QuorumMessage[] = [
  { type: 'election', op: 'propose', epoch: 7, quorum: [] },
  { type: 'election', op: 'victory', epoch: 8, quorum: [0, 2, 4] },
  {
    type: 'paxos',
    op: 'last',
    epoch: 8,
    pn: 301n,
    firstCommitted: 1n,
    lastCommitted: 2n ** 40n,
    values: [{ version: 3n, value: new Uint8Array([1, 2, 3]) }],
    uncommittedPn: 200n,
    leaseTicks: 0,
  },
  { type: 'sync', op: 'snapshot', epoch: 9, entries: [['paxos\0last_committed', new Uint8Array(8)]] },
  { type: 'forward', request: { clientId: 'cli', reqId: 4, mutation: { op: 'osd-crush-add', id: 3, weight: 1.5, host: 'h', rack: 'r' } } },
  { type: 'route', reply: { clientId: 'cli', reqId: 4, ok: true, epoch: 12, result: 3, leader: 1 } },
  { type: 'route', reply: { clientId: 'cli', reqId: 5, ok: false, error: 'EAGAIN: no quorum' } },
];

describe('quorum message codec', () => {
  it.each(MESSAGES.map((m) => [`${m.type}${'op' in m ? ` ${m.op}` : ''}`, m] as const))('round-trips %s', (_, m) => {
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it('round-trips every mutation the simulator sends', () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 200; i++) {
      const mutation = randomMutation(rng);
      const m: QuorumMessage = { type: 'forward', request: { clientId: 'x', reqId: i, mutation } };
      expect(decodeMessage(encodeMessage(m))).toEqual(m);
    }
  });

  it('throws MonctlError on truncation, unknown tags and bad mutations, never returns garbage', () => {
    const bytes = encodeMessage(MESSAGES[2]!);
    for (let n = 0; n < bytes.length; n += 3) expect(() => decodeMessage(bytes.subarray(0, n))).toThrow(MonctlError);
    const badTag = encodeMessage(MESSAGES[0]!).slice();
    badTag[6] = 99;
    expect(() => decodeMessage(badTag)).toThrow(/unknown message type 99/);
    const bad = encodeMessage({ type: 'forward', request: { clientId: 'x', reqId: 1, mutation: { op: 'osd-out', id: 'seven' } as never } });
    expect(() => decodeMessage(bad)).toThrow(/bad mutation: osd-out: bad id/);
    expect(() => decodeMessage(new Uint8Array([...encodeMessage(MESSAGES[0]!), 0]))).toThrow(MonctlError);
  });
});

describe('mutations', () => {
  it('parses ceph osd command words', () => {
    expect(parseMutation(['osd', 'out', '3'])).toEqual({ op: 'osd-out', id: 3 });
    expect(parseMutation(['osd', 'reweight', 'osd.2', '0.5'])).toEqual({ op: 'osd-reweight', id: 2, weight: 0.5 });
    expect(parseMutation(['osd', 'crush', 'add', '4', '1.0', 'host=h1', 'rack=r2'])).toEqual({ op: 'osd-crush-add', id: 4, weight: 1, host: 'h1', rack: 'r2' });
    expect(parseMutation(['osd', 'pool', 'create', 'ec', '8', 'erasure'])).toEqual({ op: 'osd-pool-create', name: 'ec', pgNum: 8, erasure: true });
    expect(parseMutation(['osd', 'pool', 'create', 'rbd', '32', '2'])).toEqual({ op: 'osd-pool-create', name: 'rbd', pgNum: 32, size: 2 });
    expect(parseMutation(['osd', 'pool', 'set', 'rbd', 'size', '3'])).toEqual({ op: 'osd-pool-set', name: 'rbd', key: 'size', value: '3' });
    expect(parseMutation(['osd', 'pg-upmap-items', '1.a', '0', '1', '2', '3'])).toEqual({ op: 'osd-pg-upmap-items', pgid: '1.a', pairs: [[0, 1], [2, 3]] });
    expect(parseMutation(['osd', 'unset', 'noout'])).toEqual({ op: 'osd-unset', flag: 'noout' });
  });

  it('refuses malformed commands with BAD_ARGUMENT', () => {
    for (const words of [['osd', 'out'], ['osd', 'crush', 'add', '1', '1'], ['osd', 'pg-upmap-items', '1.0', '3'], ['osd', 'frobnicate']]) {
      expect(() => parseMutation(words)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    }
  });

  it('checks the shape of a mutation from the wire', () => {
    expect(checkMutation({ op: 'osd-create' })).toBeUndefined();
    expect(checkMutation({ op: 'osd-create', extra: 1 })).toMatch(/unexpected field extra/);
    expect(checkMutation({ op: 'osd-pool-set', name: 'p', key: 'size' })).toMatch(/bad value/);
    expect(checkMutation(null)).toBe('not an object');
  });
});
