import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { parseOsdId, reweight } from '../../../lib/mon/index.js';

export default class OsdmapEditReweight extends OsdmapEditCommand {
  static override summary = 'Set an OSD\'s override weight (0.0–1.0) in a new osdmap epoch, as `ceph osd reweight ID W` does.';
  static override examples = ['<%= config.bin %> osdmap edit reweight 2 0.85 -s mon-a --dry-run'];
  static override args = {
    id: Args.string({ required: true, description: 'OSD id (3 or osd.3).' }),
    weight: Args.string({ required: true, description: 'Override weight from 0.0 (out) to 1.0 (in).' }),
  };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditReweight);
    return this.runEdit(flags, reweight(parseOsdId(args.id), args.weight));
  }
}
