import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { SET_POOL_KEYS, setPool } from '../../../lib/mon/index.js';

export default class OsdmapEditSetPool extends OsdmapEditCommand {
  static override summary = 'Change one pool setting in a new osdmap epoch, as `ceph osd pool set NAME KEY VALUE` does.';
  static override description = `KEY is one of ${SET_POOL_KEYS.join(', ')} (flags take true/false). A size change resets min_size to size - size/2, as the monitor does. pg_num and pgp_num are not offered: PG splits and merges need the running cluster.`;
  static override examples = ['<%= config.bin %> osdmap edit set-pool rbd min_size 1 -s mon-a --dry-run', '<%= config.bin %> osdmap edit set-pool rbd nodelete true -s mon-a'];
  static override args = {
    pool: Args.string({ required: true, description: 'Pool name.' }),
    key: Args.string({ required: true, description: 'Setting (see the description).' }),
    value: Args.string({ required: true, description: 'New value.' }),
  };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditSetPool);
    return this.runEdit(flags, setPool(args.pool, args.key, args.value));
  }
}
