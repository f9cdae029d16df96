import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MonctlError } from '../errors.js';
import type { BackendKind, KvBackend, RawBatchOp } from './backend.js';
import { MonStore } from './mon-store.js';

export interface CopyResult {
  source: string;
  dest: string;
  backend: BackendKind;
  keys: number;
  bytes: number;
  batches: number;
}

/**
 * Copies every key of a monitor store into a new mon data dir (`DEST/store.db` plus
 * `DEST/kv_backend`), the job of `ceph-monstore-tool store-copy`. DEST must not exist or be
 * empty; the source is only read.
 */
export async function copyStore(
  source: string | undefined,
  dest: string,
  opts: { backend?: BackendKind; keysPerBatch?: number; onProgress?: (keys: number) => void } = {},
): Promise<CopyResult> {
  const destDir = resolve(dest);
  if (existsSync(destDir) && readdirSync(destDir).length > 0) {
    throw new MonctlError('DEST_EXISTS', `${destDir} exists and is not empty`, { actions: ['Name a new directory for the copy.'] });
  }
  return MonStore.with(source, {}, async (src) => {
    const backend = opts.backend ?? src.location.backend;
    mkdirSync(join(destDir, 'store.db'), { recursive: true });
    const db: KvBackend =
      backend === 'leveldb'
        ? await (await import('./leveldb.js')).LevelDbBackend.create(join(destDir, 'store.db'))
        : await (await import('./rocksdb.js')).RocksDbBackend.create(join(destDir, 'store.db'));
    let keys = 0;
    let bytes = 0;
    let batches = 0;
    try {
      const perBatch = opts.keysPerBatch ?? 1024;
      let batch: RawBatchOp[] = [];
      for await (const chunk of src.rawChunks()) {
        for (const e of chunk) {
          batch.push({ type: 'put', key: e.key, value: e.value });
          keys++;
          bytes += e.value.length;
          if (batch.length >= perBatch) {
            await db.batch(batch);
            batches++;
            batch = [];
            opts.onProgress?.(keys);
          }
        }
      }
      if (batch.length > 0) {
        await db.batch(batch);
        batches++;
      }
    } finally {
      await db.close();
    }
    const mon = src.location.monDataDir;
    for (const extra of ['keyring', 'min_mon_release']) {
      if (mon && existsSync(join(mon, extra))) copyFileSync(join(mon, extra), join(destDir, extra));
    }
    writeFileSync(join(destDir, 'kv_backend'), `${backend}\n`);
    return { source: src.location.monDataDir ?? src.location.dbDir, dest: destDir, backend, keys, bytes, batches };
  });
}
