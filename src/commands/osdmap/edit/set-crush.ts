import { Args } from '@oclif/core';
import { OsdmapEditCommand, osdmapEditFlags, type OsdmapEditOutcome } from '../../../osdmap-edit-command.js';

import { readInputFile } from '../../../files.js';
import { setCrush } from '../../../lib/mon/index.js';

export default class OsdmapEditSetCrush extends OsdmapEditCommand {
  static override summary = 'Install a compiled CRUSH map in a new osdmap epoch, as `ceph osd setcrushmap -i FILE` does.';
  static override description =
    'The offline way back from a bad CRUSH map (what `ceph-monstore-tool rewrite-crush` is for): the map must decode, its rule ids must equal their rulesets, and every pool\'s rule must exist with the pool\'s type and admit its size. Older epochs are not rewritten.';
  static override examples = ['<%= config.bin %> osdmap edit set-crush crush.new -s mon-a --dry-run'];
  static override args = { file: Args.string({ required: true, description: 'A compiled CRUSH map (crushtool -c, crush get).' }) };
  static override flags = osdmapEditFlags;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(OsdmapEditSetCrush);
    return this.runEdit(flags, setCrush(readInputFile(args.file), args.file));
  }
}
