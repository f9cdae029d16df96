import { Args, Flags } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { rmUpmapPrimary } from '../../../lib/mon/index.js';

export default class OsdmapEditRmUpmapPrimary extends OsdmapEditCommand {
  static override summary =
    'Remove pg_upmap_primary entries (Reef+) in a new osdmap epoch, as `ceph osd rm-pg-upmap-primary PGID` or `rm-pg-upmap-primary-all` does.';
  static override description =
    'Refused, as the monitor refuses it, while require_min_compat_client is below reef or for a PG of a pool that is not replicated. ' +
    'A PG named without an entry is refused; --all with no entries writes no epoch.';
  static override examples = [
    '<%= config.bin %> osdmap edit rm-upmap-primary 1.1 -s mon-a --dry-run',
    '<%= config.bin %> osdmap edit rm-upmap-primary --all -s mon-a',
  ];
  static override strict = false;
  static override args = { pgid: Args.string({ required: false, description: 'PG ids, POOL.SEED with the seed in hex (1.2f); one or more, or none with --all.' }) };
  static override flags = {
    ...osdmapEditFlags,
    all: Flags.boolean({ description: 'Remove every pg_upmap_primary entry (`ceph osd rm-pg-upmap-primary-all`).', default: false }),
  };

  async run(): Promise<OsdmapEditOutcome> {
    const { argv, flags } = await this.parse(OsdmapEditRmUpmapPrimary);
    return this.runEdit(flags, rmUpmapPrimary(argv as string[], flags.all));
  }
}
