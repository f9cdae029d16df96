import { copyFileSync, linkSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonctlError } from '../errors.js';
import { readVersion } from './leveldb-reader/manifest.js';

const TABLE = /^(\d+)\.(ldb|sst)$/;

/**
 * The table files the current MANIFEST lists. Only those may be hard-linked: a table file
 * LevelDB left behind (a compaction cut short by close) has a number the MANIFEST has not
 * handed out yet, and classic-level reuses that number for a new table, truncating and
 * rewriting the file in place, which through a link would change the user's store.
 * Undefined when the MANIFEST cannot be read here: then nothing is linked.
 */
function liveTables(dbDir: string): Set<number> | undefined {
  try {
    return new Set(readVersion(dbDir).levels.flatMap((l) => l.map((f) => f.number)));
  } catch {
    return undefined;
  }
}

/**
 * Makes a private copy of a LevelDB directory that classic-level may rewrite freely
 * (replaying the log, a new MANIFEST, compactions) while the user's store stays
 * byte-identical. Table files are hard-linked when the temp dir is on the same file system
 * (LevelDB only ever creates and unlinks live ones, never writes into one); every other
 * file (CURRENT, MANIFEST, *.log, stray tables) is copied. The LOCK file is not carried
 * over, so a store a live monitor holds can still be read, as RocksDB's read-only mode
 * allows.
 */
export function snapshotLevelDb(dbDir: string): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'monctl-snap-'));
  try {
    const sameDevice = statSync(dir).dev === statSync(dbDir).dev;
    const live = liveTables(dbDir);
    for (const name of readdirSync(dbDir)) {
      if (name === 'LOCK' || name.startsWith('LOG')) continue;
      const src = join(dbDir, name);
      if (!statSync(src).isFile()) continue;
      const table = TABLE.exec(name);
      const linkable = sameDevice && table !== null && live?.has(Number(table[1])) === true;
      if (!(linkable && tryLink(src, join(dir, name)))) copyFileSync(src, join(dir, name));
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
