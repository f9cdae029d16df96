import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonctlError } from '../../../src/lib/errors.js';
import { readAllServiceVersions, readPaxosState, readPaxosVersion } from '../../../src/lib/mon/paxos/index.js';
import { MonStore, TransactionBuilder, copyStore, locateStore, writeTransaction } from '../../../src/lib/store/index.js';
import { hashTree, makeSyntheticMonStore, tempDir } from '../../helpers/stores.js';
import { checkStore } from '../../../src/lib/mon/index.js';

async function keysOf(path: string, prefix?: string): Promise<string[]> {
  return MonStore.with(path, {}, async (s) => {
    const out: string[] = [];
    for await (const e of s.entries({ prefix, values: false })) out.push(`${e.prefix}/${e.key}`);
    return out;
  });
}

describe.each(['leveldb', 'rocksdb'] as const)('MonStore on %s (one contract, every backend)', (backend) => {
  const tmp = tempDir(backend);
  let mon = '';
  beforeAll(async () => {
    mon = await makeSyntheticMonStore(tmp.dir, backend);
  });
  afterAll(() => tmp.cleanup());

  it('detects the backend from kv_backend and from the files alone', () => {
    expect(locateStore(mon)).toMatchObject({ backend, detectedBy: 'kv_backend' });
    expect(locateStore(join(mon, 'store.db')).backend).toBe(backend);
  });

  it('lists keys in store order (unpadded version keys sort as text)', async () => {
    const keys = await keysOf(mon, 'osdmap');
    expect(keys.slice(0, 4)).toEqual(['osdmap/1', 'osdmap/10', 'osdmap/2', 'osdmap/3']);
    expect(keys).toContain('osdmap/full_10');
    expect(keys.every((k) => k.startsWith('osdmap/'))).toBe(true);
  });

  it('reads versions, paxos state and decodes paxos transactions', async () => {
    await MonStore.with(mon, {}, async (s) => {
      expect(await s.getVersion('osdmap', 'last_committed')).toBe(10n);
      expect(await s.getVersion('osdmap', 'nope')).toBeUndefined();
      expect(await readPaxosState(s)).toMatchObject({ first_committed: 3n, last_committed: 12n, pending_pn: 400n });
      const tx = await readPaxosVersion(s, 5n);
      expect(tx?.ops.map((o) => o.key)).toEqual(['3', 'full_3', 'last_committed', 'full_latest']);
      const versions = await readAllServiceVersions(s);
      expect(versions.find((v) => v.service === 'osdmap')).toEqual({ service: 'osdmap', first_committed: 1n, last_committed: 10n, full_latest: 10n });
      expect(versions[0]).toMatchObject({ service: 'paxos', first_committed: 3n, last_committed: 12n });
    });
  });

  it('reading never changes a byte of the store', async () => {
    const before = hashTree(mon);
    await keysOf(mon);
    await MonStore.with(mon, {}, async (s) => {
      await checkStore(s);
      await s.get('monitor', 'magic');
    });
    expect(hashTree(mon)).toEqual(before);
  });

  it('a key that does not decode is reported with its key and offset', async () => {
    await MonStore.with(mon, {}, async (s) => {
      const err = await s.getVersion('monitor', 'magic').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).describe()).toMatch(/DECODE_INVALID \(key monitor\/magic, offset 8\)/);
    });
  });

  it('check finds no problem in a consistent store', async () => {
    const report = await MonStore.with(mon, {}, (s) => checkStore(s));
    expect(report.problems).toEqual([]);
    expect(report.checked.paxos_versions).toBe(10);
  });

  it('dry run changes nothing; a write is one batch with a backup; check then sees the damage', async () => {
    const before = hashTree(mon);
    const plan = async () => new TransactionBuilder().erase('osdmap', '5').erase('paxos', '7').putVersion('x', 'v', 9n).tx;
    const dry = await writeTransaction({ store: mon, dryRun: true, plan });
    expect(dry).toMatchObject({ dry_run: true, applied: false });
    expect(hashTree(mon)).toEqual(before);

    const copy = join(tmp.dir, 'copy');
    const copied = await copyStore(mon, copy);
    expect(copied.keys).toBeGreaterThan(30);

    const r = await writeTransaction({ store: copy, plan, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    expect(r).toMatchObject({ applied: true, result: { puts: 1, erases: 2, compactions: 0 } });
    expect(r.backup).toMatch(/store\.db\.backup-20260102T030405Z$/);
    expect(await keysOf(r.backup!, 'osdmap')).toContain('osdmap/5');
    expect(await keysOf(copy, 'osdmap')).not.toContain('osdmap/5');

    const report = await MonStore.with(copy, {}, (s) => checkStore(s));
    expect(report.problems.map((p) => [p.code, p.key])).toEqual([
      ['MISSING_VERSION', 'paxos/7'],
      ['MISSING_VERSION', 'osdmap/5'],
    ]);
  });

  it('applies ERASE_RANGE and COMPACT ops', async () => {
    const copy = join(tmp.dir, 'copy-range');
    await copyStore(mon, copy);
    await writeTransaction({
      store: copy,
      backup: false,
      plan: async () => new TransactionBuilder().eraseRange('osdmap', 'full_2', 'full_5').compactPrefix('osdmap').tx,
    });
    const keys = await keysOf(copy, 'osdmap');
    expect(keys.filter((k) => /full_\d/.test(k)).sort()).toEqual(['osdmap/full_1', 'osdmap/full_10', 'osdmap/full_5', 'osdmap/full_6', 'osdmap/full_7', 'osdmap/full_8', 'osdmap/full_9']);
  });

  it("background compaction: apply returns once the batch is written, close waits for it, a failure fails the next apply", async () => {
    const copy = join(tmp.dir, 'copy-bg');
    await copyStore(mon, copy);
    const store = await MonStore.open(copy, { write: true });
    const db = (store as unknown as { db: { compactRange(a: Uint8Array, b: Uint8Array): Promise<void> } }).db;
    const realCompact = db.compactRange.bind(db);
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    db.compactRange = async (a, b) => {
      calls.push('start');
      await gate;
      await realCompact(a, b);
      calls.push('done');
    };
    const tx = new TransactionBuilder().put('bg', 'k', Buffer.from('v')).compactPrefix('osdmap').compactPrefix('paxos').tx;
    expect(await store.apply(tx, { backgroundCompaction: true })).toEqual({ puts: 1, erases: 0, compactions: 2 });
    expect(Buffer.from((await store.get('bg', 'k'))!).toString()).toBe('v');
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(closed).toBe(false);
    expect(calls).toEqual(['start']); // one at a time
    release();
    await closing;
    expect(calls).toEqual(['start', 'done', 'start', 'done']);

    const again = await MonStore.open(copy, { write: true });
    try {
      const db2 = (again as unknown as { db: { compactRange(): Promise<void> } }).db;
      db2.compactRange = () => Promise.reject(new Error('disk full'));
      await again.apply(new TransactionBuilder().compactPrefix('osdmap').tx, { backgroundCompaction: true });
      await new Promise((r) => setTimeout(r, 10));
      await expect(again.apply(new TransactionBuilder().put('bg', 'k2', Buffer.from('v')).tx)).rejects.toThrow('disk full');
      expect(await again.get('bg', 'k2')).toBeUndefined();
    } finally {
      await again.close();
    }
  });

  it('refuses to write a store that another open holds (a live monitor)', async () => {
    const holder = await MonStore.open(mon, { write: true });
    try {
      const err = await writeTransaction({ store: mon, backup: false, plan: async () => new TransactionBuilder().erase('a', 'b').tx }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MonctlError);
      expect((err as MonctlError).code).toBe('STORE_LOCKED');
    } finally {
      await holder.close();
    }
  });
});

describe('store location errors', () => {
  const tmp = tempDir('locate');
  afterAll(() => tmp.cleanup());

  it('no path, missing path, empty dir, unknown backend, mismatch', async () => {
    const codeOf = (p: string | undefined) => {
      try {
        locateStore(p);
      } catch (e) {
        return (e as MonctlError).code;
      }
      return 'OK';
    };
    expect(codeOf(undefined)).toBe('STORE_NOT_SPECIFIED');
    expect(codeOf(join(tmp.dir, 'nope'))).toBe('STORE_NOT_FOUND');
    mkdirSync(join(tmp.dir, 'empty'));
    expect(codeOf(join(tmp.dir, 'empty'))).toBe('STORE_NOT_FOUND');
    const weird = join(tmp.dir, 'weird');
    mkdirSync(join(weird, 'store.db'), { recursive: true });
    writeFileSync(join(weird, 'kv_backend'), 'bluestore\n');
    expect(codeOf(weird)).toBe('UNKNOWN_BACKEND');
    const mis = await makeSyntheticMonStore(tmp.dir, 'rocksdb', 'mis');
    writeFileSync(join(mis, 'kv_backend'), 'leveldb\n');
    expect(codeOf(mis)).toBe('BACKEND_MISMATCH');
  });
});
