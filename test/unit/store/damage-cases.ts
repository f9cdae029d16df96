import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The kinds of damage a monitor store meets on a bad day (a disk error, a crash, a hand
 * edit), each applied to a copy of a real store. `apply` returns the file or key the
 * error message must name. `replacementTable` is a valid table of the same backend made
 * from another store (for "a replaced table file").
 */
export interface Damage {
  name: string;
  apply: (mon: string, ctx: { replacementTable: Uint8Array }) => string;
}

export const TABLE = /^\d+\.(ldb|sst)$/;

/** The largest table file of a mon data dir's store.db. */
export function largestTable(mon: string): string {
  const db = join(mon, 'store.db');
  const tables = readdirSync(db).filter((f) => TABLE.test(f));
  if (tables.length === 0) throw new Error(`no table file in ${db}`);
  return join(db, tables.sort((a, b) => statSync(join(db, b)).size - statSync(join(db, a)).size)[0]!);
}

export function patchFile(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

function currentManifest(mon: string): string {
  return join(mon, 'store.db', readFileSync(join(mon, 'store.db', 'CURRENT'), 'latin1').trim());
}

const base = (p: string) => p.split('/').pop()!;

/** Deterministic "garbage": bytes of a fixed LCG, never all zeros. */
export function garbage(n: number, seed = 56): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

export const DAMAGES: Damage[] = [
  {
    name: 'truncated table',
    apply: (mon) => {
      const t = largestTable(mon);
      truncateSync(t, statSync(t).size - 100);
      return base(t);
    },
  },
  {
    name: 'bad footer',
    apply: (mon) => {
      const t = largestTable(mon);
      patchFile(t, statSync(t).size - 8, garbage(8));
      return base(t);
    },
  },
  {
    name: '56 garbage bytes in a data block',
    apply: (mon) => {
      const t = largestTable(mon);
      patchFile(t, 100, garbage(56));
      return base(t);
    },
  },
  {
    name: 'empty MANIFEST',
    apply: (mon) => {
      const m = currentManifest(mon);
      writeFileSync(m, '');
      return base(m);
    },
  },
  {
    name: 'corrupt MANIFEST',
    apply: (mon) => {
      const m = currentManifest(mon);
      patchFile(m, 20, garbage(16));
      return base(m);
    },
  },
  {
    name: 'missing CURRENT',
    apply: (mon) => {
      rmSync(join(mon, 'store.db', 'CURRENT'));
      return 'CURRENT';
    },
  },
  {
    name: 'CURRENT names a missing MANIFEST',
    apply: (mon) => {
      writeFileSync(join(mon, 'store.db', 'CURRENT'), 'MANIFEST-999999\n');
      return 'MANIFEST-999999';
    },
  },
  {
    name: 'deleted table',
    apply: (mon) => {
      const t = largestTable(mon);
      rmSync(t);
      return base(t);
    },
  },
  {
    name: 'replaced table',
    apply: (mon, ctx) => {
      const t = largestTable(mon);
      writeFileSync(t, ctx.replacementTable);
      return base(t);
    },
  },
  {
    name: 'table is a directory',
    apply: (mon) => {
      const t = largestTable(mon);
      rmSync(t);
      mkdirSync(t);
      return base(t);
    },
  },
  {
    name: 'CURRENT is a directory',
    apply: (mon) => {
      rmSync(join(mon, 'store.db', 'CURRENT'));
      mkdirSync(join(mon, 'store.db', 'CURRENT'));
      return 'CURRENT';
    },
  },
  {
    name: 'store.db is a file',
    apply: (mon) => {
      rmSync(join(mon, 'store.db'), { recursive: true });
      writeFileSync(join(mon, 'store.db'), 'not a directory\n');
      return 'store.db';
    },
  },
  {
    name: 'kv_backend is a directory',
    apply: (mon) => {
      rmSync(join(mon, 'kv_backend'));
      mkdirSync(join(mon, 'kv_backend'));
      return 'kv_backend';
    },
  },
  {
    name: 'kv_backend is garbage',
    apply: (mon) => {
      writeFileSync(join(mon, 'kv_backend'), garbage(24));
      return 'kv_backend';
    },
  },
];
