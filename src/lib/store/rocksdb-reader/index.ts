import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { checkTableFile } from '../fs-errors.js';
import { compareBytes } from '../leveldb-reader/format.js';
import { MemCursor } from '../leveldb-reader/mem-cursor.js';
import { MergedCursor, type CoveredBy } from '../leveldb-reader/merge.js';
import type { InternalCursor } from '../leveldb-reader/cursor.js';
import { loadChecksums } from './checksum.js';
import { readRocksVersion, type RocksVersion, type SstFile } from './manifest.js';
import { SstTable } from './table.js';
import { SstRunCursor } from './table-cursor.js';
import { isDeletion, TYPE_VALUE, type RangeTombstone } from './types.js';
import { replayWal, type WalReplay } from './wal.js';

export type { RocksVersion } from './manifest.js';
export type { WalReplay } from './wal.js';

interface Run {
  tables: SstTable[];
  largest: Uint8Array[];
}

/**
 * A read-only RocksDB reader in TypeScript: CURRENT → MANIFEST (live tables per level) →
 * write-ahead logs replayed into a memtable → a merge over memtable, level-0 files and
 * levels >= 1, with range tombstones applied. It opens files for reading only, takes no
 * LOCK and writes nothing, so it reads a running monitor's store and stores of every
 * RocksDB release Ceph has shipped (table format_version 2-6, every checksum type).
 */
export class RocksDbReader {
  private constructor(
    readonly dbDir: string,
    readonly version: RocksVersion,
    readonly wal: WalReplay,
    private readonly runs: Run[],
    private readonly tombstones: RangeTombstone[],
  ) {}

  static async open(dbDir: string): Promise<RocksDbReader> {
    await loadChecksums();
    // A running monitor may switch MANIFESTs or delete a compacted table between our reads.
    for (let attempt = 1; ; attempt++) {
      try {
        return RocksDbReader.openOnce(dbDir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e instanceof MonctlError && e.code === 'STORE_OPEN_FAILED' ? 'VANISHED' : undefined);
        if (attempt >= 3 || (code !== 'ENOENT' && code !== 'VANISHED')) {
          if (e instanceof MonctlError) throw e;
          throw new MonctlError('STORE_OPEN_FAILED', `cannot read the RocksDB store at ${dbDir}: ${(e as Error).message}`, {
            cause: e,
            actions: ['Check that the path is a monitor store and readable; if a monitor is running on it, run the command again.'],
          });
        }
      }
    }
  }

  private static openOnce(dbDir: string): RocksDbReader {
    const version = readRocksVersion(dbDir);
    for (const cf of version.families.values()) {
      if (cf.id !== 0 && cf.levels.some((l) => l.size > 0)) {
        throw new MonctlError('DECODE_TOO_NEW', `RocksDB store ${dbDir} keeps data in column family "${cf.name}"`, {
          actions: ['Ceph monitors keep every key in the default column family; this looks like an OSD (BlueStore) database, not a monitor store.'],
        });
      }
    }
    const wal = replayWal(dbDir, version);
    const opened: SstTable[] = [];
    const open = (f: SstFile) => {
      const base = String(f.number).padStart(6, '0');
      const path = existsSync(join(dbDir, `${base}.ldb`)) && !existsSync(join(dbDir, `${base}.sst`)) ? join(dbDir, `${base}.ldb`) : join(dbDir, `${base}.sst`);
      // RocksDB checks every table's size against the MANIFEST when it opens a store.
      if (existsSync(path)) checkTableFile(path, version.manifest, f.size);
      const t = SstTable.open(path, path);
      opened.push(t);
      return t;
    };
    try {
      const runs: Run[] = [];
      const levels = version.families.get(0)?.levels ?? [];
      for (const f of levels[0]?.values() ?? []) runs.push({ tables: [open(f)], largest: [userKey(f.largest)] });
      for (const level of levels.slice(1)) {
        const files = [...level.values()].sort((a, b) => compareBytes(a.smallest, 0, a.smallest.length - 8, b.smallest, 0, b.smallest.length - 8));
        if (files.length > 0) runs.push({ tables: files.map(open), largest: files.map((f) => userKey(f.largest)) });
      }
      const tombstones = [...wal.tombstones, ...opened.flatMap((t) => t.tombstones)];
      return new RocksDbReader(dbDir, version, wal, runs, tombstones);
    } catch (e) {
      for (const t of opened) t.close();
      throw e;
    }
  }

