/** `pg map`: one PG's up and acting OSDs, as `ceph pg map` prints them. */
import { MonctlError } from '../errors.js';
import type { OSDMap } from '../osdmap/osdmap-types.js';
import { formatPg, type PgId } from '../osdmap/pg.js';
import { formatOsdVector, pgToUpActing, rawPgToPg } from '../osdmap/placement.js';
import type { View } from './view.js';

export interface PgMapJson {
  epoch: number;
  raw_pgid: string;
  pgid: string;
  up: number[];
  up_primary: number;
  acting: number[];
  acting_primary: number;
}

/** `raw` is `pgidText` parsed (parsePg), done before the map is read. */
export function pgMapView(map: OSDMap, raw: PgId, pgidText: string): View<PgMapJson> {
  const pool = map.pools.get(raw.pool);
  if (pool === undefined) {
    throw new MonctlError('BAD_ARGUMENT', `pg '${pgidText}' does not exist`, {
      actions: [`Pool ${raw.pool} is not in osdmap epoch ${map.epoch}; \`monctl osdmap print\` lists the pools.`],
    });
  }
  const pg = rawPgToPg(pool, raw);
  const p = pgToUpActing(map, raw);
  return {
    text: `osdmap e${map.epoch} pg ${formatPg(raw)} (${formatPg(pg)}) -> up ${formatOsdVector(p.up)} acting ${formatOsdVector(p.acting)}\n`,
    json: () => ({
      epoch: map.epoch,
      raw_pgid: formatPg(raw),
      pgid: formatPg(pg),
      up: p.up,
      up_primary: p.upPrimary,
      acting: p.acting,
      acting_primary: p.actingPrimary,
    }),
  };
}
