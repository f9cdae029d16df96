import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MonmapAdd from '../../../src/commands/monmap/add.js';
import OsdmapEditSetFlag from '../../../src/commands/osdmap/edit/set-flag.js';
import PaxosTrim from '../../../src/commands/paxos/trim.js';
import StoreCompact from '../../../src/commands/store/compact.js';
import StoreCopy from '../../../src/commands/store/copy.js';
import StoreMigrate from '../../../src/commands/store/migrate.js';
import StoreRm from '../../../src/commands/store/rm.js';
import StoreRmPrefix from '../../../src/commands/store/rm-prefix.js';
import StoreSet from '../../../src/commands/store/set.js';
import StoreTrim from '../../../src/commands/store/trim.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';
import { runCommand, type RunnableCommand } from '../../helpers/run-command.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { tempDir } from '../../helpers/stores.js';

/**
 * Every write command on a store that sits on a nearly full file system (a small tmpfs, filled
 * to a few levels of free space): it either succeeds or ends in NO_SPACE (exit 4), never an
 * internal error; the store holds exactly the old or exactly the new keys and values; and no
 * partial backup, copy or temporary file is left. Needs root (mount); skipped otherwise.
 */
const isRoot = process.getuid?.() === 0;
const MIB = 1024 * 1024;

function mountTmpfs(dir: string, bytes: number): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

