import { Flags } from '@oclif/core';
import { MonctlError } from '../../lib/errors.js';
import { formatPgsDump, pgsDump, poolIdByName, type PgsDump } from '../../lib/osdmap/placement.js';
import { formatPg } from '../../lib/osdmap/pg.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export default class PgDumpMap extends OSDMapSourceCommand {
  static override summary = 'Map every PG to its acting OSDs, as `osdmaptool --test-map-pgs-dump` does.';
  static override description =
    'For each pool (or only --pool), one line per PG: the pg id, the acting set and the acting primary; then osdmaptool\'s per-OSD counts ' +
    '(PGs, PGs as first OSD, as primary, CRUSH weight, reweight) and the summary. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> pg dump-map -s mon-a', '<%= config.bin %> pg dump-map --osdmap osdmap.bin --pool 1'];
  static override flags = {
    ...mapSourceFlags,
    pool: Flags.string({ char: 'p', summary: 'Only this pool (id or name).' }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(PgDumpMap);
    const { map } = await this.loadMap(flags);
    let pool: number | undefined;
    if (flags.pool !== undefined) {
      if (/^\d+$/.test(flags.pool)) pool = Number(flags.pool);
      else pool = poolIdByName(map, flags.pool);
      if (pool === undefined || !map.pools.has(pool)) {
        throw new MonctlError('BAD_ARGUMENT', `There is no pool ${flags.pool}`, {
          actions: [`Name a pool of osdmap epoch ${map.epoch} by id or name: ${[...map.poolName].map(([id, n]) => `${id} (${n})`).join(', ') || '(none)'}.`],
        });
      }
    }
    const d = pgsDump(map, pool);
    if (!this.jsonEnabled()) process.stdout.write(formatPgsDump(d));
    return dumpJson(map.epoch, d);
  }
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function dumpJson(epoch: number, d: PgsDump): Record<string, unknown> {
  return {
    epoch,
    pools: d.pools.map((p) => ({
      pool: p.pool,
      pg_num: p.pgNum,
      pgs: p.pgs.map((l) => ({ pgid: formatPg(l.pgid), acting: l.acting, acting_primary: l.actingPrimary })),
    })),
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
