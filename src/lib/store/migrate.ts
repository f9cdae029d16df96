import {
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MonctlError } from '../errors.js';
import type { BackendKind } from './backend.js';
import { copyKeys, writeError } from './copy.js';
import { fsyncPath, stageBeside } from './staging.js';
import { compareDigests, digestStore, type StoreDigest } from './digest.js';
import { locateStore, type StoreLocation } from './locate.js';
import { lockHolders, type LockHolder } from './lock-holders.js';
import { MonStore } from './mon-store.js';
import { lockRocksDbStore, type HeldLock } from './rocksdb-lock.js';

export type MigrateTarget = Extract<BackendKind, 'rocksdb'>;

export interface MigrateResult {
  source: string;
  source_backend: BackendKind;
  dest: string;
  backend: MigrateTarget;
  dry_run: boolean;
  /** Files and directories of the mon data dir copied beside store.db (relative names). */
  files: string[];
  /** Entries of the mon data dir left out (store.db backups monctl made). */
  skipped: string[];
  /**
   * Whether a process holding the store's LOCK (a live monitor) was looked for in /proc/locks
   * and found absent. Either way the migration then takes that LOCK itself (refused while a
   * monitor holds it) and keeps it to the end.
   */
  live_check: 'no lock holder' | 'not possible on this system';
  warnings: string[];
  /** Abandoned temporary directories of killed migrations, removed first. */
  removed_stale: string[];
  keys: number;
  /** Value bytes. */
  bytes: number;
  batches?: number;
  source_digest: StoreDigest;
  /** The copy's digest, re-read from disk after the new store was closed. */
  dest_digest?: StoreDigest;
  match?: boolean;
  differences?: string[];
}

export interface MigrateOptions {
  to: MigrateTarget;
  dryRun?: boolean;
  onProgress?: (phase: 'copy' | 'verify', keys: number) => void;
}

const TEMP_TAG = '.monctl-migrate-';

/** The store's files (not LOCK, not LevelDB's/RocksDB's own LOG files): name, size, mtime. */
function fingerprint(dbDir: string): string {
  return readdirSync(dbDir)
    .filter((n) => n !== 'LOCK' && !n.startsWith('LOG'))
    .sort()
    .map((n) => {
      const st = statSync(join(dbDir, n));
      return `${n}:${st.size}:${st.mtimeMs}`;
    })
    .join('\n');
}

/** What of the mon data dir goes beside the new store.db. */
function otherEntries(loc: StoreLocation): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  if (!loc.monDataDir) return { files, skipped };
  for (const name of readdirSync(loc.monDataDir).sort()) {
    if (name === 'store.db' || name === 'kv_backend') continue;
    if (name.startsWith('store.db.backup-')) skipped.push(name);
    else files.push(name);
  }
  return { files, skipped };
}

/** Copies a file, directory tree or symlink, keeping modes; files are synced. */
function copyEntry(src: string, dst: string): void {
  const st = lstatSync(src);
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
  else if (st.isDirectory()) {
    mkdirSync(dst, { mode: st.mode & 0o7777 });
    for (const name of readdirSync(src)) copyEntry(join(src, name), join(dst, name));
  } else if (st.isFile()) {
    copyFileSync(src, dst);
    fsyncPath(dst);
  }
  // sockets, fifos, devices: nothing a mon data dir needs
}

function chownTree(path: string, uid: number, gid: number): void {
  const st = lstatSync(path);
  if (st.isDirectory()) for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
  if (!st.isSymbolicLink()) chownSync(path, uid, gid);
}

function inside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

