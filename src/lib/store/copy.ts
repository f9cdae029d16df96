import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';
import type { BackendKind } from './backend.js';
import { createBulkSink } from './bulk-load.js';
import { DigestBuilder, type StoreDigest } from './digest.js';
import { isNoSpace, noSpaceError } from './fs-errors.js';
import { MonStore } from './mon-store.js';
import { stageBeside, type Staging } from './staging.js';

export interface CopyResult {
  source: string;
  dest: string;
  backend: BackendKind;
  keys: number;
  bytes: number;
  batches: number;
}

export interface CopyKeysResult {
  keys: number;
  /** Value bytes. */
  bytes: number;
  batches: number;
  /** The digest of every entry read from the source (and written), in store order. */
  digest: StoreDigest;
}

/**
 * Copies every key of `src`, in store order, into a new store of `backend` at `destDbDir`
 * (which must not hold one), and fingerprints what it read on the way. The one copy loop
 * of `store copy` and `store migrate`.
 */
export async function copyKeys(
  src: MonStore,
  destDbDir: string,
  backend: BackendKind,
  opts: { onProgress?: (keys: number) => void } = {},
): Promise<CopyKeysResult> {
  mkdirSync(destDbDir, { recursive: true });
  const sink = await createBulkSink(destDbDir, backend);
  const digest = new DigestBuilder();
  let keys = 0;
  let bytes = 0;
  try {
    for await (const chunk of src.rawChunks()) {
      digest.add(chunk);
      await sink.write(chunk);
      keys += chunk.length;
      for (const e of chunk) bytes += e.value.length;
      opts.onProgress?.(keys);
    }
  } catch (e) {
    await sink.abort();
    throw e;
  }
  let batches: number;
  try {
    ({ batches } = await sink.finish());
  } catch (e) {
    // A failed finish (a full disk) may leave the store open: close it so the copy can go.
    await sink.abort();
    throw e;
  }
  return { keys, bytes, batches, digest: digest.result() };
}

/** A failure while writing `where` as a typed error (a full disk, an I/O error). */
export function writeError(where: string, e: unknown): MonctlError {
  if (e instanceof MonctlError) return e;
  if (isNoSpace(e)) return noSpaceError(where, e);
  return new MonctlError('IO_ERROR', `cannot write ${where}: ${(e as Error).message ?? String(e)}`, {
    cause: e,
    actions: ['Check the disk and that the directory is writable, then run the command again.'],
  });
}

/**
 * Copies every key of a monitor store into a new mon data dir (`DEST/store.db` plus
 * `DEST/kv_backend`), the job of `ceph-monstore-tool store-copy`. DEST must not exist or be
 * empty; the source is only read. The copy is built in a temporary sibling of DEST and
 * renamed to DEST when complete, so a failed or killed copy leaves no DEST (`store migrate`
 * is the verified variant).
 */
export async function copyStore(
  source: string | undefined,
  dest: string,
  opts: { backend?: BackendKind; onProgress?: (keys: number) => void } = {},
): Promise<CopyResult> {
  const destDir = resolve(dest);
  if (existsSync(destDir) && (!statSync(destDir).isDirectory() || readdirSync(destDir).length > 0)) {
    throw new MonctlError('DEST_EXISTS', `${destDir} exists and is not an empty directory`, { actions: ['Name a new directory for the copy.'] });
  }
  return MonStore.with(source, {}, async (src) => {
    const backend = opts.backend ?? src.location.backend;
    let staging: Staging;
    try {
      mkdirSync(dirname(destDir), { recursive: true });
      staging = stageBeside(destDir, COPY_TAG);
    } catch (e) {
      throw writeError(destDir, e);
    }
    try {
      const r = await copyKeys(src, join(staging.dir, 'store.db'), backend, { onProgress: opts.onProgress });
      const mon = src.location.monDataDir;
      for (const extra of ['keyring', 'min_mon_release']) {
        if (mon && existsSync(join(mon, extra))) copyFileSync(join(mon, extra), join(staging.dir, extra));
      }
      writeFileSync(join(staging.dir, 'kv_backend'), `${backend}\n`);
      staging.commit();
      return { source: src.location.monDataDir ?? src.location.dbDir, dest: destDir, backend, keys: r.keys, bytes: r.bytes, batches: r.batches };
    } catch (e) {
      staging.cleanup();
      throw writeError(destDir, e);
    }
  });
}

/** Tag of `store copy`'s temporary sibling of DEST. */
const COPY_TAG = '.monctl-copy-';
