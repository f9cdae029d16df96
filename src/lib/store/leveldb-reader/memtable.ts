import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteCursor, TYPE_DELETION, TYPE_VALUE, UnsupportedStore } from './format.js';
import { readLogRecords } from './log.js';
import type { DbVersion } from './manifest.js';

/** The newest write of one user key found in the write-ahead logs. */
export interface MemEntry {
  key: Uint8Array;
  seq: number;
  type: number;
  value: Uint8Array;
}

/**
 * Replays the write-ahead logs LevelDB would replay on open (DBImpl::Recover: every
 * `<n>.log` with n >= the MANIFEST's log number, or n == its prev log number, in number
 * order) into a sorted memtable. Only the last write of each key is kept: every log is
 * newer than every table file, and the merge orders versions by sequence anyway.
 */
export function replayLogs(dbDir: string, version: DbVersion): MemEntry[] {
  const logs = readdirSync(dbDir)
    .map((name) => /^(\d+)\.log$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], number: Number(m[1]) }))
    .filter((l) => l.number >= version.logNumber || l.number === version.prevLogNumber)
    .sort((a, b) => a.number - b.number);
  const latest = new Map<string, MemEntry>();
  for (const log of logs) {
    for (const record of readLogRecords(readFileSync(join(dbDir, log.name)), log.name)) applyBatch(record, latest, log.name);
  }
  return [...latest.values()].sort((a, b) => Buffer.compare(a.key, b.key));
}

/** write_batch.cc: fixed64 sequence, fixed32 count, then `type key [value]` records. */
function applyBatch(record: Uint8Array, latest: Map<string, MemEntry>, name: string): void {
  const c = new ByteCursor(record);
  let seq = c.fixed64(`${name} batch sequence`);
  const count = c.fixed32(`${name} batch count`);
  for (let i = 0; i < count; i++, seq++) {
    const type = c.u8(`${name} batch record type`);
    if (type !== TYPE_VALUE && type !== TYPE_DELETION) throw new UnsupportedStore(`${name}: unknown batch record type ${type}`);
    const key = c.slice(`${name} batch key`);
    const value = type === TYPE_VALUE ? c.slice(`${name} batch value`) : new Uint8Array(0);
    latest.set(Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1'), { key, seq, type, value });
  }
  if (!c.done) throw new UnsupportedStore(`${name}: batch has bytes past its ${count} records`);
}
