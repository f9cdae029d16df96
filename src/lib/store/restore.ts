import { copyFileSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';
import { BACKUP_INFIX, freeBackupPath } from './backup.js';
import { isNoSpace, noSpaceError } from './fs-errors.js';
import { detectBackendFromFiles, locateStore } from './locate.js';
import { lockRocksDbStore } from './rocksdb-lock.js';
import { fsyncPath, stageBeside, type Staging } from './staging.js';

export interface BackupEntry {
  /** Directory name (`store.db.backup-<UTC stamp>`). */
  name: string;
  path: string;
  /** The UTC time in its name, ISO 8601. */
  taken: string;
  files: number;
  bytes: number;
  backend?: string;
}

export interface RestoreResult {
  store: string;
  dry_run: boolean;
  restored: string;
  /** Where the store.db that was replaced now is (itself a backup: restore it to undo). */
  previous: string;
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?$/;

/** The complete backups of `dbDir` in `dirs` (beside store.db and --backup-dir), newest first. */
export function listBackups(dbDir: string, dirs: string[]): BackupEntry[] {
  const prefix = `${basename(dbDir)}${BACKUP_INFIX}`;
  const out: BackupEntry[] = [];
  for (const dir of new Set(dirs.map((d) => resolve(d)))) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const m = STAMP.exec(name.slice(prefix.length));
      if (!name.startsWith(prefix) || !m) continue;
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      const files = readdirSync(path).map((f) => statSync(join(path, f))).filter((s) => s.isFile());
      out.push({
        name,
        path,
        taken: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`,
        files: files.length,
        bytes: files.reduce((n, s) => n + s.size, 0),
        ...(detectBackendFromFiles(path) ? { backend: detectBackendFromFiles(path)! } : {}),
      });
    }
  }
  return out.sort((a, b) => (a.taken < b.taken ? 1 : a.taken > b.taken ? -1 : a.path.localeCompare(b.path)));
}

/**
 * Puts a backup back as the store's store.db, atomically as far as a file system allows: the
 * backup is copied into a temporary sibling of store.db (the backup itself stays as it is),
 * then store.db is renamed to a new backup name (so a restore can be undone the same way)
 * and the copy renamed to store.db. The store's LOCK is held throughout, so a running
 * monitor makes it fail with STORE_LOCKED and none can start meanwhile.
 */
export async function restoreBackup(path: string | undefined, which: string, opts: { dryRun?: boolean; backupDirs?: string[]; now?: Date }): Promise<RestoreResult> {
  const loc = locateStore(path);
  const backups = listBackups(loc.dbDir, [dirname(loc.dbDir), ...(opts.backupDirs ?? [])]);
  const chosen = which === 'latest' ? backups[0] : backups.find((b) => b.name === which || b.path === resolve(which));
  if (!chosen) {
    throw new MonctlError('BAD_ARGUMENT', backups.length === 0 ? `no backups of ${loc.dbDir} found` : `no backup named ${which}`, {
      actions: [backups.length === 0 ? 'Backups are made by every write command unless --no-backup; pass --backup-dir if they were put elsewhere.' : `Run \`monctl store restore-backup --list\` to see the ${backups.length} backups.`],
    });
  }
  if (chosen.backend !== loc.backend) {
    throw new MonctlError('BACKEND_MISMATCH', `${chosen.path} holds ${chosen.backend ?? 'no'} store files, but the store is ${loc.backend}`, {
      actions: ['Pick a backup of this store (`monctl store restore-backup --list`).'],
    });
  }
  const store = loc.monDataDir ?? loc.dbDir;
  if (opts.dryRun) return { store, dry_run: true, restored: chosen.path, previous: freeBackupPath(dirname(loc.dbDir), loc.dbDir, opts.now ?? new Date()) };
  const lock = await lockRocksDbStore(loc.dbDir);
  const previous = freeBackupPath(dirname(loc.dbDir), loc.dbDir, opts.now ?? new Date());
  let staging: Staging | undefined;
  try {
    staging = stageBeside(loc.dbDir, '.monctl-restore-', statSync(loc.dbDir).mode & 0o7777);
    for (const name of readdirSync(chosen.path)) {
      if (statSync(join(chosen.path, name)).isFile()) copyFileSync(join(chosen.path, name), join(staging.dir, name));
    }
    renameSync(loc.dbDir, previous);
    staging.commit();
    fsyncPath(dirname(loc.dbDir));
  } catch (e) {
    staging?.cleanup();
    if (!existsSync(loc.dbDir) && existsSync(previous)) renameSync(previous, loc.dbDir);
    if (e instanceof MonctlError) throw e;
    if (isNoSpace(e)) throw noSpaceError(loc.dbDir, e, ['The store is unchanged.']);
    throw new MonctlError('IO_ERROR', `cannot restore ${chosen.path}: ${(e as Error).message}`, { cause: e, actions: ['The store is unchanged; check the disk and the permissions of the mon data dir.'] });
  } finally {
    await lock.release();
  }
  return { store, dry_run: false, restored: chosen.path, previous };
}
