import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MonctlError } from '../../errors.js';
import { checkTableFile } from '../fs-errors.js';
import { MemCursor } from './mem-cursor.js';
import { readVersion, type DbVersion, type TableFile } from './manifest.js';
import { replayLogs, type MemEntry } from './memtable.js';
import { MergedCursor } from './merge.js';
import { compareBytes, UnsupportedStore } from './format.js';
import { checkTableMagic, tableFileName, TableCursor, type TableOptions } from './table-cursor.js';
import type { InternalCursor } from './cursor.js';

export { UnsupportedStore } from './format.js';
export type { MergedCursor } from './merge.js';

/**
 * A read-only LevelDB reader in TypeScript, for listings: CURRENT → MANIFEST (live table
 * files per level) → write-ahead logs replayed into a memtable → a merge over memtable,
 * level-0 files and levels >= 1. It opens files for reading only, takes no LOCK and writes
 * nothing, so it needs no snapshot. `open` throws UnsupportedStore for anything it does not
 * handle (see format.ts); the caller then uses classic-level. A damaged store (CURRENT,
 * MANIFEST, a missing or resized table, a block whose checksum fails) is a MonctlError
 * naming the file: LevelDB would refuse it too, and its own messages name no file.
 */
export class LevelDbReader {
  private constructor(
    readonly version: DbVersion,
    private readonly mem: MemEntry[],
    private readonly tables: Array<{ paths: string[]; files: DbVersion['levels'][number] }>,
    private readonly opts: TableOptions,
  ) {}

  static open(dbDir: string, opts: Partial<TableOptions> = {}): LevelDbReader {
    // A running monitor may switch MANIFESTs or delete a compacted table between our reads.
    for (let attempt = 1; ; attempt++) {
      try {
        return LevelDbReader.openOnce(dbDir, opts);
      } catch (e) {
        if (attempt >= 3 || !(e instanceof MonctlError && e.code === 'STORE_OPEN_FAILED' && / is missing /.test(e.message))) throw e;
      }
    }
  }

  private static openOnce(dbDir: string, opts: Partial<TableOptions>): LevelDbReader {
    const version = readVersion(dbDir);
    let mem: MemEntry[];
    try {
      mem = replayLogs(dbDir, version);
    } catch (e) {
      // A log LevelDB itself would recover differently, or cannot be read here: LevelDB says.
      if ((e as NodeJS.ErrnoException).code !== undefined) throw new UnsupportedStore(`${(e as Error).message}`);
      throw e;
    }
    const runs: Array<{ paths: string[]; files: DbVersion['levels'][number] }> = [];
    const names = new Set(readdirSync(dbDir));
    const path = (f: TableFile) => {
      const name = tableFileName(f.number, names) ?? `${String(f.number).padStart(6, '0')}.ldb`;
      checkTableFile(join(dbDir, name), version.manifest, f.size);
      return join(dbDir, name);
    };
    // Level 0 files overlap each other: one run per file. Higher levels: one run per level.
    for (const f of version.levels[0] ?? []) runs.push({ paths: [path(f)], files: [f] });
    for (const files of version.levels.slice(1)) {
      if (files.length === 0) continue;
      const sorted = [...files].sort((a, b) => compareBytes(a.smallest, 0, a.smallest.length - 8, b.smallest, 0, b.smallest.length - 8));
      runs.push({ paths: sorted.map((f) => path(f)), files: sorted });
    }
    return new LevelDbReader(version, mem, runs, { verifyChecksums: opts.verifyChecksums ?? true });
  }

  /** Every live table's footer magic (a cheap check before LevelDB writes to the store). */
  checkTableFooters(): void {
    for (const t of this.tables) for (const p of t.paths) checkTableMagic(p);
  }

  /** Every live table file (path and MANIFEST entry), for checks. */
  get tableFiles(): Array<{ path: string; file: TableFile }> {
    return this.tables.flatMap((t) => t.paths.map((path, i) => ({ path, file: t.files[i]! })));
  }

  /** The live entries in [gte, lt), in key order. */
  iterate(gte?: Uint8Array, lt?: Uint8Array): MergedCursor {
    const runs: InternalCursor[] = [new MemCursor(this.mem), ...this.tables.map((t) => new TableCursor(t.paths, t.files, this.opts))];
    return new MergedCursor(runs, gte, lt);
  }
}
