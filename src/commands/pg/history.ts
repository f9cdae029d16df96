import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { pgHistory, type PgHistory } from '../../lib/mon/osd/pg-history.js';
import { formatPg, parsePg } from '../../lib/osdmap/pg.js';
import { parseEpoch } from '../../lib/mon/osd/store.js';
import { count } from '../../lib/render/plural.js';

export interface PgHistoryJson {
  pgid: string;
  from: number;
  to: number;
  moves: number;
  epochs: {
    epoch: number;
    pgid: string | null;
    up: number[];
    up_primary: number;
    acting: number[];
    acting_primary: number;
    up_changed: boolean;
    acting_changed: boolean;
    source: 'full' | 'incremental';
  }[];
}

const sets = (v: readonly number[], p: number): string => `([${v.join(',')}], p${p})`;

/** One line per epoch; `*` marks the epochs where the up or acting set moved. */
export function formatPgHistory(h: PgHistory): string {
  let s = `pg ${formatPg(h.pgid)}, osdmap epochs ${h.from}..${h.to} (* = up or acting changed)\n`;
  let moves = 0;
  for (const e of h.entries) {
    const mark = e.upChanged || e.actingChanged ? '*' : ' ';
    if (mark === '*') moves++;
    const where = e.pgid === null ? `pool ${h.pgid.pool} does not exist` : `${formatPg(e.pgid)} up ${sets(e.up, e.upPrimary)} acting ${sets(e.acting, e.actingPrimary)}`;
    s += `${mark} e${e.epoch}\t${where}\n`;
  }
  return s + `moved in ${moves} of ${count(h.entries.length, 'epoch')}\n`;
}

export default class PgHistoryCommand extends StoreCommand {
  static override summary = 'A PG\'s up and acting OSDs at every osdmap epoch in the store, marking where it moved.';
  static override description =
    'For each epoch from --from to --to (default: every stored epoch), maps PGID through that epoch\'s OSDMap (the stored full map, or the previous ' +
    'map plus the incremental where the full map was pruned) exactly as `ceph pg map` would have then. Lines marked * are epochs where the up or ' +
    'acting set or primary differs from the epoch before.';
  static override examples = ['<%= config.bin %> pg history 1.2f -s mon-a', '<%= config.bin %> pg history 2.5 -s mon-a --from 20 --to 31 --json'];
  static override args = {
    pgid: Args.string({ required: true, description: 'Placement group id, e.g. 1.2f.' }),
  };
  static override flags = {
    from: Flags.string({ summary: 'First epoch (default: osdmap/first_committed).' }),
    to: Flags.string({ summary: 'Last epoch (default: osdmap/last_committed).' }),
  };

  async run(): Promise<PgHistoryJson> {
    const { args, flags } = await this.parse(PgHistoryCommand);
    const raw = parsePg(args.pgid);
    const opts = {
      from: flags.from === undefined ? undefined : parseEpoch(flags.from),
      to: flags.to === undefined ? undefined : parseEpoch(flags.to),
    };
    const h = await this.withStore(flags.store, (store) => pgHistory(store, raw, opts));
    if (!this.jsonEnabled()) process.stdout.write(formatPgHistory(h));
    return {
      pgid: formatPg(h.pgid),
      from: h.from,
      to: h.to,
      moves: h.entries.filter((e) => e.upChanged || e.actingChanged).length,
      epochs: h.entries.map((e) => ({
        epoch: e.epoch,
        pgid: e.pgid === null ? null : formatPg(e.pgid),
        up: e.up,
        up_primary: e.upPrimary,
        acting: e.acting,
        acting_primary: e.actingPrimary,
        up_changed: e.upChanged,
        acting_changed: e.actingChanged,
        source: e.source,
      })),
    };
  }
}
