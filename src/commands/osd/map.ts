import { Args, Flags } from '@oclif/core';
import { MonctlError } from '../../lib/errors.js';
import { formatOsdVector, objectToPg, pgToUpActing, poolIdByName } from '../../lib/osdmap/placement.js';
import { formatPg } from '../../lib/osdmap/pg.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';
import type { PgMapJson } from '../../lib/cli/pg-views.js';

export interface OsdMapJson extends PgMapJson {
  pool: string;
  pool_id: number;
  objname: string;
}

export default class OsdMap extends OSDMapSourceCommand {
  static override summary = 'Show the placement group and OSDs of an object, as `ceph osd map` does.';
  static override description =
    'Hashes OBJECT (within --namespace) with the pool\'s object hash, folds the hash by pg_num and maps that PG as `monctl pg map` does. ' +
    'POOL is a pool name, as for `ceph osd map`. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> osd map rbd foo -s mon-a', '<%= config.bin %> osd map rbd foo --namespace ns1 --osdmap osdmap.bin --json'];
  static override args = {
    pool: Args.string({ required: true, description: 'Pool name.' }),
    object: Args.string({ required: true, description: 'Object name.' }),
  };
  static override flags = {
    ...mapSourceFlags,
    namespace: Flags.string({ char: 'N', summary: 'The object\'s namespace (default: none).', default: '' }),
  };

  async run(): Promise<OsdMapJson> {
    const { args, flags } = await this.parse(OsdMap);
    const { map } = await this.loadMap(flags);
    const poolId = poolIdByName(map, args.pool);
    const located = poolId === undefined ? null : objectToPg(map, poolId, args.object, flags.namespace);
    if (poolId === undefined || located === null) {
      throw new MonctlError('BAD_ARGUMENT', `pool ${args.pool} does not exist`, {
        actions: [`Name a pool of osdmap epoch ${map.epoch}: ${[...map.poolName.values()].join(', ') || '(none)'}.`],
      });
    }
    const p = pgToUpActing(map, located.pgid);
    const objname = flags.namespace === '' ? args.object : `${flags.namespace}/${args.object}`;
    if (!this.jsonEnabled()) {
      process.stdout.write(
        `osdmap e${map.epoch} pool '${args.pool}' (${poolId}) object '${objname}' -> pg ${formatPg(located.rawPgid)} (${formatPg(located.pgid)})` +
          ` -> up (${formatOsdVector(p.up)}, p${p.upPrimary}) acting (${formatOsdVector(p.acting)}, p${p.actingPrimary})\n`,
      );
    }
    return {
      epoch: map.epoch,
      pool: args.pool,
      pool_id: poolId,
      objname,
      raw_pgid: formatPg(located.rawPgid),
      pgid: formatPg(located.pgid),
      up: p.up,
      up_primary: p.upPrimary,
      acting: p.acting,
      acting_primary: p.actingPrimary,
    };
  }
}
