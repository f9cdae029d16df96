import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { markIn, parseOsdId } from '../../../lib/osdmap/index.js';

export default class OsdmapEditMarkIn extends OsdmapEditCommand {
  static override summary = 'Mark OSDs in (weight 1, or the weight they had before an automatic out) in a new osdmap epoch, as `ceph osd in ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-in 3 osd.4 -s mon-a --dry-run'];
  static override strict = false;
  static override args = { ids: Args.string({ required: true, description: 'OSD ids (3 or osd.3), one or more.' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { argv, flags } = await this.parse(OsdmapEditMarkIn);
    return this.runEdit(flags, markIn((argv as string[]).map(parseOsdId)));
  }
}
