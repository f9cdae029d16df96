import type { KvBackend } from './backend.js';
import { RocksDbReaderBackend } from './rocksdb-reader-backend.js';
import { CHECKSUM_XXH3 } from './rocksdb-reader/checksum.js';
import { RocksDbReader } from './rocksdb-reader/index.js';

/** The newest table format the bundled RocksDB (6.17.3, the `rocksdb` package) reads. */
const NATIVE_MAX_FORMAT_VERSION = 5;

/**
 * Opens a RocksDB store. Reads always go through monctl's own reader. Writes go through the
 * `rocksdb` package when its RocksDB (6.17.3) reads every table of the store — Pacific's
 * stores; it can then also compact, and what it writes every later release reads. A store
 * with tables it cannot read (XXH3 checksums, written by Ceph 17+) is written the way that
 * leaves every table to the store's own RocksDB: a new write-ahead log.
 */
export async function openRocksDb(dir: string, writable: boolean): Promise<KvBackend> {
  if (!writable) return RocksDbReaderBackend.open(dir, false);
  const probe = await RocksDbReader.open(dir);
  const nativeReadable = probe.tables.every((t) => t.checksumType < CHECKSUM_XXH3 && t.formatVersion <= NATIVE_MAX_FORMAT_VERSION);
  probe.close();
  if (!nativeReadable) return RocksDbReaderBackend.open(dir, true);
  const { RocksDbBackend } = await import('./rocksdb.js');
  return RocksDbBackend.open(dir, true);
}
