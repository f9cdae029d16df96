import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MonmapGet from '../../../src/commands/monmap/get.js';
import OsdmapGet from '../../../src/commands/osdmap/get.js';
import OsdmapVerify from '../../../src/commands/osdmap/verify.js';
import PaxosShow from '../../../src/commands/paxos/show.js';
import PaxosVersions from '../../../src/commands/paxos/versions.js';
import StoreCheck from '../../../src/commands/store/check.js';
import StoreCrc from '../../../src/commands/store/crc.js';
import StoreDump from '../../../src/commands/store/dump.js';
import StoreGet from '../../../src/commands/store/get.js';
import StoreList from '../../../src/commands/store/list.js';
import StoreSet from '../../../src/commands/store/set.js';
import StoreStats from '../../../src/commands/store/stats.js';
import StoreVersions from '../../../src/commands/store/versions.js';
import { LevelDbBackend } from '../../../src/lib/store/leveldb.js';
import { RocksDbBackend } from '../../../src/lib/store/rocksdb.js';
import { rawKey } from '../../../src/lib/store/index.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';
import { runCommand, type RunnableCommand } from '../../helpers/run-command.js';
import { hashTree, tempDir } from '../../helpers/stores.js';
import { DAMAGES, garbage, TABLE } from './damage-cases.js';

/**
 * The damage matrix: every read command on copies of the committed real stores (LevelDB and
 * Pacific RocksDB, Reef's and Tentacle's RocksDB with XXH3 tables), each with one kind of
 * damage. Every command ends in success or a documented, typed error that names the damaged
 * file (never exit 70, never a stack trace), nothing in the store changes, and `store check`
 * exits 1 on every damaged store. The clean store passes every command.
 */

/** Documented exit codes (README "Errors and exit codes") a read may end with. */
const DOCUMENTED = new Set([0, 1, 2, 4, 6, 7]);

interface Read {
  name: string;
  cmd: RunnableCommand;
  args: (out: string) => string[];
  /** Reads every key (or every table block): must fail on a damaged store. */
  fullScan?: boolean;
}

const READS: Read[] = [
  { name: 'store list', cmd: StoreList, args: () => [], fullScan: true },
  { name: 'store crc', cmd: StoreCrc, args: () => [], fullScan: true },
  { name: 'store dump', cmd: StoreDump, args: () => [], fullScan: true },
  { name: 'store stats', cmd: StoreStats, args: () => [], fullScan: true },
  { name: 'store get', cmd: StoreGet, args: () => ['monitor', 'magic'] },
  { name: 'store versions', cmd: StoreVersions, args: () => [] },
  { name: 'paxos versions', cmd: PaxosVersions, args: () => [] },
  { name: 'paxos show', cmd: PaxosShow, args: () => [] },
  { name: 'osdmap get', cmd: OsdmapGet, args: (out) => ['-o', join(out, 'osdmap.bin')] },
  { name: 'osdmap verify', cmd: OsdmapVerify, args: () => [] },
  { name: 'monmap get', cmd: MonmapGet, args: (out) => ['-o', join(out, 'monmap.bin')] },
  { name: 'store check', cmd: StoreCheck, args: () => [], fullScan: true },
];

const STORES: FixtureName[] = ['leveldb', 'rocksdb', 'reef', 'tentacle'];

/** A valid table file of `backend` holding other keys: what "a replaced table" puts in place. */
async function foreignTable(dir: string, backend: 'leveldb' | 'rocksdb'): Promise<Uint8Array> {
  const db = backend === 'leveldb' ? await LevelDbBackend.create(dir) : await RocksDbBackend.create(dir);
  const ops = Array.from({ length: 200 }, (_, i) => ({ type: 'put' as const, key: rawKey('zzz', `k${i}`), value: garbage(100, i + 1) }));
  await db.batch(ops);
  await db.compactRange(new Uint8Array([0]), new Uint8Array([0xff]));
  await db.close();
  const t = readdirSync(dir).find((f) => TABLE.test(f));
  if (!t) throw new Error(`no table made in ${dir}`);
  return readFileSync(join(dir, t));
}

