import { runPgMappingParallel } from '../../lib/osdmap/placement-parallel.js';
import { defaultThreads } from '../../lib/threads.js';
import { formatPgStats, type PgStats } from '../../lib/osdmap/pg-stats.js';
import { pgNumFlag, pgStatsJson, poolFlag, resolvePool, threadsFlag, type PgStatsJson } from '../../lib/cli/pg-flags.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

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
