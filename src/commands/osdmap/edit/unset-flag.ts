import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { OSDMAP_EDIT_FLAGS, unsetFlag } from '../../../lib/osdmap/index.js';

export default class OsdmapEditUnunsetFlag extends OsdmapEditCommand {
  static override summary = 'Clear a cluster flag in a new osdmap epoch, as `ceph osd unset FLAG` does.';
  static override description = `FLAG is one of ${OSDMAP_EDIT_FLAGS.join(', ')} (pause = pauserd + pausewr). The store must not be in use by a running ceph-mon.`;
  static override examples = ['<%= config.bin %> osdmap edit unset-flag noout -s /var/lib/ceph/mon/ceph-a --dry-run'];
  static override args = { flag: Args.string({ required: true, description: 'The flag to clear.' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditUnunsetFlag);
    return this.runEdit(flags, unsetFlag(args.flag));
  }
}
