import { Flags } from '@oclif/core';
import { MonctlError } from '../../lib/errors.js';
import type { OSDMap } from '../../lib/osdmap/osdmap-types.js';
import { runPgMappingParallel } from '../../lib/osdmap/placement-parallel.js';
import { defaultThreads } from '../../lib/threads.js';
import { formatPgStats, type PgStats } from '../../lib/osdmap/pg-stats.js';
import { poolIdByName } from '../../lib/osdmap/placement.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export interface PgStatsJson {
  epoch: number;
  pools: { pool: number; pg_num: number }[];
  osds: { osd: number; count: number; first: number; primary: number; crush_weight: number; weight: number }[];
  in: number;
  avg: number;
  stddev: number | null;
  expected_stddev: number | null;
  min: { osd: number; count: number } | null;
  max: { osd: number; count: number } | null;
  sizes: { size: number; count: number }[];
}

export const threadsFlag = Flags.integer({ summary: 'Threads to map PGs on (default: the cores, at most 4; big maps only).', min: 1 });

export const pgNumFlag = Flags.integer({ summary: 'Map this many PGs per pool instead of pg_num (osdmaptool --pg_num).', min: 1 });

export const poolFlag = Flags.string({ char: 'p', summary: 'Only this pool (id or name).' });

/** --pool as a pool id of the map: a number, or a pool name. */
export function resolvePool(map: OSDMap, pool: string | undefined): number | undefined {
  if (pool === undefined) return undefined;
  const id = /^\d+$/.test(pool) ? Number(pool) : poolIdByName(map, pool);
  if (id === undefined || !map.pools.has(id)) {
    throw new MonctlError('BAD_ARGUMENT', `There is no pool ${pool}`, {
      actions: [`Name a pool of osdmap epoch ${map.epoch} by id or name: ${[...map.poolName].map(([i, n]) => `${i} (${n})`).join(', ') || '(none)'}.`],
    });
  }
  return id;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function pgStatsJson(epoch: number, d: PgStats): PgStatsJson {
  return {
    epoch,
    pools: d.pools.map((p) => ({ pool: p.pool, pg_num: p.pgNum })),
    osds: d.osds.map((o) => ({
      osd: o.osd,
      count: o.count,
      first: o.first,
      primary: o.primary,
      crush_weight: o.crushWeight / 0x10000,
      weight: o.weight / 0x10000,
    })),
    in: d.in,
    avg: d.avg,
    stddev: num(d.stddev),
    expected_stddev: num(d.expected),
    min: d.min ?? null,
    max: d.max ?? null,
    sizes: d.sizes.map(([size, count]) => ({ size, count })),
  };
}

export default class PgStatsCommand extends OSDMapSourceCommand {
  static override summary = 'PGs per OSD and their spread, as `osdmaptool --test-map-pgs` prints them.';
  static override description =
    'Maps every PG of every pool (or only --pool) to its acting set and prints, per OSD that is in and has a CRUSH weight, how many PGs it holds, ' +
    'is first in and is primary of, its CRUSH weight and reweight; then the number of OSDs in, the average and standard deviation (and the deviation ' +
    'expected of a random placement), the least and most loaded OSD and how many PGs got each set size. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> pg stats -s mon-a', '<%= config.bin %> pg stats --osdmap osdmap.bin --pool rbd --json'];
  static override flags = {
    ...mapSourceFlags,
    pool: poolFlag,
    'pg-num': pgNumFlag,
    threads: threadsFlag,
  };

  async run(): Promise<PgStatsJson> {
    const { flags } = await this.parse(PgStatsCommand);
    const { map } = await this.loadMap(flags);
    const opts = { pool: resolvePool(map, flags.pool), pgNum: flags['pg-num'] };
    const { stats } = await runPgMappingParallel(map, opts, false, flags.threads ?? defaultThreads());
    if (!this.jsonEnabled()) process.stdout.write(formatPgStats(stats));
    return pgStatsJson(map.epoch, stats);
  }
}
