import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { ByteCursor, UnsupportedStore } from '../leveldb-reader/format.js';
import type { MemEntry } from '../leveldb-reader/memtable.js';
import { readLogFile } from './log.js';
import type { RocksVersion } from './manifest.js';
import * as V from './types.js';

export interface WalReplay {
  /** The newest write of each key found in the logs, sorted by key. */
  mem: MemEntry[];
  tombstones: V.RangeTombstone[];
  /** The highest sequence number any replayed write used (0 if none). */
  lastSequence: number;
  /** Log files replayed, by number. */
  logs: number[];
  /** Where replay stopped early (a torn or damaged record), as RocksDB's point-in-time recovery would. */
  stopped?: { log: string; offset: number; why: string };
  /** One past the last replayed write (RocksDB's next_sequence); undefined if no write was replayed. */
  nextSequence?: number;
  /**
   * Replay ended at a torn or damaged record: RocksDB replays a log written after it only
   * from a batch that starts exactly at `nextSequence` (and none at all without one).
   */
  cut: boolean;
}

/** `<n>.log` files of the directory, by number. */
export function walFiles(dbDir: string): Array<{ name: string; number: number }> {
  return readdirSync(dbDir)
    .map((name) => /^(\d+)\.log$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], number: Number(m[1]) }))
    .sort((a, b) => a.number - b.number);
}

/**
 * Replays the write-ahead logs RocksDB would replay on open (DBImpl::RecoverLogFiles): every
 * log at or above the oldest unflushed one of some column family, in number order, each
 * write applied only to families whose flushed state does not already hold it. Replay stops
 * at the first torn or damaged record, as the default WALRecoveryMode (point in time) does,
 * and resumes in a later log only at a batch whose sequence number follows the last one
 * replayed (a write made after the damage, as a reopened RocksDB or monctl's appendWal makes).
 */
export function replayWal(dbDir: string, version: RocksVersion): WalReplay {
  const minLog = Math.min(...[...version.families.values()].map((f) => f.logNumber));
  const logs = walFiles(dbDir).filter((l) => l.number >= minLog || l.number === version.prevLogNumber);
  const latest = new Map<string, MemEntry>();
  const out: WalReplay = { mem: [], tombstones: [], lastSequence: 0, logs: [], cut: false };
  for (const log of logs) {
    let file: Uint8Array;
    try {
      file = readFileSync(join(dbDir, log.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // a live mon flushed and deleted it
      throw e;
    }
    out.logs.push(log.number);
    const read = readLogFile(file, log.number);
    if (read.unsupported) {
      throw new MonctlError('DECODE_TOO_NEW', `RocksDB write-ahead log ${log.name} in ${dbDir} uses ${read.unsupported}`, {
        actions: ['Read this store with the ceph-kvstore-tool of the Ceph release that wrote it.'],
      });
    }
    for (const record of read.records) {
      if (out.cut) {
        // DBImpl::RecoverLogFiles: past the damage, a log counts from a consecutive batch on; the rest of one that is not is dropped.
        if (record.length < 12 || out.nextSequence === undefined || new ByteCursor(record).fixed64('batch sequence') !== out.nextSequence) break;
        out.cut = false;
      }
      try {
        out.nextSequence = applyBatch(record, log.number, version, latest, out);
      } catch (e) {
        if (!(e instanceof UnsupportedStore)) throw e;
        throw new MonctlError('DECODE_TOO_NEW', `RocksDB write-ahead log ${log.name} in ${dbDir} holds ${e.reason}`, {
          actions: ['This is not a write Ceph monitors make; read the store with the ceph-kvstore-tool of its release.'],
        });
      }
    }
    if (read.stop) {
      out.stopped ??= { log: log.name, ...read.stop };
      out.cut = true;
    }
  }
  out.mem = [...latest.values()].sort((a, b) => Buffer.compare(a.key, b.key));
  return out;
}

/** db/write_batch.cc: fixed64 sequence, fixed32 count, then tagged records. Returns the sequence number after the batch. */
function applyBatch(record: Uint8Array, logNumber: number, version: RocksVersion, latest: Map<string, MemEntry>, out: WalReplay): number {
  const c = new ByteCursor(record);
  let seq = c.fixed64('batch sequence');
  const count = c.fixed32('batch count');
  let used = 0;
  const live = (cf: number) => {
    const f = version.families.get(cf);
    if (!f) throw new UnsupportedStore(`a write to column family ${cf}, which the MANIFEST does not know`);
    return logNumber >= f.logNumber;
  };
  const put = (cf: number, type: number, key: Uint8Array, value: Uint8Array) => {
    if (cf !== 0) throw new UnsupportedStore(`a write to column family ${cf} (sharded stores are not monitor stores)`);
    if (live(cf)) latest.set(Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1'), { key, seq, type, value });
    seq++;
    used++;
  };
  const empty = new Uint8Array(0);
  while (!c.done) {
    const tag = c.u8('batch record type');
    switch (tag) {
      case V.TYPE_VALUE: put(0, V.TYPE_VALUE, c.slice('key'), c.slice('value')); break;
      case V.TYPE_CF_VALUE: { const cf = c.varint('cf'); put(cf, V.TYPE_VALUE, c.slice('key'), c.slice('value')); break; }
      case V.TYPE_DELETION: case V.TYPE_SINGLE_DELETION: case V.TYPE_DELETION_WITH_TIMESTAMP:
        put(0, V.TYPE_DELETION, c.slice('key'), empty); break;
      case V.TYPE_CF_DELETION: case V.TYPE_CF_SINGLE_DELETION: { const cf = c.varint('cf'); put(cf, V.TYPE_DELETION, c.slice('key'), empty); break; }
      case V.TYPE_RANGE_DELETION: case V.TYPE_CF_RANGE_DELETION: {
        const cf = tag === V.TYPE_CF_RANGE_DELETION ? c.varint('cf') : 0;
        if (cf !== 0) throw new UnsupportedStore(`a range deletion in column family ${cf}`);
        const start = c.slice('range start');
        const end = c.slice('range end');
        if (live(cf)) out.tombstones.push({ start, end, seq });
        seq++;
        used++;
        break;
      }
      case V.TYPE_LOG_DATA: c.slice('log data'); break;
      case V.TYPE_NOOP: break;
      case V.TYPE_MERGE: case V.TYPE_CF_MERGE: throw new UnsupportedStore('a merge operand');
      default: throw new UnsupportedStore(`write batch record type ${tag}`);
    }
  }
  if (used !== count) throw new UnsupportedStore(`a write batch that says ${count} records but holds ${used}`);
  if (used > 0) out.lastSequence = Math.max(out.lastSequence, seq - 1);
  return seq;
}