export const matrix: Array<{ store: string; damage: string; command: string; exit: number; code?: string }> = [];

describe.each(STORES)('damage matrix: %s store', (store) => {
  const tmp = tempDir(`damage-${store}`);
  let replacementTable: Uint8Array = new Uint8Array(0);
  beforeAll(async () => {
    replacementTable = await foreignTable(join(tmp.dir, 'foreign'), store === 'leveldb' ? 'leveldb' : 'rocksdb');
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('the clean store passes every read', async () => {
    const mon = extractFixture(store);
    const before = hashTree(mon);
    for (const r of READS) {
      const out = await runCommand(r.cmd, ['-s', mon, ...r.args(tmp.dir)]);
      expect(out.exitCode, `${r.name}: ${out.stderr}`).toBe(0);
    }
    expect(hashTree(mon)).toEqual(before);
  }, 120_000);

  for (const damage of DAMAGES) {
    it(`${damage.name}: typed errors naming it, store check exits 1, nothing changes`, async () => {
      const mon = extractFixture(store);
      const named = damage.apply(mon, { replacementTable });
      const before = hashTree(mon);
      const failures: string[] = [];
      for (const r of READS) {
        const out = await runCommand(r.cmd, ['-s', mon, ...r.args(tmp.dir)]);
        const code = /monctl: ([A-Z_]+)/.exec(out.stderr)?.[1];
        matrix.push({ store, damage: damage.name, command: r.name, exit: out.exitCode, ...(code ? { code } : {}) });
        const why = `${r.name} → exit ${out.exitCode}: ${out.stderr.trim()}`;
        if (!DOCUMENTED.has(out.exitCode)) failures.push(`undocumented exit: ${why}`);
        if (/internal error|\n\s+at /.test(out.stderr)) failures.push(`internal error: ${why}`);
        if (r.name === 'store check' && out.exitCode !== 1) failures.push(`store check did not fail: ${why} ${out.stdout.slice(0, 400)}`);
        if (r.fullScan && out.exitCode === 0) failures.push(`wrong success: ${why}`);
        if (out.exitCode !== 0 && r.name !== 'store check' && r.name !== 'osdmap verify') {
          if (!code) failures.push(`untyped error: ${why}`);
          else if (!out.stderr.includes(named)) failures.push(`error does not name ${named}: ${why}`);
          if (!/\n {2}→ /.test(out.stderr)) failures.push(`no action: ${why}`);
        }
        if (r.name === 'store check' && out.exitCode === 1 && !out.stdout.includes(named)) failures.push(`store check does not name ${named}: ${out.stdout.slice(0, 400)}`);
      }
      expect(hashTree(mon)).toEqual(before);
      // A write is refused before anything is written (a damaged block a write never reads
      // does not stop it, as in LevelDB and RocksDB), never with an internal error.
      const w = await runCommand(StoreSet, ['monctl_test', 'k', '--u64', '1', '-s', mon, '--no-backup']);
      const wcode = /monctl: ([A-Z_]+)/.exec(w.stderr)?.[1];
      matrix.push({ store, damage: damage.name, command: 'store set', exit: w.exitCode, ...(wcode ? { code: wcode } : {}) });
      if (!DOCUMENTED.has(w.exitCode) || /internal error|\n\s+at /.test(w.stderr)) failures.push(`store set → exit ${w.exitCode}: ${w.stderr}`);
      if (w.exitCode !== 0) {
        const after = hashTree(mon);
        if (JSON.stringify(after) !== JSON.stringify(before)) failures.push(`a refused store set changed files: ${w.stderr}`);
      } else if (!damage.name.startsWith('56 garbage')) failures.push(`store set wrote to a store with ${damage.name}`);
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

/** MONCTL_DAMAGE_REPORT=FILE writes the matrix (store, damage, command → exit, code) as JSON. */
afterAll(async () => {
  const file = process.env.MONCTL_DAMAGE_REPORT;
  if (file) (await import('node:fs')).writeFileSync(file, JSON.stringify(matrix, null, 1));
});
