/**
 * pg_merge_meta_t (Ceph src/osd/osd_types.cc pg_merge_meta_t::encode): the last PG merge of a pool. Envelope v1 compat 1:
 * source_pgid, ready_epoch, last_epoch_started, last_epoch_clean, source_version,
 * target_version (eversion_t: u64 version, u32 epoch; printed `epoch'version`).
 */
import { Reader, Writer } from '../encoding/index.js';
import { decodePg, encodePg, formatPg, type PgId } from './pg.js';

export interface EVersion {
  version: bigint;
  epoch: number;
}

export interface PgMergeMeta {
  sourcePgid: PgId;
  readyEpoch: number;
  lastEpochStarted: number;
  lastEpochClean: number;
  sourceVersion: EVersion;
  targetVersion: EVersion;
  tail?: Uint8Array;
}

export function emptyPgMergeMeta(): PgMergeMeta {
  const zero = (): EVersion => ({ version: 0n, epoch: 0 });
  return {
    sourcePgid: { pool: 0, seed: 0 },
    readyEpoch: 0,
    lastEpochStarted: 0,
    lastEpochClean: 0,
    sourceVersion: zero(),
    targetVersion: zero(),
  };
}

function decodeEVersion(r: Reader): EVersion {
  return { version: r.u64('eversion_t version'), epoch: r.u32('eversion_t epoch') };
}

export function formatEVersion(e: EVersion): string {
  return `${e.epoch}'${e.version}`;
}

export function decodePgMergeMeta(r: Reader): PgMergeMeta {
  const env = r.envelope('pg_merge_meta_t', 1);
  const m: PgMergeMeta = {
    sourcePgid: decodePg(r),
    readyEpoch: r.u32('pg_merge_meta_t ready_epoch'),
    lastEpochStarted: r.u32('pg_merge_meta_t last_epoch_started'),
    lastEpochClean: r.u32('pg_merge_meta_t last_epoch_clean'),
    sourceVersion: decodeEVersion(r),
    targetVersion: decodeEVersion(r),
  };
  const tail = r.finish(env, 'pg_merge_meta_t');
  if (tail.length > 0) m.tail = tail;
  return m;
}

export function encodePgMergeMeta(w: Writer, m: PgMergeMeta): void {
  const mark = w.envelope(1, 1);
  encodePg(w, m.sourcePgid);
  w.u32(m.readyEpoch).u32(m.lastEpochStarted).u32(m.lastEpochClean);
  w.u64(m.sourceVersion.version).u32(m.sourceVersion.epoch);
  w.u64(m.targetVersion.version).u32(m.targetVersion.epoch);
  if (m.tail) w.raw(m.tail);
  w.finish(mark);
}

export function dumpPgMergeMeta(m: PgMergeMeta): Record<string, unknown> {
  return {
    source_pgid: formatPg(m.sourcePgid),
    ready_epoch: m.readyEpoch,
    last_epoch_started: m.lastEpochStarted,
    last_epoch_clean: m.lastEpochClean,
    source_version: formatEVersion(m.sourceVersion),
    target_version: formatEVersion(m.targetVersion),
  };
}
