import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import StoreCrc from '../../src/commands/store/crc.js';
import StoreList from '../../src/commands/store/list.js';
import { urlEscape } from '../../src/lib/store/keys.js';
import { snapshotLevelDb } from '../../src/lib/store/snapshot.js';
import { ensureStore } from '../../bench/store-gen.js';
import { cephAvailable, makeTempDir, removeTempDirs, runTool } from '../helpers/ceph.js';
import { buildLevelDbStore } from '../helpers/leveldb-gen.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree } from '../helpers/stores.js';

/**
 * `ceph-kvstore-tool leveldb <dir> list|list-crc [prefix]` on a private copy (it rewrites
 * files). The tool url-unescapes its prefix argument, so it gets the escaped form.
 */
function kvTool(dbDir: string, command: 'list' | 'list-crc', prefix?: string): string {
  const snap = snapshotLevelDb(dbDir);
  try {
    const r = runTool('ceph-kvstore-tool', ['leveldb', snap.dir, command, ...(prefix !== undefined ? [urlEscape(prefix)] : [])], { timeoutMs: 170_000 });
    if (r.code !== 0) throw new Error(`ceph-kvstore-tool ${command} failed (${r.code}): ${r.stderr.slice(0, 1500)}`);
    return r.stdout;
  } finally {
    snap.dispose();
  }
}

/** monctl's list and crc (all keys and per prefix) equal ceph-kvstore-tool's; not a byte of the store changes. */
async function expectSameListings(monDir: string, prefixes: string[]): Promise<void> {
  const dbDir = join(monDir, 'store.db');
  const before = hashTree(monDir);
  for (const prefix of [undefined, ...prefixes]) {
    const p = prefix === undefined ? [] : ['--prefix', prefix];
    expect((await runCommand(StoreList, ['-s', monDir, ...p])).stdout, `list ${prefix ?? ''}`).toBe(kvTool(dbDir, 'list', prefix));
    expect((await runCommand(StoreCrc, ['-s', monDir, ...p])).stdout, `list-crc ${prefix ?? ''}`).toBe(kvTool(dbDir, 'list-crc', prefix));
  }
  expect(hashTree(monDir)).toEqual(before);
}

describe.skipIf(!cephAvailable())('store list / store crc (TypeScript LevelDB reader) vs ceph-kvstore-tool', () => {
  afterAll(removeTempDirs);

  it.each([1, 2, 5, 8, 13, 21])('seeded LevelDB store %i (levels, deletions, unflushed log, escapes)', async (seed) => {
    const mon = makeTempDir(`monctl-ldbr-live-${seed}-`);
    mkdirSync(join(mon, 'store.db'));
    writeFileSync(join(mon, 'kv_backend'), 'leveldb\n');
    await buildLevelDbStore(join(mon, 'store.db'), seed);
    await expectSameListings(mon, ['paxos', 'a b', 'pre%x']);
  });

  it('a freshly generated mon-shaped store (the benchmark generator, 30,000 keys)', async () => {
    const store = await ensureStore(30_000, 7);
    await expectSameListings(store.monDir, ['osdmap', 'logm']);
  });
});
