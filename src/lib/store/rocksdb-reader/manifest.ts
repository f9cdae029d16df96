import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { ByteCursor, UnsupportedStore } from '../leveldb-reader/format.js';
import { readLogFile } from './log.js';
import { BYTEWISE_COMPARATOR } from './types.js';

/** One live table file (FileMetaData); keys are internal keys. */
export interface SstFile {
  number: number;
  size: number;
  smallest: Uint8Array;
  largest: Uint8Array;
  largestSeq: number;
}

export interface ColumnFamily {
  id: number;
  name: string;
  comparator?: string;
  /** WALs below this number hold nothing unflushed for this family. */
  logNumber: number;
  levels: Array<Map<number, SstFile>>;
}

/** The current Version of a RocksDB directory, as replaying its MANIFEST gives it. */
export interface RocksVersion {
  manifest: string;
  nextFileNumber: number;
  lastSequence: number;
  prevLogNumber: number;
  minLogNumberToKeep: number;
  families: Map<number, ColumnFamily>;
}

/** db/version_edit.h tags. */
const T = {
  comparator: 1, logNumber: 2, nextFile: 3, lastSequence: 4, compactCursor: 5, deletedFile: 6, newFile: 7,
  prevLogNumber: 9, minLogToKeep: 10, newFile2: 100, newFile3: 102, newFile4: 103, columnFamily: 200,
  cfAdd: 201, cfDrop: 202, maxColumnFamily: 203, inAtomicGroup: 300, blobAdd: 400, blobGarbage: 401,
  safeIgnore: 1 << 13, dbId: (1 << 13) + 1, walAddition: (1 << 13) + 4, walDeletion: (1 << 13) + 5,
} as const;
/** NewFile4 custom fields: 1 ends them; an unknown one with this bit must not be ignored. */
const CUSTOM_TERMINATE = 1;
const CUSTOM_NON_SAFE_IGNORE = 1 << 6;
const MAX_LEVELS = 64;

const unreadable = (dbDir: string, file: string, why: string, offset?: number) =>
  new MonctlError('DECODE_INVALID', `RocksDB ${file} in ${dbDir} cannot be read: ${why}`, {
    ...(offset !== undefined ? { offset } : {}),
    actions: ['The store is damaged: restore store.db from a backup, or rebuild this monitor from its peers.'],
  });

/** CURRENT names the MANIFEST; each of its records is a VersionEdit applied in order. */
export function readRocksVersion(dbDir: string): RocksVersion {
  let current: string;
  try {
    current = readFileSync(join(dbDir, 'CURRENT'), 'latin1');
  } catch (e) {
    throw new MonctlError('STORE_OPEN_FAILED', `${dbDir} has no readable CURRENT file: ${(e as Error).message}`, {
      cause: e,
      actions: ['Point --store at a monitor data dir or its store.db; a store.db without CURRENT is damaged.'],
    });
  }
  if (!/^MANIFEST-\d+\n$/.test(current)) throw unreadable(dbDir, 'CURRENT', `it does not name a MANIFEST (${JSON.stringify(current.slice(0, 40))})`);
  const manifest = current.slice(0, -1);
  const file = readFileSync(join(dbDir, manifest)); // ENOENT: the caller retries (a live mon switched MANIFESTs)
  const log = readLogFile(file, Number(manifest.slice(9)));
  // A torn last record is a MANIFEST write still in flight: RocksDB ignores it as well.
  if (log.stop && !log.stop.why.startsWith('the log ends')) throw unreadable(dbDir, manifest, log.stop.why, log.stop.offset);
  if (log.unsupported) throw unreadable(dbDir, manifest, log.unsupported);
  if (log.records.length === 0) throw unreadable(dbDir, manifest, 'it holds no version edit (empty or zeroed)');
  const v: RocksVersion = { manifest, nextFileNumber: 0, lastSequence: 0, prevLogNumber: 0, minLogNumberToKeep: 0, families: new Map() };
  v.families.set(0, { id: 0, name: 'default', logNumber: 0, levels: [] });
  for (const record of log.records) {
    try {
      applyEdit(v, new ByteCursor(record));
    } catch (e) {
      if (e instanceof UnsupportedStore) throw unreadable(dbDir, manifest, e.reason);
      throw e;
    }
  }
  for (const cf of v.families.values()) {
    if (cf.comparator !== undefined && cf.comparator !== BYTEWISE_COMPARATOR) {
      throw new MonctlError('DECODE_TOO_NEW', `RocksDB store ${dbDir} orders keys with comparator ${cf.comparator}`, {
        actions: ["Ceph's monitors use RocksDB's bytewise comparator; this is not a monitor store monctl can read."],
      });
    }
  }
  return v;
}

