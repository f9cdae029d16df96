import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../errors.js';
import { isNoSpace, noSpaceError } from './fs-errors.js';
import type { RawBatchOp } from './backend.js';
import { leveldbCrc } from './leveldb-reader/format.js';
import { HEADER_SIZE, LOG_BLOCK_SIZE } from './rocksdb-reader/log.js';
import { TYPE_DELETION, TYPE_VALUE } from './rocksdb-reader/types.js';

const MASK_DELTA = 0xa282ead8;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const TMP_SUFFIX = '.monctl-tmp';

function varint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/**
 * A WriteBatch (db/write_batch.cc rep): fixed64 first sequence, fixed32 count, then one
 * `Put key value` or `Delete key` record per op, all in the default column family. Every
 * RocksDB release reads this encoding.
 */
export function encodeWriteBatch(firstSeq: number, ops: RawBatchOp[]): Uint8Array {
  let size = 12;
  for (const op of ops) size += 1 + 5 + op.key.length + (op.type === 'put' ? 5 + op.value.length : 0);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32LE(firstSeq % 0x100000000, 0);
  out.writeUInt32LE(Math.floor(firstSeq / 0x100000000), 4);
  out.writeUInt32LE(ops.length, 8);
  let o = 12;
  const bytes = (b: Uint8Array) => {
    const v: number[] = [];
    varint(v, b.length);
    for (const x of v) out[o++] = x;
    out.set(b, o);
    o += b.length;
  };
  for (const op of ops) {
    out[o++] = op.type === 'put' ? TYPE_VALUE : TYPE_DELETION;
    bytes(op.key);
    if (op.type === 'put') bytes(op.value);
  }
  return out.subarray(0, o);
}

/**
 * A log file holding `record` (db/log_writer.cc, the legacy non-recyclable format every
 * release reads): 32 KiB blocks, each fragment behind a 7-byte header of masked CRC32C
 * (over the type byte and the payload), length and type; block tails under 7 bytes zeroed.
 */
export function encodeLogFile(record: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let pos = 0; // position in the file
  let left = record.length;
  let at = 0;
  let first = true;
  do {
    const room = LOG_BLOCK_SIZE - (pos % LOG_BLOCK_SIZE);
    if (room < HEADER_SIZE) {
      chunks.push(new Uint8Array(room));
      pos += room;
      continue;
    }
    const n = Math.min(left, room - HEADER_SIZE);
    const end = n === left;
    const type = first && end ? FULL : first ? FIRST : end ? LAST : MIDDLE;
    const payload = record.subarray(at, at + n);
    const header = Buffer.alloc(HEADER_SIZE);
    header[6] = type;
    const crc = leveldbCrc(header.subarray(6, 7), payload);
    header.writeUInt32LE((((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0, 0);
    header.writeUInt16LE(n, 4);
    chunks.push(header, payload);
    pos += HEADER_SIZE + n;
    at += n;
    left -= n;
    first = false;
  } while (left > 0);
  return Buffer.concat(chunks);
}

/** A number no file of the store uses yet, at least the MANIFEST's next file number. */
export function freshFileNumber(dbDir: string, nextFileNumber: number): number {
  let max = nextFileNumber;
  for (const name of readdirSync(dbDir)) {
    const m = /^(?:MANIFEST-|OPTIONS-)?(\d+)(?:\.\w+)?/.exec(name);
    if (m) max = Math.max(max, Number(m[1]) + 1);
  }
  return max;
}

/**
 * Commits `ops` to a RocksDB store without opening it with RocksDB: one new write-ahead log
 * `<n>.log` holding one WriteBatch at sequence `lastSequence + 1`, written beside the store
 * under a temporary name, synced, renamed into place and the directory synced. A RocksDB
 * that opens the store (ceph-mon, ceph-kvstore-tool) replays it like any log a monitor left
 * unflushed, so the store's own release writes every table. A crash before the rename
 * leaves only the temporary file, which RocksDB ignores and the next write removes: the
 * store is exactly old or exactly new. The caller holds the store's LOCK.
 */
export function appendWal(dbDir: string, state: { nextFileNumber: number; lastSequence: number }, ops: RawBatchOp[]): { file: string; sequence: number } {
  for (const name of readdirSync(dbDir)) if (name.endsWith(TMP_SUFFIX)) rmSync(join(dbDir, name), { force: true });
  const number = freshFileNumber(dbDir, state.nextFileNumber);
  const name = `${String(number).padStart(6, '0')}.log`;
  const tmp = join(dbDir, name + TMP_SUFFIX);
  const bytes = encodeLogFile(encodeWriteBatch(state.lastSequence + 1, ops));
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dbDir, name));
    const dir = openSync(dbDir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    if (isNoSpace(e)) throw noSpaceError(`${name} in ${dbDir}`, e, ['The store is unchanged.']);
    throw new MonctlError('IO_ERROR', `cannot write ${name} in ${dbDir}: ${(e as Error).message}`, {
      cause: e,
      actions: ['Free space on the store\'s file system (or fix its permissions); the store is unchanged.'],
    });
  }
  return { file: name, sequence: state.lastSequence + 1 };
}
