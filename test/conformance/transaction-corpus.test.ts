import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/lib/encoding/index.js';
import { decodeOp, decodeTransaction, dumpTransaction, encodeOp, encodeTransaction } from '../../src/lib/store/index.js';
import { corpusAvailable, corpusDir, corpusObjects } from '../helpers/corpus.js';

/** Ceph's own check on its corpus: decode, re-encode, same bytes; re-decoded dump equal. */
describe.skipIf(!corpusAvailable)(`MonitorDBStore corpus (${corpusDir})`, () => {
  const txs = corpusObjects('MonitorDBStore::Transaction');
  const ops = corpusObjects('MonitorDBStore::Op');

  it('has objects for every archived Ceph version', () => {
    expect(new Set(txs.map((o) => o.version)).size).toBeGreaterThanOrEqual(5);
    expect(ops.length).toBeGreaterThanOrEqual(40);
  });

  it.each(txs.map((o) => [`${o.version}/${o.hash}`, o] as const))('Transaction %s round-trips byte for byte', (_n, o) => {
    const r = new Reader(o.bytes);
    const tx = decodeTransaction(r);
    r.end('Transaction');
    const w = new Writer();
    encodeTransaction(w, tx);
    expect(Buffer.from(w.bytes()).equals(Buffer.from(o.bytes))).toBe(true);
    const again = decodeTransaction(new Reader(w.bytes()));
    expect(dumpTransaction(again)).toEqual(dumpTransaction(tx));
  });

  it.each(ops.map((o) => [`${o.version}/${o.hash}`, o] as const))('Op %s round-trips byte for byte', (_n, o) => {
    const r = new Reader(o.bytes);
    const op = decodeOp(r);
    r.end('Op');
    const w = new Writer();
    encodeOp(w, op);
    expect(Buffer.from(w.bytes()).equals(Buffer.from(o.bytes))).toBe(true);
  });
});
