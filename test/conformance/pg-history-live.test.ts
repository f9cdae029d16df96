/**
 * pg history against osdmaptool: on a copy of each fixture store whose full maps of epochs
 * 25..31 have OSDs up and in (test/helpers/history-store.ts), the maps of a few epochs are
 * extracted with `ceph-monstore-tool get osdmap -- --version E` and, for every PG of every pool
 * of that epoch, `osdmaptool F --test-map-pg PGID` must print the up and acting sets and
 * primaries `monctl pg history` gives for that epoch.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { pgHistory } from '../../src/lib/mon/osd/pg-history.js';
import { formatPg } from '../../src/lib/osdmap/pg.js';
import { MonStore } from '../../src/lib/store/index.js';
import { copyDir, makeTempDir, quietToolConf, removeTempDirs, runTool, which } from '../helpers/ceph.js';
import { makeHistoryStore } from '../helpers/history-store.js';
import { readFileSync } from 'node:fs';

const haveTools = ['osdmaptool', 'ceph-monstore-tool'].every((t) => which(t) !== undefined);
const EPOCHS = [20, 24, 27, 29, 31];

function tool(cmd: string, args: string[]): string {
  const r = runTool(cmd, [`--conf=${quietToolConf()}`, ...args]);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}`);
  return r.stdout;
}

const vec = (v: readonly number[]): string => `[${v.join(',')}]`;
let compared = 0;

describe.skipIf(!haveTools)('pg history against osdmaptool --test-map-pg', () => {
  afterAll(() => {
    removeTempDirs();
    console.log(`pg-history-live: ${compared} (epoch, pg) pairs compared with osdmaptool`);
  });

  it.each(['rocksdb', 'leveldb'] as const)('%s fixture with edited epochs', async (backend) => {
    const mon = await makeHistoryStore(backend);
    const dir = makeTempDir('monctl-pg-history-');
    // ceph-monstore-tool writes to the store it reads: give it its own copy.
    const copy = copyDir(mon, join(dir, 'mon-copy'));
    const files = new Map<number, string>();
    for (const e of EPOCHS) {
      const f = join(dir, `osdmap.${e}`);
      tool('ceph-monstore-tool', [copy, 'get', 'osdmap', '--', '--version', String(e), '--out', f]);
      files.set(e, f);
    }
    let moved = 0;
    await MonStore.with(mon, {}, async (s) => {
      const last = decodeOSDMap(readFileSync(files.get(31)!));
      for (const [poolId, pool] of last.pools) {
        for (let ps = 0; ps < pool.pgNum; ps++) {
          const pgid = formatPg({ pool: poolId, seed: ps });
          const h = await pgHistory(s, { pool: poolId, seed: ps }, { from: EPOCHS[0], to: 31 });
          moved += h.entries.filter((e) => e.upChanged).length;
          for (const e of EPOCHS) {
            const entry = h.entries.find((x) => x.epoch === e)!;
            const theirs = tool('osdmaptool', [files.get(e)!, '--test-map-pg', pgid]).split('\n').find((l) => l.startsWith(`${pgid} raw`));
            const ours = `up (${vec(entry.up)}, p${entry.upPrimary}) acting (${vec(entry.acting)}, p${entry.actingPrimary})`;
            expect(theirs?.replace(/^.* raw \(.*?\) /, ''), `${backend} epoch ${e} pg ${pgid}`).toBe(ours);
            compared++;
          }
        }
      }
    });
    expect(moved).toBeGreaterThan(10);
  });
});
