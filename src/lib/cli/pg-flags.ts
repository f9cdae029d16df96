/** The flags and JSON shape the pg commands (`pg stats`, `pg dump-map`, `pg diff`) share. */
import { Flags } from '@oclif/core';
import { MonctlError } from '../errors.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import type { PgStats } from '../osdmap/pg-stats.js';
import { poolIdByName } from '../osdmap/placement.js';

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
