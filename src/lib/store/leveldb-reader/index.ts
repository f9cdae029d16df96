import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MemCursor } from './mem-cursor.js';
import { readVersion, type DbVersion } from './manifest.js';
import { replayLogs, type MemEntry } from './memtable.js';
import { MergedCursor } from './merge.js';
import { compareBytes, UnsupportedStore } from './format.js';
import { tableFileName, TableCursor, type TableOptions } from './table-cursor.js';
import type { InternalCursor } from './cursor.js';

export { UnsupportedStore } from './format.js';
export type { MergedCursor } from './merge.js';

/**
 * A read-only LevelDB reader in TypeScript, for listings: CURRENT → MANIFEST (live table
 * files per level) → write-ahead logs replayed into a memtable → a merge over memtable,
 * level-0 files and levels >= 1. It opens files for reading only, takes no LOCK and writes
 * nothing, so it needs no snapshot. `open` throws UnsupportedStore for anything it does not
 * handle (see format.ts); the caller then uses classic-level.
 */
export class LevelDbReader {
  private constructor(
    readonly version: DbVersion,
    private readonly mem: MemEntry[],
    private readonly tables: Array<{ paths: string[]; files: DbVersion['levels'][number] }>,
    private readonly opts: TableOptions,
  ) {}

  static open(dbDir: string, opts: Partial<TableOptions> = {}): LevelDbReader {
    let version: DbVersion;
    let mem: MemEntry[];
    try {
      version = readVersion(dbDir);
      mem = replayLogs(dbDir, version);
    } catch (e) {
      // A missing or unreadable CURRENT/MANIFEST/log: LevelDB itself says what is wrong.
      if ((e as NodeJS.ErrnoException).code !== undefined) throw new UnsupportedStore(`${(e as Error).message}`);
      throw e;
    }
    const runs: Array<{ paths: string[]; files: DbVersion['levels'][number] }> = [];
    const names = new Set(readdirSync(dbDir));
    const path = (n: number) => {
      const name = tableFileName(n, names);
      if (name === undefined) throw new UnsupportedStore(`table file ${n} is missing`);
      return join(dbDir, name);
    };
    // Level 0 files overlap each other: one run per file. Higher levels: one run per level.
    for (const f of version.levels[0] ?? []) runs.push({ paths: [path(f.number)], files: [f] });
    for (const files of version.levels.slice(1)) {
      if (files.length === 0) continue;
      const sorted = [...files].sort((a, b) => compareBytes(a.smallest, 0, a.smallest.length - 8, b.smallest, 0, b.smallest.length - 8));
      runs.push({ paths: sorted.map((f) => path(f.number)), files: sorted });
    }
    return new LevelDbReader(version, mem, runs, { verifyChecksums: opts.verifyChecksums ?? false });
  }

  /** The live entries in [gte, lt), in key order. */
  iterate(gte?: Uint8Array, lt?: Uint8Array): MergedCursor {
    const runs: InternalCursor[] = [new MemCursor(this.mem), ...this.tables.map((t) => new TableCursor(t.paths, t.files, this.opts))];
    return new MergedCursor(runs, gte, lt);
  }
}
