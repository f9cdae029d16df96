import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { OSDMAP_EDIT_FLAGS, setFlag } from '../../../lib/osdmap/index.js';

export default class OsdmapEditSetFlag extends OsdmapEditCommand {
  static override summary = 'Set a cluster flag in a new osdmap epoch, as `ceph osd set FLAG` does.';
  static override description = `FLAG is one of ${OSDMAP_EDIT_FLAGS.join(', ')} (pause = pauserd + pausewr). The store must not be in use by a running ceph-mon.`;
  static override examples = ['<%= config.bin %> osdmap edit set-flag noout -s /var/lib/ceph/mon/ceph-a --dry-run'];
  static override args = { flag: Args.string({ required: true, description: 'The flag to set.' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditSetFlag);
    return this.runEdit(flags, setFlag(args.flag));
  }
}
