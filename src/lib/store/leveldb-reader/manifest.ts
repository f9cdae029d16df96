import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { damagedFileError, storeFileError } from '../fs-errors.js';
import { ByteCursor, UnsupportedStore } from './format.js';
import { readLogRecords } from './log.js';

/** One table file of a version (FileMetaData): keys are internal keys. */
export interface TableFile {
  number: number;
  size: number;
  smallest: Uint8Array;
  largest: Uint8Array;
}

/** The current Version of a LevelDB directory, as replaying its MANIFEST gives it. */
export interface DbVersion {
  manifest: string;
  comparator?: string;
  logNumber: number;
  prevLogNumber: number;
  nextFileNumber: number;
  lastSequence: number;
  /** Live table files per level (level 0 may overlap; higher levels do not). */
  levels: TableFile[][];
}

/** version_edit.cc tags. Tag 8 (large value refs) was dropped from LevelDB long ago. */
const COMPARATOR = 1;
const LOG_NUMBER = 2;
const NEXT_FILE_NUMBER = 3;
const LAST_SEQUENCE = 4;
const COMPACT_POINTER = 5;
const DELETED_FILE = 6;
const NEW_FILE = 7;
const PREV_LOG_NUMBER = 9;
const NUM_LEVELS = 7;
export const BYTEWISE_COMPARATOR = 'leveldb.BytewiseComparator';

/** A file of the store, read whole; a missing or unreadable one is a typed error naming it. */
function readStoreFile(dbDir: string, name: string, what: string): Buffer {
  try {
    return readFileSync(join(dbDir, name));
  } catch (e) {
    throw storeFileError(join(dbDir, name), what, e);
  }
}

/**
 * CURRENT names the MANIFEST; every record in it is a VersionEdit applied in order. A
 * damaged CURRENT or MANIFEST is a typed error (LevelDB's VersionSet::Recover refuses them
 * too); a MANIFEST whose last record was cut short (a crash while writing it) and a comparator
 * other than bytewise are UnsupportedStore, left to LevelDB itself.
 */
export function readVersion(dbDir: string): DbVersion {
  const current = readStoreFile(dbDir, 'CURRENT', 'CURRENT (the file naming the live MANIFEST)').toString('latin1');
  if (!/^MANIFEST-\d+\n$/.test(current)) {
    throw damagedFileError(join(dbDir, 'CURRENT'), `CURRENT does not name a MANIFEST (${JSON.stringify(current.slice(0, 40))})`);
  }
  const manifest = current.slice(0, -1);
  const bytes = readStoreFile(dbDir, manifest, `${manifest}, which CURRENT names,`);
  const path = join(dbDir, manifest);
  const files = Array.from({ length: NUM_LEVELS }, () => new Map<number, TableFile>());
  const v: DbVersion = { manifest, logNumber: 0, prevLogNumber: 0, nextFileNumber: 0, lastSequence: 0, levels: [] };
  let haveNextFile = false;
  try {
    for (const record of readLogRecords(bytes, manifest)) haveNextFile = applyEdit(v, files, new ByteCursor(record)) || haveNextFile;
  } catch (e) {
    if (!(e instanceof UnsupportedStore) || e.tornTail) throw e;
    throw damagedFileError(path, e.reason.replace(`${manifest}: `, ''));
  }
  // VersionSet::Recover: a descriptor without a next-file entry is corrupt (an empty or zeroed MANIFEST).
  if (!haveNextFile) throw damagedFileError(path, bytes.length === 0 ? 'the MANIFEST is empty' : 'the MANIFEST holds no complete version (no next-file entry)');
  if (v.comparator !== undefined && v.comparator !== BYTEWISE_COMPARATOR) {
    throw new UnsupportedStore(`comparator ${v.comparator}`);
  }
  v.levels = files.map((m) => [...m.values()]);
  return v;
}

function level(c: ByteCursor): number {
  const l = c.varint('level');
  if (l >= NUM_LEVELS) throw new UnsupportedStore(`level ${l} out of range`);
  return l;
}

/** Applies one VersionEdit; true when it carried the next file number. */
function applyEdit(v: DbVersion, files: Array<Map<number, TableFile>>, c: ByteCursor): boolean {
  let nextFile = false;
  while (!c.done) {
    const tag = c.varint('tag');
    switch (tag) {
      case COMPARATOR:
        v.comparator = Buffer.from(c.slice('comparator')).toString('latin1');
        break;
      case LOG_NUMBER:
        v.logNumber = c.varint('log number');
        break;
      case NEXT_FILE_NUMBER:
        v.nextFileNumber = c.varint('next file number');
        nextFile = true;
        break;
      case LAST_SEQUENCE:
        v.lastSequence = c.varint('last sequence');
        break;
      case COMPACT_POINTER:
        level(c);
        c.slice('compact pointer');
        break;
      case DELETED_FILE: {
        const l = level(c);
        files[l]!.delete(c.varint('file number'));
        break;
      }
      case NEW_FILE: {
        const l = level(c);
        const number = c.varint('file number');
        const size = c.varint('file size');
        const smallest = c.slice('smallest key').slice();
        const largest = c.slice('largest key').slice();
        if (smallest.length < 8 || largest.length < 8) throw new UnsupportedStore('table bound shorter than an internal key');
        files[l]!.set(number, { number, size, smallest, largest });
        break;
      }
      case PREV_LOG_NUMBER:
        v.prevLogNumber = c.varint('prev log number');
        break;
      default:
        throw new UnsupportedStore(`unknown MANIFEST tag ${tag}`);
    }
  }
  return nextFile;
}
