import { statSync } from 'node:fs';
import { MonctlError, type ErrorCode } from '../errors.js';

const DAMAGED = 'The store is damaged: restore store.db from a backup (`monctl store restore-backup`), or rebuild this monitor from its peers.';
const PERMISSION = "Run monctl as the store's owner (usually ceph, e.g. `sudo -u ceph monctl …`) or as root.";

/** The errno of a Node file-system error, if it is one. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `e` (or the text of a native LevelDB/RocksDB status) says the disk is full. */
export function isNoSpace(e: unknown): boolean {
  const code = errnoOf(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  return /No space left on device|Disk quota exceeded/i.test(String((e as Error | undefined)?.message ?? e));
}

export function noSpaceError(where: string, e: unknown, actions: string[] = []): MonctlError {
  return new MonctlError('NO_SPACE', `no space left on the device while writing ${where}: ${(e as Error).message ?? String(e)}`, {
    cause: e,
    actions: [...actions, 'Free space on that file system (or pass --backup-dir to put the backup on another one), then run the command again.'],
  });
}

/**
 * A failed read of one file of a store (`what` says which: "table file 000012.ldb"), as a
 * MonctlError saying what is wrong with the file and what to do: missing, of the wrong type,
 * not readable by this user, or an I/O error of the disk.
 */
export function storeFileError(path: string, what: string, e: unknown): MonctlError {
  const errno = errnoOf(e);
  const detail = (e as Error).message ?? String(e);
  let code: ErrorCode = 'STORE_OPEN_FAILED';
  let message: string;
  let actions = [DAMAGED];
  switch (errno) {
    case 'ENOENT':
      message = `${what} is missing (${path})`;
      break;
    case 'EISDIR':
      message = `${what} is a directory, not a file (${path})`;
      break;
    case 'ENOTDIR':
      message = `${what}: a path component is not a directory (${path})`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `cannot read ${what}: permission denied (${path})`;
      actions = [PERMISSION];
      break;
    default:
      code = 'IO_ERROR';
      message = `cannot read ${what} (${path}): ${detail}`;
      actions = ['Check the disk (dmesg, smartctl); if the file is damaged, restore store.db from a backup.'];
  }
  return new MonctlError(code, message, { cause: e, actions });
}

/** `what` at `path` is a directory (or another non-file) where the store needs a file. */
export function notAFileError(path: string, what: string): MonctlError {
  return storeFileError(path, what, Object.assign(new Error(`${path} is not a regular file`), { code: 'EISDIR' }));
}

/** `what` of `path` is damaged (a checksum, a size or a structure that does not hold). */
export function damagedFileError(path: string, what: string, offset?: number): MonctlError {
  return new MonctlError('DECODE_INVALID', `${path} is damaged: ${what}`, { ...(offset !== undefined ? { offset } : {}), actions: [DAMAGED] });
}

/**
 * A status from the native LevelDB or RocksDB library (`Corruption: …`, `IO error: …`) as a
 * MonctlError about the user's store `dbDir`; `alias` is a private directory the library
 * actually opened (a snapshot), named as the user's store instead.
 */
export function nativeStatusError(dbDir: string, backend: string, e: unknown, doing: string, alias?: string): MonctlError {
  let text = (e as Error)?.message ?? String(e);
  if (alias) text = text.split(alias).join(dbDir);
  if (isNoSpace(e)) return noSpaceError(dbDir, e);
  if (/Permission denied/i.test(text)) return new MonctlError('STORE_OPEN_FAILED', `${backend} cannot ${doing} in ${dbDir}: ${text}`, { cause: e, actions: [PERMISSION] });
  if (/Corruption|bad magic|checksum|corrupted/i.test(text)) {
    return new MonctlError('DECODE_INVALID', `the ${backend} store at ${dbDir} is damaged (${doing}): ${text}`, { cause: e, actions: ['Run `monctl store check` to list every damaged file.', DAMAGED] });
  }
  return new MonctlError('IO_ERROR', `${backend} cannot ${doing} in ${dbDir}: ${text}`, {
    cause: e,
    actions: ['Run `monctl store check`; if a file is missing or unreadable, restore store.db from a backup.'],
  });
}

/**
 * A table file the MANIFEST lists must be there, be a regular file and have the size the
 * MANIFEST recorded: LevelDB reads a table's footer at that size, and RocksDB compares every
 * table's size with it when it opens a store; a truncated, extended or replaced file fails.
 */
export function checkTableFile(path: string, manifest: string, recordedSize: number): void {
  const name = path.split('/').pop()!;
  const what = `table file ${name}, listed in ${manifest},`;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw storeFileError(path, what, e);
  }
  if (!st.isFile()) throw notAFileError(path, what);
  if (st.size !== recordedSize) {
    throw damagedFileError(path, `table file ${name} is ${st.size} bytes, but ${manifest} records ${recordedSize} (truncated, extended or replaced)`);
  }
}
