import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { UnsupportedStore } from './format.js';
import { readLogRecords } from './log.js';
import { readVersion } from './manifest.js';
import { tableFileName, TableCursor } from './table-cursor.js';
import { checkTableFile, storeFileError } from '../fs-errors.js';

function readFile(path: string, name: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw storeFileError(path, `write-ahead log ${name}`, e);
  }
}

export interface DamagedFile {
  file: string;
  offset?: number;
  message: string;
}

/**
 * What a LevelDB directory's own files prove damaged: CURRENT and the MANIFEST (read in
 * full, every record's CRC), every live table (there, of the recorded size, footer, index
 * and every data block's CRC32C, every entry parsed), and the write-ahead logs LevelDB would
 * replay (a record whose CRC fails; a tail cut short by a crash is not damage). One entry per
 * damaged file; [] when nothing is wrong.
 */
export function verifyLevelDbFiles(dbDir: string): DamagedFile[] {
  const out: DamagedFile[] = [];
  const report = (file: string, e: unknown) => {
    if (e instanceof MonctlError) out.push({ file, ...(e.offset !== undefined ? { offset: e.offset } : {}), message: e.message });
    else if (e instanceof UnsupportedStore) out.push({ file, message: e.reason });
    else throw e;
  };
  let version;
  try {
    version = readVersion(dbDir);
  } catch (e) {
    report('MANIFEST', e);
    return out;
  }
  const names = new Set(readdirSync(dbDir));
  for (const f of version.levels.flat()) {
    const name = tableFileName(f.number, names) ?? `${String(f.number).padStart(6, '0')}.ldb`;
    const path = join(dbDir, name);
    try {
      checkTableFile(path, version.manifest, f.size);
      const c = new TableCursor([path], [f], { verifyChecksums: true });
      for (c.seek(); c.valid; c.next());
    } catch (e) {
      report(name, e);
    }
  }
  for (const name of names) {
    const m = /^(\d+)\.log$/.exec(name);
    if (!m || (Number(m[1]) < version.logNumber && Number(m[1]) !== version.prevLogNumber)) continue;
    try {
      readLogRecords(readFile(join(dbDir, name), name), name);
    } catch (e) {
      if (e instanceof UnsupportedStore && e.tornTail) continue;
      report(name, e);
    }
  }
  return out;
}
