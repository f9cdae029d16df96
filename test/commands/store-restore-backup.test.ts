import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import StoreRestoreBackup from '../../src/commands/store/restore-backup.js';
import StoreSet from '../../src/commands/store/set.js';
import { MonStore } from '../../src/lib/store/index.js';
import { lockRocksDbStore } from '../../src/lib/store/rocksdb-lock.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../helpers/ceph.js';
import { runCli } from '../helpers/crash.js';
import { runCommand } from '../helpers/run-command.js';
import { kvDigest } from '../helpers/store-digest.js';
import { hashTree } from '../helpers/stores.js';

afterAll(() => removeTempDirs());

const has = (mon: string) => MonStore.with(mon, {}, async (s) => (await s.get('monctl_test', 'k')) !== undefined);

describe.each(['leveldb', 'reef'] as FixtureName[])('store restore-backup (%s)', (store) => {
  it('lists backups, dry-runs, restores atomically and can undo the restore', async () => {
    const mon = extractFixture(store);
    const original = await kvDigest(mon);
    expect((await runCommand(StoreSet, ['monctl_test', 'k', '--u64', '1', '-s', mon])).exitCode).toBe(0);
    expect(await has(mon)).toBe(true);
    const edited = await kvDigest(mon);

    const list = await runCommand<{ backups: Array<{ name: string }> }>(StoreRestoreBackup, ['-s', mon, '--json']);
    expect(list.exitCode).toBe(0);
    expect(list.result!.backups).toHaveLength(1);

    const before = hashTree(mon);
    const dry = await runCommand(StoreRestoreBackup, ['latest', '--dry-run', '-s', mon]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: would restore .*store\.db\.backup-\d{8}T\d{6}Z as the store\.db/);
    expect(hashTree(mon)).toEqual(before);

    // Within the second of the edit's backup: the replaced store.db gets that stamp plus -2.
    const r = await runCommand<{ previous: string }>(StoreRestoreBackup, ['latest', '-s', mon, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await kvDigest(mon)).toBe(original);
    expect(readdirSync(mon).filter((n) => n.startsWith('store.db.backup-'))).toHaveLength(2);
    expect(readdirSync(mon).filter((n) => n.includes('.monctl-'))).toEqual([]);

    // Undo: the replaced store.db is itself a backup.
    const undo = await runCommand(StoreRestoreBackup, [r.result!.previous.split('/').pop()!, '-s', mon]);
    expect(undo.exitCode, undo.stderr).toBe(0);
    expect(await kvDigest(mon)).toBe(edited);
  });

  it('refuses a store whose LOCK another process holds, and an unknown backup', async () => {
    const mon = extractFixture(store);
    expect((await runCommand(StoreSet, ['monctl_test', 'k', '--u64', '1', '-s', mon])).exitCode).toBe(0);
    // Hashed outside the lock: reading LOCK here would drop this process's POSIX lock on it.
    const before = hashTree(mon);
    const lock = await lockRocksDbStore(join(mon, 'store.db'));
    let r;
    try {
      r = runCli(['store', 'restore-backup', 'latest', '-s', mon]);
    } finally {
      await lock.release();
    }
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/STORE_LOCKED/);
    expect(hashTree(mon)).toEqual(before);
    const bad = await runCommand(StoreRestoreBackup, ['store.db.backup-nope', '-s', mon]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/BAD_ARGUMENT.*no backup named/);
  }, 120_000);
});
