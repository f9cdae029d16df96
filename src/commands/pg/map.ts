import { Args } from '@oclif/core';
import { MonctlError } from '../../lib/errors.js';
import { formatOsdVector, pgToUpActing, rawPgToPg } from '../../lib/osdmap/placement.js';
import { formatPg, parsePg } from '../../lib/osdmap/pg.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export interface PgMapJson {
  epoch: number;
  raw_pgid: string;
  pgid: string;
  up: number[];
  up_primary: number;
  acting: number[];
  acting_primary: number;
}

export default class PgMap extends OSDMapSourceCommand {
  static override summary = 'Show the up and acting OSDs of a placement group, as `ceph pg map` does.';
  static override description =
    'Maps PGID (POOL.SEED, the seed in hex) through the OSDMap exactly as Ceph 16.2 does: CRUSH, upmaps, up OSDs, primary affinity, pg_temp and primary_temp. ' +
    'The second pg id is the one the seed folds to by the pool\'s pg_num. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> pg map 1.2f -s mon-a', '<%= config.bin %> pg map 1.2f --osdmap osdmap.bin --json'];
  static override args = {
    pgid: Args.string({ required: true, description: 'Placement group id, e.g. 1.2f.' }),
  };
  static override flags = mapSourceFlags;

  async run(): Promise<PgMapJson> {
    const { args, flags } = await this.parse(PgMap);
    const raw = parsePg(args.pgid);
    const { map } = await this.loadMap(flags);
    const pool = map.pools.get(raw.pool);
    if (pool === undefined) {
      throw new MonctlError('BAD_ARGUMENT', `pg '${args.pgid}' does not exist`, {
        actions: [`Pool ${raw.pool} is not in osdmap epoch ${map.epoch}; \`monctl osdmap print\` lists the pools.`],
      });
    }
    const pg = rawPgToPg(pool, raw);
    const p = pgToUpActing(map, raw);
    if (!this.jsonEnabled()) {
      process.stdout.write(
        `osdmap e${map.epoch} pg ${formatPg(raw)} (${formatPg(pg)}) -> up ${formatOsdVector(p.up)} acting ${formatOsdVector(p.acting)}\n`,
      );
    }
    return {
      epoch: map.epoch,
      raw_pgid: formatPg(raw),
      pgid: formatPg(pg),
      up: p.up,
      up_primary: p.upPrimary,
      acting: p.acting,
      acting_primary: p.actingPrimary,
    };
  }
}
