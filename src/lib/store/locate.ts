import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';
import type { BackendKind } from './backend.js';
import { storeFileError } from './fs-errors.js';

export interface StoreLocation {
  /** The mon data dir (holding `store.db` and `kv_backend`), when there is one. */
  monDataDir?: string;
  /** The key-value directory itself (`.../store.db`). */
  dbDir: string;
  backend: BackendKind;
  /** Where the backend name came from, for error messages and `--json`. */
  detectedBy: 'kv_backend' | 'files';
}

const HOW_TO_POINT = 'Pass --store <mon data dir or store.db>, or set MONCTL_STORE (e.g. /var/lib/ceph/mon/ceph-a).';

/** Guesses the backend from the files LevelDB and RocksDB leave in a directory. */
export function detectBackendFromFiles(dbDir: string): BackendKind | undefined {
  const names = listDir(dbDir);
  // RocksDB always writes IDENTITY and OPTIONS-<n>; LevelDB writes neither.
  if (names.includes('IDENTITY') || names.some((n) => n.startsWith('OPTIONS-'))) return 'rocksdb';
  if (names.includes('CURRENT') && names.some((n) => n.startsWith('MANIFEST-'))) return 'leveldb';
  return undefined;
}

function listDir(dbDir: string): string[] {
  try {
    return readdirSync(dbDir);
  } catch (e) {
    throw storeFileError(dbDir, 'the store directory', e);
  }
}

function readKvBackend(monDataDir: string): BackendKind | undefined {
  const file = join(monDataDir, 'kv_backend');
  if (!existsSync(file)) return undefined;
  let name: string;
  try {
    name = readFileSync(file, 'latin1').trim();
  } catch (e) {
    throw storeFileError(file, 'kv_backend', e);
  }
  if (name === 'leveldb' || name === 'rocksdb') return name;
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  throw new MonctlError('UNKNOWN_BACKEND', `${file} names backend ${shown}, which monctl does not support`, {
    actions: ['Write the backend that made store.db into kv_backend: `rocksdb` (or `leveldb` for an old Pacific store); `ls store.db` shows IDENTITY and OPTIONS-* files for RocksDB.'],
  });
}

/** Whether a directory holds what LevelDB or RocksDB leave behind (a damaged store, not none). */
function looksLikeKvStore(names: string[]): boolean {
  return names.some((n) => n.startsWith('MANIFEST-') || /^\d+\.(ldb|sst|log)$/.test(n));
}

/**
 * Resolves a user's path (a mon data dir or a store.db dir) to the key-value directory and
 * its backend. The kv_backend file wins; without it the directory's files decide; when the
 * two disagree the store is refused (opening it with the wrong library could convert it).
 */
export function locateStore(path: string | undefined): StoreLocation {
  if (!path) {
    throw new MonctlError('STORE_NOT_SPECIFIED', 'no monitor store given', { actions: [HOW_TO_POINT] });
  }
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new MonctlError('STORE_NOT_FOUND', `${abs} is not a directory`, { actions: [HOW_TO_POINT] });
  }
  let monDataDir: string | undefined;
  let dbDir: string;
  if (existsSync(join(abs, 'store.db'))) {
    if (!statSync(join(abs, 'store.db')).isDirectory()) {
      throw new MonctlError('STORE_OPEN_FAILED', `${join(abs, 'store.db')} is a file, not the store's directory`, {
        actions: ['The mon data dir is damaged: restore store.db from a backup, or rebuild this monitor from its peers.'],
      });
    }
    monDataDir = abs;
    dbDir = join(abs, 'store.db');
  } else {
    dbDir = abs;
    const parent = resolve(abs, '..');
    if (basename(abs) === 'store.db' && existsSync(join(parent, 'kv_backend'))) monDataDir = parent;
  }
  const fromFile = monDataDir ? readKvBackend(monDataDir) : undefined;
  const fromFiles = detectBackendFromFiles(dbDir);
  if (fromFile && fromFiles && fromFile !== fromFiles) {
    throw new MonctlError('BACKEND_MISMATCH', `kv_backend says ${fromFile} but ${dbDir} holds ${fromFiles} files`, {
      actions: ['Fix the kv_backend file so it names the backend that wrote store.db; monctl will not guess.'],
    });
  }
  if (!fromFiles && (fromFile || looksLikeKvStore(listDir(dbDir)))) {
    throw new MonctlError('STORE_OPEN_FAILED', `${dbDir} has no CURRENT file naming its MANIFEST: the ${fromFile ?? 'LevelDB'} store is damaged`, {
      actions: [
        'If the newest MANIFEST-<n> is intact, write its name and a newline into store.db/CURRENT (as LevelDB does); otherwise restore store.db from a backup.',
      ],
    });
  }
  if (!fromFiles) {
    throw new MonctlError('STORE_NOT_FOUND', `${dbDir} holds no LevelDB or RocksDB store (no CURRENT/MANIFEST files)`, {
      actions: [HOW_TO_POINT],
    });
  }
  return { monDataDir, dbDir, backend: fromFile ?? fromFiles, detectedBy: fromFile ? 'kv_backend' : 'files' };
}
