import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { BackendKind, KvBackend } from '../../src/lib/store/backend.js';
import { LevelDbBackend } from '../../src/lib/store/leveldb.js';
import { RocksDbBackend } from '../../src/lib/store/rocksdb.js';
import { rawKey, TransactionBuilder, transactionToBytes } from '../../src/lib/store/index.js';

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `monctl-test-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 of every file below `dir`, keyed by relative path: equal maps = untouched tree. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const u64 = (v: bigint) => new TransactionBuilder().putVersion('x', 'y', v).tx.ops[0]!.value;

/**
 * A small synthetic mon data dir in Ceph's layout: paxos versions 3..12 (each a real encoded
 * Transaction that writes one osdmap epoch), osdmap 1..10 with full_N and full_latest,
 * monitor/magic. Enough for unit tests without Ceph; real stores come from the fixtures.
 */
export async function makeSyntheticMonStore(parent: string, backend: BackendKind, name = 'mon-a'): Promise<string> {
  const mon = join(parent, name);
  mkdirSync(join(mon, 'store.db'), { recursive: true });
  writeFileSync(join(mon, 'kv_backend'), `${backend}\n`);
  const db: KvBackend = backend === 'leveldb' ? await LevelDbBackend.create(join(mon, 'store.db')) : await RocksDbBackend.create(join(mon, 'store.db'));
  const put = (p: string, k: string, v: Uint8Array) => ({ type: 'put' as const, key: rawKey(p, k), value: v });
  const ops = [put('monitor', 'magic', new TextEncoder().encode('ceph mon volume v012\n'))];
  for (let e = 1; e <= 10; e++) {
    const inc = new Uint8Array(40 + e).fill(e);
    const full = new Uint8Array(100 + e).fill(0x80 + e);
    const tx = new TransactionBuilder()
      .put('osdmap', String(e), inc)
      .put('osdmap', `full_${e}`, full)
      .putVersion('osdmap', 'last_committed', BigInt(e))
      .putVersion('osdmap', 'full_latest', BigInt(e));
    if (e === 1) tx.putVersion('osdmap', 'first_committed', 1n);
    ops.push(put('paxos', String(e + 2), transactionToBytes(tx.tx)));
    ops.push(put('osdmap', String(e), inc), put('osdmap', `full_${e}`, full));
  }
  ops.push(put('osdmap', 'first_committed', u64(1n)), put('osdmap', 'last_committed', u64(10n)), put('osdmap', 'full_latest', u64(10n)));
  ops.push(put('paxos', 'first_committed', u64(3n)), put('paxos', 'last_committed', u64(12n)));
  ops.push(put('paxos', 'pending_v', u64(0n)), put('paxos', 'pending_pn', u64(400n)), put('paxos', 'accepted_pn', u64(400n)));
  await db.batch(ops);
  await db.close();
  return mon;
}
