import { Flags } from '@oclif/core';
import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import { crushTree, decodeCrushMap, type CrushTreeJson } from '../../lib/crush/index.js';
import { table } from '../../lib/render/table.js';

export default class CrushTree extends CrushSourceCommand {
  static override summary = 'Show a CRUSH map as a tree, like `ceph osd crush tree` (ID, CLASS, WEIGHT, TYPE NAME).';
  static override description =
    'Children are indented 4 spaces per level and sorted as Ceph sorts them (devices by class, then id; buckets by name). Weight sets (choose_args) get a column each. --json gives the nodes and strays of `ceph osd crush tree -f json`.';
  static override examples = ['<%= config.bin %> crush tree --crushmap crush.bin', '<%= config.bin %> crush tree --crushmap crush.bin --show-shadow'];
  static override flags = {
    ...crushSourceFlags,
    'show-shadow': Flags.boolean({ summary: 'Also show the per-class shadow trees (`default~ssd`), as `crushtool --tree` does.' }),
  };

  async run(): Promise<CrushTreeJson> {
    const { flags } = await this.parse(CrushTree);
    const { bytes } = await this.loadCrushBytes(flags);
    const tree = crushTree(decodeCrushMap(bytes), { showShadow: flags['show-shadow'] });
    this.log(table(tree.head, tree.rows, tree.align));
    return tree.json;
  }
}
