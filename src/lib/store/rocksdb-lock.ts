import { closeSync, existsSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonctlError } from '../errors.js';
import { lockHolders } from './lock-holders.js';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the same lock a running ceph-mon holds on `store.db/LOCK`: an exclusive POSIX
 * record lock (fcntl F_SETLK), which RocksDB's PosixEnv::LockFile takes and Node cannot.
 * LevelDB's env takes exactly that lock on `<dir>/LOCK` when it opens a database, and it
 * follows symlinks: so classic-level opens an empty scratch database whose LOCK is a
 * symlink to the store's. While it is open, a ceph-mon cannot start on the store, and if one
 * runs, the open fails. Nothing in store.db is written (LOCK is created empty if missing, as
 * RocksDB would). While the lock is held this process must not open and close store.db/LOCK
 * by any other means: closing any descriptor of that file drops a POSIX lock.
 */
export async function lockRocksDbStore(dbDir: string): Promise<HeldLock> {
  const lockFile = join(dbDir, 'LOCK');
  if (!existsSync(lockFile)) closeSync(openSync(lockFile, 'a'));
  const scratch = mkdtempSync(join(tmpdir(), 'monctl-lock-'));
  symlinkSync(lockFile, join(scratch, 'LOCK'));
  const { ClassicLevel } = await import('classic-level');
  const db = new ClassicLevel(join(scratch), { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    await db.open({ createIfMissing: true });
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    const text = String((e as { cause?: unknown }).cause ?? (e as Error).message);
    if (/lock/i.test(text)) {
      const who = lockHolders(dbDir).holders.map((h) => `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ');
      throw new MonctlError('STORE_LOCKED', `the RocksDB store at ${dbDir} is locked by ${who || 'another process'}${who ? '' : ' (a running ceph-mon?)'}`, {
        cause: e,
        actions: ['Stop the monitor that uses this store (systemctl stop ceph-mon@<id>), then run the command again.'],
      });
    }
    throw new MonctlError('IO_ERROR', `cannot lock the RocksDB store at ${dbDir}: ${text}`, { cause: e, actions: ['Check that store.db/LOCK is a writable file.'] });
  }
  return {
    async release() {
      try {
        await db.close();
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}
