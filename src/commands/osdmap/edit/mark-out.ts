import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';
import { markOut, parseOsdId } from '../../../lib/osdmap/index.js';

export default class OsdmapEditMarkOut extends OsdmapEditCommand {
  static override summary = 'Mark OSDs out (weight 0) in a new osdmap epoch, as `ceph osd out ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-out 3 osd.4 -s mon-a --dry-run'];
  static override strict = false;
  static override args = { ids: Args.string({ required: true, description: 'OSD ids (3 or osd.3), one or more.' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { argv, flags } = await this.parse(OsdmapEditMarkOut);
    return this.runEdit(flags, markOut((argv as string[]).map(parseOsdId)));
  }
}
