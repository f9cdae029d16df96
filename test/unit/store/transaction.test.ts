import { describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import {
  TransactionBuilder,
  dumpTransaction,
  transactionFromBytes,
  transactionToBytes,
} from '../../../src/lib/store/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function sample() {
  return new TransactionBuilder()
    .put('prefix', 'key', bytes('value'))
    .erase('prefix2', 'key2')
    .eraseRange('osd_snap', 'removed_snap_', 'removed_snap`')
    .compactPrefix('prefix3')
    .compactRange('prefix4', 'from', 'to').tx;
}

describe('MonitorDBStore::Transaction', () => {
  it('counts bytes and keys the way Ceph does (26 + each op\'s encoded size; COMPACT free)', () => {
    const tx = sample();
    expect(tx.keys).toBe(3n);
    const encoded = transactionToBytes(new TransactionBuilder().put('prefix', 'key', bytes('value')).tx);
    // one PUT: its bookkeeping bytes equal the encoded transaction length
    expect(new TransactionBuilder().put('prefix', 'key', bytes('value')).tx.bytes).toBe(BigInt(encoded.length));
    expect(tx.bytes).toBe(26n + (23n + 6n + 3n + 5n) + (23n + 7n + 4n) + (23n + 8n + 13n + 13n));
  });

  it('sums counters on append, counting the empty size twice (as paxos values show)', () => {
    const a = new TransactionBuilder().put('a', '1', bytes('x'));
    const b = new TransactionBuilder().put('b', '2', bytes('y'));
    a.append(b.tx);
    expect(a.tx.bytes).toBe(2n * 26n + 2n * (23n + 1n + 1n + 1n));
    expect(a.tx.ops).toHaveLength(2);
  });

  it('round-trips and dumps with dump-paxos field names', () => {
    const tx = sample();
    const back = transactionFromBytes(transactionToBytes(tx));
    expect(transactionToBytes(back)).toEqual(transactionToBytes(tx));
    expect(dumpTransaction(back)).toEqual({
      ops: [
        { op_num: 0, type: 'PUT', prefix: 'prefix', key: 'key', length: 5 },
        { op_num: 1, type: 'ERASE', prefix: 'prefix2', key: 'key2' },
        { op_num: 2, type: 'ERASE_RANGE', prefix: 'osd_snap', start: 'removed_snap_', end: 'removed_snap`' },
        { op_num: 3, type: 'COMPACT', prefix: 'prefix3', start: '', end: '' },
        { op_num: 4, type: 'COMPACT', prefix: 'prefix4', start: 'from', end: 'to' },
      ],
      num_keys: 3,
      num_bytes: Number(tx.bytes),
    });
  });

  it('every truncation is a MonctlError naming the key and an offset, never a crash', () => {
    const full = transactionToBytes(sample());
    for (let n = 0; n < full.length; n++) {
      let err: unknown;
      try {
        transactionFromBytes(full.subarray(0, n), 'paxos/7');
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${n}`).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).key).toBe('paxos/7');
      expect((err as MonctlError).offset).toBeTypeOf('number');
    }
  });

  it('rejects trailing garbage and random bytes with a MonctlError', () => {
    const full = transactionToBytes(sample());
    expect(() => transactionFromBytes(new Uint8Array([...full, 0]))).toThrow(MonctlError);
    let x = 7;
    for (let i = 0; i < 200; i++) {
      const junk = new Uint8Array(1 + (i % 64)).map(() => ((x = (Math.imul(x, 48271) + 1) >>> 0), x >>> 24));
      try {
        transactionFromBytes(junk);
      } catch (e) {
        expect(e).toBeInstanceOf(MonctlError);
      }
    }
  });
});
