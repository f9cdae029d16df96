import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { markDown, parseOsdId } from '../../../lib/osdmap/index.js';

export default class OsdmapEditMarkDown extends OsdmapEditCommand {
  static override summary = 'Mark OSDs down (the state mask toggles UP) in a new osdmap epoch, as `ceph osd down ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-down 3 osd.4 -s mon-a --dry-run'];
  static override strict = false;
  static override args = { ids: Args.string({ required: true, description: 'OSD ids (3 or osd.3), one or more.' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { argv, flags } = await this.parse(OsdmapEditMarkDown);
    return this.runEdit(flags, markDown((argv as string[]).map(parseOsdId)));
  }
}
