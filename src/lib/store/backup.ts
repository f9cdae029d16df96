import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';
import { isNoSpace, noSpaceError } from './fs-errors.js';
import { stageBeside, type Staging } from './staging.js';

/** `store.db.backup-<UTC stamp>`: the names restore-backup lists. */
export const BACKUP_INFIX = '.backup-';

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * `<parent>/<store.db name>.backup-<UTC stamp>`, with `-2`, `-3`, … added when a backup of
 * that second already exists (two writes, or a write and a restore, within one second).
 */
export function freeBackupPath(parent: string, dbDir: string, now: Date): string {
  const base = join(parent, `${basename(dbDir)}${BACKUP_INFIX}${stamp(now)}`);
  if (!existsSync(base)) return base;
  for (let n = 2; ; n++) if (!existsSync(`${base}-${n}`)) return `${base}-${n}`;
}

const BACKUP_ACTIONS = ['Pass --backup-dir to put the backup elsewhere, or --no-backup to skip it.'];

/**
 * Copies a key-value directory (without its LOCK) to `<dir>/store.db.backup-<UTC stamp>`,
 * beside store.db by default. The copy is built under a temporary name and renamed when
 * complete, so a failed backup (a full disk) leaves nothing behind and any
 * `store.db.backup-*` is whole. `monctl store restore-backup` puts one back.
 */
export function backupDbDir(dbDir: string, backupDir: string | undefined, now: Date): string {
  const parent = backupDir ? resolve(backupDir) : dirname(dbDir);
  const dest = freeBackupPath(parent, dbDir, now);
  let staging: Staging;
  try {
    mkdirSync(parent, { recursive: true });
    staging = stageBeside(dest, '.monctl-backup-', statSync(dbDir).mode & 0o7777);
  } catch (e) {
    if (isNoSpace(e)) throw noSpaceError(`the backup ${dest}`, e, ['Nothing was written to the store.']);
    throw new MonctlError('IO_ERROR', `cannot create backup directory ${dest}: ${(e as Error).message}`, { cause: e, actions: BACKUP_ACTIONS });
  }
  try {
    for (const name of readdirSync(dbDir)) {
      if (name === 'LOCK') continue;
      const src = join(dbDir, name);
      if (statSync(src).isFile()) copyFileSync(src, join(staging.dir, name));
    }
    staging.commit();
  } catch (e) {
    staging.cleanup();
    if (e instanceof MonctlError) throw e;
    if (isNoSpace(e)) throw noSpaceError(`the backup ${dest}`, e, ['Nothing was written to the store; the partial backup was removed.']);
    throw new MonctlError('IO_ERROR', `cannot write the backup ${dest}: ${(e as Error).message}`, { cause: e, actions: ['The partial backup was removed; nothing was written to the store.', ...BACKUP_ACTIONS] });
  }
  return dest;
}