/** Fills the file system of `dir` until `leave` bytes are free (or as close as pages allow). */
function fill(dir: string, leave: number): void {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 0xaa);
  try {
    for (;;) {
      const st = statfsSync(dir);
      if (st.bavail * st.bsize <= leave) break;
      try {
        writeSync(fd, page);
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (leave === 0) return;
  const st = statfsSync(dir);
  if (st.bavail * st.bsize > leave + 8192) unlinkSync(file);
}

interface Write {
  name: string;
  cmd: RunnableCommand;
  args: (mon: string, out: string) => string[];
  backups: boolean;
  only?: FixtureName;
}

const WRITES: Write[] = [
  { name: 'store set', cmd: StoreSet, args: () => ['monctl_test', 'k', '--u64', '7'], backups: true },
  { name: 'store rm', cmd: StoreRm, args: () => ['monitor', 'magic'], backups: true },
  { name: 'store rm-prefix', cmd: StoreRmPrefix, args: () => ['logm'], backups: true },
  { name: 'store trim', cmd: StoreTrim, args: () => ['--keep', '2', '--force'], backups: true },
  { name: 'paxos trim', cmd: PaxosTrim, args: () => ['--keep', '2'], backups: true },
  { name: 'osdmap edit set-flag', cmd: OsdmapEditSetFlag, args: () => ['nodown'], backups: true },
  { name: 'monmap add', cmd: MonmapAdd, args: () => ['z', '10.0.0.9'], backups: true },
  // Reef's XXH3 tables are compacted by Reef's own RocksDB only (store compact refuses them).
  { name: 'store compact', cmd: StoreCompact, args: () => [], backups: false, only: 'leveldb' },
  { name: 'store copy', cmd: StoreCopy, args: (_m, out) => [join(out, 'copy')], backups: false },
  { name: 'store migrate', cmd: StoreMigrate, args: (_m, out) => [join(out, 'migrated'), '--to', 'rocksdb'], backups: false },
];

/** sha256 of every value by raw key. */
async function kvValues(mon: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await MonStore.with(mon, {}, async (s) => {
    for await (const chunk of s.rawChunks()) for (const e of chunk) out.set(Buffer.from(e.key).toString('latin1'), createHash('sha256').update(e.value).digest('hex'));
  });
  return out;
}

/**
 * `old` when every key and value is as before; `new` when the keys are those the write made
 * on a roomy disk and every value it did not change is as before (values it wrote may differ
 * from the roomy run's: they carry the time of the run, like an OSDMap's `modified`).
 */
function stateOf(after: Map<string, string>, old: Map<string, string>, made: Map<string, string>): 'old' | 'new' | 'OTHER' {
  const same = (a: Map<string, string>, b: Map<string, string>, values: (k: string) => boolean) =>
    a.size === b.size && [...a].every(([k, v]) => b.has(k) && (!values(k) || b.get(k) === v));
  if (same(after, old, () => true)) return 'old';
  const untouched = (k: string) => old.get(k) === made.get(k);
  return same(after, made, untouched) ? 'new' : 'OTHER';
}

/** Leftovers a failed write must not leave: backups, staging dirs, temporary logs. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (/\.backup-|\.monctl-|\.tmp$/.test(e.name)) out.push(join(d, e.name));
      if (e.isDirectory()) walk(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

export const enospcTable: Array<{ store: string; command: string; backup: boolean; free: string; exit: number; code?: string; state: string }> = [];

describe.skipIf(!isRoot).each(['leveldb', 'reef'] as FixtureName[])('ENOSPC on every write (%s store on a small tmpfs)', (store) => {
  const scratch = tempDir(`enospc-${store}`);
  let mnt = '';
  let mounted = false;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'monctl-enospc-'));
    mounted = mountTmpfs(mnt, 4 * MIB);
  });
  afterAll(() => {
    // Lazily if busy: a native store handle of a failed write may still be closing.
    if (mounted && spawnSync('umount', [mnt], { stdio: 'ignore' }).status !== 0) spawnSync('umount', ['-l', mnt], { stdio: 'ignore' });
    rmSync(mnt, { recursive: true, force: true });
    scratch.cleanup();
    removeTempDirs();
  });

  for (const w of WRITES.filter((x) => x.only === undefined || x.only === store)) {
    for (const backup of w.backups ? [true, false] : [false]) {
      it(`${w.name}${w.backups ? (backup ? ' with backup' : ' --no-backup') : ''}: old or new, NO_SPACE, nothing half-made`, async () => {
        if (!mounted) return;
        // What the write makes on a roomy disk: the "new" state.
        const roomy = extractFixture(store, join(scratch.dir, `${w.name.replace(/ /g, '-')}-${backup}`));
        const oldValues = await kvValues(roomy);
        const flags = w.backups ? (backup ? [] : ['--no-backup']) : [];
        const roomyOut = join(scratch.dir, `out-${w.name.replace(/ /g, '-')}-${backup}`);
        mkdirSync(roomyOut, { recursive: true });
        const ref = await runCommand(w.cmd, [...w.args(roomy, roomyOut), '-s', roomy, ...flags]);
        expect(ref.exitCode, `${w.name} on a roomy disk: ${ref.stderr}`).toBe(0);
        const newValues = await kvValues(roomy);
        for (const [free, leave] of [['0', 0], ['16K', 16 * 1024], ['store+16K', -1]] as const) {
          const fsDir = join(mnt, 'fs');
          rmSync(fsDir, { recursive: true, force: true });
          rmSync(join(mnt, 'filler'), { force: true });
          mkdirSync(fsDir);
          const mon = extractFixture(store, fsDir);
          const out = join(mnt, 'out');
          rmSync(out, { recursive: true, force: true });
          mkdirSync(out);
          const storeBytes = Number(spawnSync('du', ['-sb', mon], { encoding: 'utf8' }).stdout.split('\t')[0]);
          fill(mnt, leave >= 0 ? leave : storeBytes + 16 * 1024);
          const r = await runCommand(w.cmd, [...w.args(mon, out), '-s', mon, ...flags]);
          rmSync(join(mnt, 'filler'), { force: true });
          const code = /monctl: ([A-Z_]+)/.exec(r.stderr)?.[1];
          const state = stateOf(await kvValues(mon), oldValues, newValues);
          enospcTable.push({ store, command: w.name, backup, free, exit: r.exitCode, ...(code ? { code } : {}), state });
          const why = `${w.name} free=${free}: exit ${r.exitCode} ${r.stderr}`;
          expect(r.exitCode === 0 || (r.exitCode === 4 && code === 'NO_SPACE'), why).toBe(true);
          expect(r.stderr, why).not.toMatch(/internal error|\n\s+at /);
          if (r.exitCode !== 0) {
            expect(r.stderr, why).toMatch(/\n {2}→ /);
            // A failed write leaves the store old (copy and migrate never touch it).
            expect(state, why).toBe('old');
            expect(leftovers(mnt), why).toEqual([]);
            expect(readdirSync(out), why).toEqual([]);
          } else {
            expect(state, why).toBe(w.name === 'store copy' || w.name === 'store migrate' || w.name === 'store compact' ? 'old' : 'new');
          }
        }
      }, 120_000);
    }
  }
});

/** MONCTL_ENOSPC_REPORT=FILE writes the table as JSON. */
afterAll(async () => {
  const file = process.env.MONCTL_ENOSPC_REPORT;
  if (file) (await import('node:fs')).writeFileSync(file, JSON.stringify(enospcTable, null, 1));
});
