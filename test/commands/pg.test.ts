/**
 * pg map, pg dump-map and osd map, in-process, on both fixture stores (osdmap epoch 31: every
 * OSD down, so replicated sets are empty and erasure sets all holes) and on a copy of that map
 * with every OSD up and in (as `osdmaptool --mark-up-in` would have it), written to a file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OsdMapCommand from '../../src/commands/osd/map.js';
import PgDumpMap from '../../src/commands/pg/dump-map.js';
import PgMapCommand from '../../src/commands/pg/map.js';
import { encodeOSDMap } from '../../src/lib/osdmap/index.js';
import { CEPH_OSD_IN, OSD_STATE } from '../../src/lib/osdmap/osdmap-types.js';
import { readFullMap } from '../../src/lib/mon/osd/store.js';
import { MonStore } from '../../src/lib/store/index.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

const NONE = 2147483647;

describe.each(['rocksdb', 'leveldb'] as const)('placement commands on the %s fixture', (backend) => {
  const tmp = tempDir(`pg-${backend}`);
  let mon = '';
  let upIn = '';
  beforeAll(async () => {
    mon = extractFixture(backend);
    const { map } = await MonStore.with(mon, {}, (s) => readFullMap(s, '31'));
    for (let i = 0; i < map.maxOsd; i++) {
      map.osdState[i] = (map.osdState[i] ?? 0) | OSD_STATE.UP | OSD_STATE.EXISTS;
      map.osdWeight[i] = CEPH_OSD_IN;
    }
    upIn = join(tmp.dir, 'up-in.osdmap');
    writeFileSync(upIn, encodeOSDMap(map));
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('pg map: ceph pg map text, the folded pgid in parentheses', async () => {
    const r = await runCommand(PgMapCommand, ['-s', mon, '1.2f']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('osdmap e31 pg 1.2f (1.f) -> up [] acting []\n');
    const ec = await runCommand(PgMapCommand, ['-s', mon, '2.5', '--epoch', '31']);
    expect(ec.stdout).toBe(`osdmap e31 pg 2.5 (2.5) -> up [${NONE},${NONE},${NONE}] acting [${NONE},${NONE},${NONE}]\n`);
  });

  it('pg map --json, from a file with every OSD up and in', async () => {
    const r = await runCommand(PgMapCommand, ['--osdmap', upIn, '1.20', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    // 1.20 folds to 1.0: raw [3,0,5], pg_upmap_items 1.0 [0,1] (osdmaptool --mark-up-in).
    expect(r.result).toEqual({ epoch: 31, raw_pgid: '1.20', pgid: '1.0', up: [3, 1, 5], up_primary: 3, acting: [3, 1, 5], acting_primary: 3 });
    expect(JSON.parse(r.stdout)).toEqual(r.result);
    const text = await runCommand(PgMapCommand, ['--osdmap', upIn, '1.c']);
    expect(text.stdout).toBe('osdmap e31 pg 1.c (1.c) -> up [2,4,1] acting [2,4,1]\n');
  });

  it('pg map: a missing pool or a bad pgid is BAD_ARGUMENT', async () => {
    const r = await runCommand(PgMapCommand, ['-s', mon, '7.1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("pg '7.1' does not exist");
    const bad = await runCommand(PgMapCommand, ['-s', mon, 'x.1']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("'x.1' is not a placement group id");
  });

  it('osd map: ceph osd map text and JSON, with and without a namespace', async () => {
    const r = await runCommand(OsdMapCommand, ['-s', mon, 'rbd', 'foo']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("osdmap e31 pool 'rbd' (1) object 'foo' -> pg 1.7fc1f406 (1.6) -> up ([], p-1) acting ([], p-1)\n");
    const j = await runCommand(OsdMapCommand, ['--osdmap', upIn, 'rbd', 'foo', '--namespace', 'nsx', '--json']);
    expect(j.result).toMatchObject({ epoch: 31, pool: 'rbd', pool_id: 1, objname: 'nsx/foo', raw_pgid: '1.b652c256', pgid: '1.16' });
    const t = await runCommand(OsdMapCommand, ['--osdmap', upIn, 'rbd', 'foo']);
    expect(t.stdout).toMatch(/^osdmap e31 pool 'rbd' \(1\) object 'foo' -> pg 1\.7fc1f406 \(1\.6\) -> up \(\[\d,\d,\d\], p\d\) acting \(\[\d,\d,\d\], p\d\)\n$/);
  });

  it('osd map: the pool is a name; an unknown one is BAD_ARGUMENT', async () => {
    const r = await runCommand(OsdMapCommand, ['-s', mon, 'nopool', 'foo']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('pool nopool does not exist');
  });

  it('pg dump-map: one line per PG, the statistics, the same from the store and a file', async () => {
    const r = await runCommand(PgDumpMap, ['-s', mon]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('pool 1 pg_num 32');
    expect(lines[1]).toBe('1.0\t[]\t-1');
    expect(lines[33]).toBe('pool 2 pg_num 16');
    expect(lines[34]).toBe(`2.0\t[${NONE},${NONE},${NONE}]\t-1`);
    expect(r.stdout.endsWith(' in 4\n avg 0 stddev 0 (-nanx) (expected 0 -nanx))\nsize 0\t32\nsize 3\t16\n')).toBe(true);
    const ec = await runCommand(PgDumpMap, ['-s', mon, '--pool', 'ecpool']);
    expect(ec.stdout.split('\n')[0]).toBe('pool 2 pg_num 16');
    expect(ec.stdout).not.toContain('pool 1 ');
  });

  it('pg dump-map on the up-and-in map: counts add up; --json', async () => {
    const r = await runCommand<{ pools: { pgs: { acting: number[] }[] }[]; osds: { count: number }[]; in: number }>(PgDumpMap, ['--osdmap', upIn, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = r.result!;
    expect(j.in).toBe(6);
    const placed = j.pools.flatMap((p) => p.pgs.flatMap((pg) => pg.acting)).filter((o) => o !== NONE).length;
    expect(j.osds.reduce((s, o) => s + o.count, 0)).toBe(placed);
    expect(placed).toBe(48 * 3);
  });

  it('pg dump-map: an unknown pool is BAD_ARGUMENT', async () => {
    const r = await runCommand(PgDumpMap, ['-s', mon, '--pool', '9']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('There is no pool 9');
  });
});