function family(v: RocksVersion, id: number): ColumnFamily {
  const cf = v.families.get(id);
  if (!cf) throw new UnsupportedStore(`an edit names column family ${id}, which was never added`);
  return cf;
}

function levelOf(cf: ColumnFamily, level: number): Map<number, SstFile> {
  if (level >= MAX_LEVELS) throw new UnsupportedStore(`level ${level} out of range`);
  while (cf.levels.length <= level) cf.levels.push(new Map());
  return cf.levels[level]!;
}

function applyEdit(v: RocksVersion, c: ByteCursor): void {
  let cfId = 0;
  const added: Array<{ level: number; f: SstFile }> = [];
  const deleted: Array<{ level: number; number: number }> = [];
  let logNumber: number | undefined;
  let comparator: string | undefined;
  let addName: string | undefined;
  let drop = false;
  while (!c.done) {
    const tag = c.varint('tag');
    switch (tag) {
      case T.comparator: comparator = Buffer.from(c.slice('comparator')).toString('latin1'); break;
      case T.logNumber: logNumber = c.varint('log number'); break;
      case T.nextFile: v.nextFileNumber = c.varint('next file number'); break;
      case T.lastSequence: v.lastSequence = c.varint('last sequence'); break;
      case T.prevLogNumber: v.prevLogNumber = c.varint('prev log number'); break;
      case T.minLogToKeep: v.minLogNumberToKeep = c.varint('min log number to keep'); break;
      case T.compactCursor: c.varint('level'); c.slice('compact cursor'); break;
      case T.deletedFile: deleted.push({ level: c.varint('level'), number: c.varint('file number') }); break;
      case T.newFile: case T.newFile2: case T.newFile3: case T.newFile4: added.push(newFile(tag, c)); break;
      case T.columnFamily: cfId = c.varint('column family'); break;
      case T.cfAdd: addName = Buffer.from(c.slice('column family name')).toString('latin1'); break;
      case T.cfDrop: drop = true; break;
      case T.maxColumnFamily: c.varint('max column family'); break;
      case T.inAtomicGroup: c.varint('atomic group remaining'); break;
      case T.walAddition: walAddition(c); break;
      case T.walDeletion: c.varint('wal number'); break;
      case T.blobAdd: case T.blobGarbage: throw new UnsupportedStore('blob files (BlobDB)');
      default:
        if (tag & T.safeIgnore) c.slice(`ignorable tag ${tag}`);
        else throw new UnsupportedStore(`unknown MANIFEST tag ${tag}`);
    }
  }
  if (addName !== undefined) v.families.set(cfId, { id: cfId, name: addName, logNumber: 0, levels: [] });
  if (drop) {
    v.families.delete(cfId);
    return;
  }
  const cf = family(v, cfId);
  if (comparator !== undefined) cf.comparator = comparator;
  if (logNumber !== undefined) cf.logNumber = logNumber;
  for (const d of deleted) levelOf(cf, d.level).delete(d.number);
  for (const a of added) levelOf(cf, a.level).set(a.f.number, a.f);
}

function newFile(tag: number, c: ByteCursor): { level: number; f: SstFile } {
  const level = c.varint('level');
  const number = c.varint('file number');
  if (tag === T.newFile3) c.varint('path id');
  const size = c.varint('file size');
  const smallest = c.slice('smallest key').slice();
  const largest = c.slice('largest key').slice();
  if (smallest.length < 8 || largest.length < 8) throw new UnsupportedStore('a file bound shorter than an internal key');
  let largestSeq = Number.MAX_SAFE_INTEGER;
  if (tag !== T.newFile) {
    c.varint('smallest seqno');
    largestSeq = c.varint('largest seqno');
  }
  if (tag === T.newFile4) {
    for (;;) {
      const custom = c.varint('custom tag');
      if (custom === CUSTOM_TERMINATE) break;
      const field = c.slice(`custom field ${custom}`);
      if (custom & CUSTOM_NON_SAFE_IGNORE && field.length > 0) {
        // kPathId (65) with path 0 is the only such field a single-path store can carry.
        if (custom !== 65 || field[0] !== 0) throw new UnsupportedStore(`table file field ${custom}`);
      }
    }
  }
  return { level, f: { number, size, smallest, largest, largestSeq } };
}

/** WalAddition (db/wal_edit.cc): a number, then tagged fields up to a terminator. */
function walAddition(c: ByteCursor): void {
  c.varint('wal number');
  for (;;) {
    const tag = c.varint('wal tag');
    if (tag === 1) return;
    if (tag === 2) c.varint('wal synced size');
    else throw new UnsupportedStore(`WAL addition tag ${tag}`);
  }
}
