import { Args } from '@oclif/core';
import { pgMapView, type PgMapJson } from '../../lib/cli/pg-views.js';
import { parsePg } from '../../lib/osdmap/pg.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { asDecodedBy } from '../../lib/osdmap/release-view.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export type { PgMapJson };

export default class PgMap extends OSDMapSourceCommand {
  static override summary = 'Show the up and acting OSDs of a placement group, as `ceph pg map` does.';
  static override description =
    'Maps PGID (POOL.SEED, the seed in hex) through the OSDMap exactly as the Ceph release the map names does (or the one --release names): CRUSH, upmaps, up OSDs, primary affinity, pg_temp and primary_temp. ' +
    'The second pg id is the one the seed folds to by the pool\'s pg_num. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> pg map 1.2f -s mon-a', '<%= config.bin %> pg map 1.2f --osdmap osdmap.bin --json'];
  static override args = {
    pgid: Args.string({ required: true, description: 'Placement group id, e.g. 1.2f.' }),
  };
  static override flags = { ...mapSourceFlags, release: releaseFlag() };

  async run(): Promise<PgMapJson> {
    const { args, flags } = await this.parse(PgMap);
    const raw = parsePg(args.pgid);
    const { map: loaded } = await this.loadMap(flags);
    // As the named release's decoder sees the map (what it drops, it does not place by).
    const map = flags.release === undefined ? loaded : asDecodedBy(loaded, flags.release);
    return this.show(pgMapView(map, raw, args.pgid));
  }
}