  /**
   * The highest sequence number used by any write the store holds (MANIFEST or WAL), so the
   * next write takes lastSequence + 1. After a torn or damaged log record, the last write
   * replayed instead: RocksDB replays a later log only if it continues exactly there, even
   * when the MANIFEST counted further (its write went to the log's lost tail).
   */
  get lastSequence(): number {
    if (this.wal.cut && this.wal.nextSequence !== undefined) return this.wal.nextSequence - 1;
    return Math.max(this.version.lastSequence, this.wal.lastSequence);
  }

  /** Every live table, for checks and stats. */
  get tables(): SstTable[] {
    return this.runs.flatMap((r) => r.tables);
  }

  private coveredBy(): CoveredBy | undefined {
    const ts = this.tombstones;
    if (ts.length === 0) return undefined;
    return (key, keyLen, seq) => {
      for (const t of ts) {
        if (t.seq > seq && compareBytes(t.start, 0, t.start.length, key, 0, keyLen) <= 0 && compareBytes(key, 0, keyLen, t.end, 0, t.end.length) < 0) return true;
      }
      return false;
    };
  }

  private cursors(): InternalCursor[] {
    return [new MemCursor(this.wal.mem), ...this.runs.map((r) => new SstRunCursor(r.tables, r.largest))];
  }

  /** The live entries in [gte, lt), in key order. */
  iterate(gte?: Uint8Array, lt?: Uint8Array): MergedCursor {
    return new MergedCursor(this.cursors(), gte, lt, this.coveredBy());
  }

  /** One key's value (a copy), or undefined: the newest version over every run, tombstones applied. */
  get(key: Uint8Array): Uint8Array | undefined {
    let best: { seq: number; type: number; value: Uint8Array } | undefined;
    for (const c of this.cursors()) {
      c.seek(key);
      if (!c.valid || c.keyLen !== key.length || compareBytes(c.key, 0, c.keyLen, key, 0, key.length) !== 0) continue;
      if (best === undefined || c.seq > best.seq) best = { seq: c.seq, type: c.type, value: c.valueBuf.slice(c.valueOff, c.valueOff + c.valueLen) };
    }
    if (best === undefined || isDeletion(best.type)) return undefined;
    if (best.type !== TYPE_VALUE) {
      throw new MonctlError('DECODE_TOO_NEW', `key holds a value of RocksDB type ${best.type} (merge operands, blobs or wide columns)`, {
        actions: ["Ceph's monitors write plain values only; read this store with the ceph-kvstore-tool of the release that wrote it."],
      });
    }
    const covered = this.coveredBy();
    if (covered?.(key, key.length, best.seq)) return undefined;
    return best.value;
  }

  /**
   * Reads every data block of every live table (checksums verified) and reports what is
   * damaged; a WAL replay that stopped at a damaged record (not a torn tail at the end of
   * the file, which a killed or running monitor leaves) is reported too.
   */
  verifyFiles(): Array<{ file: string; offset?: number; message: string }> {
    const out: Array<{ file: string; offset?: number; message: string }> = [];
    for (const t of this.tables) {
      try {
        for (let i = 0; i < t.offsets.length; i++) t.dataBlock(i);
      } catch (e) {
        if (!(e instanceof MonctlError)) throw e;
        out.push({ file: t.name, ...(e.offset !== undefined ? { offset: e.offset } : {}), message: e.message });
      }
    }
    const s = this.wal.stopped;
    if (s && !s.why.startsWith('the log ends')) out.push({ file: s.log, offset: s.offset, message: `write-ahead log replay stops here: ${s.why}; later writes in it are lost on recovery` });
    return out;
  }

  close(): void {
    for (const r of this.runs) for (const t of r.tables) t.close();
  }
}

function userKey(internal: Uint8Array): Uint8Array {
  return internal.subarray(0, internal.length - 8);
}
