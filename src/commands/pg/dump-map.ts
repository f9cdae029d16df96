import { formatPg } from '../../lib/osdmap/pg.js';
import { streamPgMapping } from '../../lib/osdmap/placement-parallel.js';
import { OutputSink, Progress } from '../../lib/render/index.js';
import { defaultThreads } from '../../lib/threads.js';
import { pgsDump } from '../../lib/osdmap/pg-stats.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { asDecodedBy } from '../../lib/osdmap/release-view.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';
import { pgNumFlag, pgStatsJson, poolFlag, resolvePool, threadsFlag, type PgStatsJson } from '../../lib/cli/pg-flags.js';

export interface PgDumpMapJson extends PgStatsJson {
  pools: { pool: number; pg_num: number; pgs: { pgid: string; acting: number[]; acting_primary: number }[] }[];
}

export default class PgDumpMap extends OSDMapSourceCommand {
  static override summary = 'Map every PG to its acting OSDs, as `osdmaptool --test-map-pgs-dump` does.';
  static override description =
    'For each pool (or only --pool), one line per PG: the pg id, the acting set and the acting primary; then osdmaptool\'s per-OSD counts ' +
    '(PGs, PGs as first OSD, as primary, CRUSH weight, reweight) and the summary. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> pg dump-map -s mon-a', '<%= config.bin %> pg dump-map --osdmap osdmap.bin --pool 1'];
  static override flags = {
    release: releaseFlag(),
    ...mapSourceFlags,
    pool: poolFlag,
    'pg-num': pgNumFlag,
    threads: threadsFlag,
  };

  async run(): Promise<PgDumpMapJson | undefined> {
    const { flags } = await this.parse(PgDumpMap);
    const { map: loaded } = await this.loadMap(flags);
    // As the named release's decoder sees the map (what it drops, it does not place by).
    const map = flags.release === undefined ? loaded : asDecodedBy(loaded, flags.release);
    const opts = { pool: resolvePool(map, flags.pool), pgNum: flags['pg-num'] };
    if (this.jsonEnabled()) {
      const d = pgsDump(map, opts);
      return {
        ...pgStatsJson(map.epoch, d),
        pools: d.pools.map((p) => ({
          pool: p.pool,
          pg_num: p.pgNum,
          pgs: p.pgs.map((l) => ({ pgid: formatPg(l.pgid), acting: l.acting, acting_primary: l.actingPrimary })),
        })),
      };
    }
    // Lines go out as they are mapped (osdmaptool's order), with a progress line on a terminal.
    const out = new OutputSink();
    const progress = new Progress('mapping PGs');
    const stats = await streamPgMapping(
      map,
      opts,
      flags.threads ?? defaultThreads(),
      async (text) => {
        await out.write(text);
        return !out.isClosed;
      },
      (done, total) => progress.update(done, total),
    );
    progress.done();
    await out.flush();
    return stats && { ...pgStatsJson(map.epoch, stats), pools: [] };
  }
}