function liveError(dbDir: string, holders: LockHolder[], when: string): MonctlError {
  const who = holders.map((h) => `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ');
  return new MonctlError('STORE_LOCKED', `${dbDir} is held by ${who}${when}: a running monitor keeps writing, so a copy would be stale`, {
    actions: ['Stop the monitor that uses this store (systemctl stop ceph-mon@<id>), then run the migration again.'],
  });
}

/**
 * `store migrate`: a mon data dir into a new one whose store.db is RocksDB (written by the
 * `rocksdb` package's RocksDB 6.17.3, which Ceph 16–20 all read), with `kv_backend` saying
 * so and every other file of the mon data dir copied (keyring, min_mon_release, …).
 *
 * Atomic: everything is written into a temporary sibling of DEST, which is renamed to DEST
 * only after the copy was re-read from disk and its key-by-key digest equals the source's.
 * A killed migration leaves that temporary directory (removed by the next migration to the
 * same DEST), never a DEST. The source is only read, and must not be held by a live
 * monitor: a process holding its LOCK (looked up in /proc/locks, which names it) is refused;
 * then monctl holds that LOCK itself until the end, so no monitor starts on the source
 * meanwhile, and the source's files must not change.
 */
export async function migrateStore(source: string | undefined, dest: string, opts: MigrateOptions): Promise<MigrateResult> {
  const loc = locateStore(source);
  const destDir = resolve(dest);
  const sourceDir = loc.monDataDir ?? loc.dbDir;
  if (existsSync(destDir)) {
    throw new MonctlError('DEST_EXISTS', `${destDir} already exists`, { actions: ['Name a directory that does not exist yet: the migration creates it.'] });
  }
  if (!existsSync(dirname(destDir))) {
    throw new MonctlError('BAD_ARGUMENT', `the parent directory of ${destDir} does not exist`, { actions: [`Create ${dirname(destDir)} first.`] });
  }
  if (inside(destDir, sourceDir) || inside(sourceDir, destDir)) {
    throw new MonctlError('BAD_ARGUMENT', `${destDir} and the source ${sourceDir} overlap`, { actions: ['Put the new mon data dir outside the old one (e.g. beside it).'] });
  }
  const warnings: string[] = [];
  const probe = lockHolders(loc.dbDir);
  if (probe.holders.length > 0) throw liveError(loc.dbDir, probe.holders, '');
  const { files, skipped } = otherEntries(loc);
  if (!loc.monDataDir) warnings.push(`${loc.dbDir} has no mon data dir around it (no kv_backend beside it): only store.db is migrated`);
  const base: Omit<MigrateResult, 'dry_run' | 'removed_stale' | 'keys' | 'bytes' | 'source_digest'> = {
    source: sourceDir,
    source_backend: loc.backend,
    dest: destDir,
    backend: opts.to,
    files,
    skipped,
    live_check: probe.known ? 'no lock holder' : 'not possible on this system',
    warnings,
  };

  if (opts.dryRun) {
    const digest = await MonStore.with(source, {}, (s) => digestStore(s, (n) => opts.onProgress?.('copy', n)));
    return { ...base, dry_run: true, removed_stale: [], keys: digest.keys, bytes: digest.value_bytes, source_digest: digest };
  }

  // Hold the source's LOCK (the lock ceph-mon takes, fcntl on store.db/LOCK, which LevelDB and
  // RocksDB share) for the whole migration: no monitor can start on it while it is copied.
  let lock: HeldLock;
  try {
    lock = await lockRocksDbStore(loc.dbDir);
  } catch (e) {
    const holders = lockHolders(loc.dbDir).holders;
    if (e instanceof MonctlError && e.code === 'STORE_LOCKED' && holders.length > 0) throw liveError(loc.dbDir, holders, '');
    throw e;
  }
  try {
    return await migrateLocked(source, loc, destDir, sourceDir, base, opts);
  } finally {
    await lock.release();
  }
}

async function migrateLocked(
  source: string | undefined,
  loc: StoreLocation,
  destDir: string,
  sourceDir: string,
  base: Omit<MigrateResult, 'dry_run' | 'removed_stale' | 'keys' | 'bytes' | 'source_digest'>,
  opts: MigrateOptions,
): Promise<MigrateResult> {
  const owner = statSync(sourceDir);
  const staging = stageBeside(destDir, TEMP_TAG, owner.mode & 0o7777);
  const removedStale = staging.removedStale;
  const temp = staging.dir;
  const cleanup = (): void => staging.cleanup();
  try {
    const before = fingerprint(loc.dbDir);
    const copied = await MonStore.with(source, {}, (src) => copyKeys(src, join(temp, 'store.db'), opts.to, { onProgress: (n) => opts.onProgress?.('copy', n) }));
    for (const name of base.files) copyEntry(join(sourceDir, name), join(temp, name));
    const kvMode = loc.monDataDir && existsSync(join(loc.monDataDir, 'kv_backend')) ? statSync(join(loc.monDataDir, 'kv_backend')).mode & 0o777 : 0o644;
    writeFileSync(join(temp, 'kv_backend'), `${opts.to}\n`, { mode: kvMode });
    fsyncPath(join(temp, 'kv_backend'));
    if (process.getuid?.() === 0 && (owner.uid !== 0 || owner.gid !== 0)) chownTree(temp, owner.uid, owner.gid);

    // The source must be what was copied: no file changed (the LOCK kept monitors out).
    if (fingerprint(loc.dbDir) !== before) {
      throw new MonctlError('CHECK_FAILED', `the files of ${loc.dbDir} changed while they were copied: the copy may be stale`, {
        actions: ['Stop the monitor that uses this store and run the migration again.'],
      });
    }

    const destDigest = await MonStore.with(temp, {}, (s) => digestStore(s, (n) => opts.onProgress?.('verify', n)));
    const cmp = compareDigests(copied.digest, destDigest);
    const result: MigrateResult = {
      ...base,
      dry_run: false,
      removed_stale: removedStale,
      keys: copied.keys,
      bytes: copied.bytes,
      batches: copied.batches,
      source_digest: copied.digest,
      dest_digest: destDigest,
      match: cmp.match,
      differences: cmp.differences,
    };
    if (!cmp.match) {
      cleanup();
      return result;
    }
    staging.commit();
    return result;
  } catch (e) {
    cleanup();
    throw writeError(destDir, e);
  }
}
