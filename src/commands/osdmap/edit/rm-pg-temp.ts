import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { rmPgTemp } from '../../../lib/osdmap/index.js';

export default class OsdmapEditRmPgTemp extends OsdmapEditCommand {
  static override summary = 'Remove a PG\'s pg_temp and primary_temp entries in a new osdmap epoch, as `ceph osd pg-temp PGID` (no OSDs) and `ceph osd primary-temp PGID -1` do.';
  static override examples = ['<%= config.bin %> osdmap edit rm-pg-temp 1.7 -s mon-a --dry-run'];
  static override args = { pgid: Args.string({ required: true, description: 'PG id, POOL.SEED with the seed in hex (1.2f).' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditRmPgTemp);
    return this.runEdit(flags, rmPgTemp(args.pgid));
  }
}
