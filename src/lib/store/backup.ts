import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Copies a key-value directory (without its LOCK) to `<dir>/store.db.backup-<UTC stamp>`,
 * beside store.db by default. Restoring is: stop the monitor, move store.db away, move the
 * backup to store.db.
 */
export function backupDbDir(dbDir: string, backupDir: string | undefined, now: Date): string {
  const parent = backupDir ? resolve(backupDir) : dirname(dbDir);
  const dest = join(parent, `${basename(dbDir)}.backup-${stamp(now)}`);
  try {
    mkdirSync(dest, { recursive: false });
  } catch (e) {
    throw new MonctlError('IO_ERROR', `cannot create backup directory ${dest}: ${(e as Error).message}`, {
      cause: e,
      actions: ['Pass --backup-dir to put the backup elsewhere, or --no-backup to skip it.'],
    });
  }
  for (const name of readdirSync(dbDir)) {
    if (name === 'LOCK') continue;
    const src = join(dbDir, name);
    if (statSync(src).isFile()) copyFileSync(src, join(dest, name));
  }
  return dest;
}
