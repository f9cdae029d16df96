import { copyFileSync, linkSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonctlError } from '../errors.js';

/** LevelDB table files never change once written, so a hard link is as good as a copy. */
const IMMUTABLE = /\.(ldb|sst)$/;

/**
 * Makes a private copy of a LevelDB directory that classic-level may rewrite freely
 * (replaying the log, a new MANIFEST, compactions) while the user's store stays
 * byte-identical. Table files are hard-linked when the temp dir is on the same file system
 * (LevelDB only ever creates and unlinks them, never writes into one); every other file
 * (CURRENT, MANIFEST, *.log) is copied. The LOCK file is not carried over, so a store a live
 * monitor holds can still be read, as RocksDB's read-only mode allows.
 */
export function snapshotLevelDb(dbDir: string): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'monctl-snap-'));
  try {
    const sameDevice = statSync(dir).dev === statSync(dbDir).dev;
    for (const name of readdirSync(dbDir)) {
      if (name === 'LOCK' || name.startsWith('LOG')) continue;
      const src = join(dbDir, name);
      if (!statSync(src).isFile()) continue;
      if (!(sameDevice && IMMUTABLE.test(name) && tryLink(src, join(dir, name)))) copyFileSync(src, join(dir, name));
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    // A live monitor can delete a table file between listing and linking it.
    throw new MonctlError('STORE_OPEN_FAILED', `cannot take a read-only view of ${dbDir}: ${(e as Error).message}`, {
      cause: e,
      actions: ['If a monitor is running on this store, its files changed while monctl read them: run the command again.'],
    });
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function tryLink(src: string, dst: string): boolean {
  try {
    linkSync(src, dst);
    return true;
  } catch {
    return false;
  }
}
