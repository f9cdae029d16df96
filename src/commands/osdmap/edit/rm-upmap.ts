import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { rmUpmap } from '../../../lib/osdmap/index.js';

export default class OsdmapEditRmUpmap extends OsdmapEditCommand {
  static override summary = 'Remove a PG\'s pg_upmap and pg_upmap_items entries in a new osdmap epoch, as `ceph osd rm-pg-upmap[-items]` does.';
  static override examples = ['<%= config.bin %> osdmap edit rm-upmap 1.0 -s mon-a --dry-run'];
  static override args = { pgid: Args.string({ required: true, description: 'PG id, POOL.SEED with the seed in hex (1.2f).' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditRmUpmap);
    return this.runEdit(flags, rmUpmap(args.pgid));
  }
}
