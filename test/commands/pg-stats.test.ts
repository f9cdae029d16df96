/**
 * `pg stats` and `pg dump-map` against the golden outputs of `osdmaptool --test-map-pgs[-dump]`
 * (test/fixtures/make-placement-golden.sh, Ceph 16.2): three maps with every OSD up and in but
 * one, balancer upmaps, tree hosts, an erasure-coded pool and a primary affinity; and a map with
 * no OSD up. Every case is compared byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import PgDumpMap, { type PgDumpMapJson } from '../../src/commands/pg/dump-map.js';
import PgStatsCommand from '../../src/commands/pg/stats.js';
import type { PgStatsJson } from '../../src/lib/cli/pg-flags.js';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { formatPgsDump, pgsDump } from '../../src/lib/osdmap/pg-stats.js';
import { GOLDEN_DIR } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

const DIR = join(GOLDEN_DIR, 'placement');
const golden = (f: string): string => readFileSync(join(DIR, f), 'utf8');

/** Golden file suffix → the monctl command and flags that must print the same. */
const CASES = {
  'test-map-pgs': [PgStatsCommand, []],
  'test-map-pgs-pool-1': [PgStatsCommand, ['--pool', '1']],
  'test-map-pgs-pg-num-50': [PgStatsCommand, ['--pg-num', '50']],
  'test-map-pgs-dump': [PgDumpMap, []],
  'test-map-pgs-dump-pool-1': [PgDumpMap, ['--pool', '1']],
} as const;

const maps = readdirSync(DIR)
  .filter((f) => f.endsWith('.osdmap'))
  .map((f) => f.replace(/\.osdmap$/, ''));

describe('pg stats / pg dump-map = osdmaptool --test-map-pgs[-dump] (golden)', () => {
  it('has the golden maps', () => {
    expect(maps.sort()).toEqual(['fixture-31', 'simple-down', 'simple-upmap', 'tree-hosts']);
  });

  const cases = maps.flatMap((m) =>
    Object.entries(CASES)
      .filter(([c]) => readdirSync(DIR).includes(`${m}.${c}.txt`))
      .map(([c, [cmd, args]]) => ({ m, c, cmd, args: [...args] })),
  );
  it('covers every golden file', () => {
    expect(cases.length).toBe(readdirSync(DIR).filter((f) => f.endsWith('.txt')).length);
  });

  it.each(cases)('$m: $c', async ({ m, c, cmd, args }) => {
    const r = await runCommand(cmd, ['--osdmap', join(DIR, `${m}.osdmap`), ...args]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(golden(`${m}.${c}.txt`));
  });

  it('the dump as data prints the same as the streamed text', () => {
    const map = decodeOSDMap(readFileSync(join(DIR, 'fixture-31.osdmap')));
    expect(formatPgsDump(pgsDump(map))).toBe(golden('fixture-31.test-map-pgs-dump.txt'));
  });

  it('--json: the statistics as data, with the numbers of the text', async () => {
    const r = await runCommand<PgStatsJson>(PgStatsCommand, ['--osdmap', join(DIR, 'fixture-31.osdmap'), '--json']);
    const j = r.result!;
    expect(JSON.parse(r.stdout)).toEqual(j);
    const text = golden('fixture-31.test-map-pgs.txt');
    expect(j.pools).toEqual([{ pool: 1, pg_num: 32 }, { pool: 2, pg_num: 16 }]);
    for (const o of j.osds) expect(text).toContain(`osd.${o.osd}\t${o.count}\t${o.first}\t${o.primary}\t`);
    expect(text).toContain(` in ${j.in}\n avg ${j.avg} `);
    expect(text).toContain(` min osd.${j.min!.osd} ${j.min!.count}\n max osd.${j.max!.osd} ${j.max!.count}\n`);
    expect(j.sizes.map((s) => `size ${s.size}\t${s.count}\n`).join('')).toBe(text.slice(text.indexOf('size ')));
    const d = await runCommand<PgDumpMapJson>(PgDumpMap, ['--osdmap', join(DIR, 'fixture-31.osdmap'), '--json', '--pool', '2']);
    expect(d.result!.pools[0]!.pgs).toHaveLength(16);
    const first = golden('fixture-31.test-map-pgs-dump.txt').split('\n').find((l) => l.startsWith('2.0\t'))!;
    const p = d.result!.pools[0]!.pgs[0]!;
    expect(`${p.pgid}\t[${p.acting.join(',')}]\t${p.acting_primary}`).toBe(first);
  });

  it('no OSD in: stddev and ratios are null in JSON', async () => {
    const r = await runCommand<PgStatsJson>(PgStatsCommand, ['--osdmap', join(DIR, 'simple-down.osdmap'), '--json']);
    expect(r.result).toMatchObject({ in: 0, avg: 0, stddev: null, min: null, max: null, sizes: [{ size: 0, count: 24 }] });
  });

  it('an unknown pool is BAD_ARGUMENT naming the pools', async () => {
    const r = await runCommand(PgStatsCommand, ['--osdmap', join(DIR, 'fixture-31.osdmap'), '--pool', 'nope', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BAD_ARGUMENT', message: 'There is no pool nope' });
    expect(JSON.parse(r.stdout).error.actions[0]).toContain('1 (rbd)');
  });
});
