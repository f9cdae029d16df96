import type { CrushTreeJson } from '../../lib/crush/index.js';
import { osdmapTreeView } from '../../lib/cli/osdmap-tree-view.js';
import { OSDMapSourceCommand, mapSourceFlags } from '../../map-sources.js';

export default class OsdmapTree extends OSDMapSourceCommand {
  static override summary = 'Show the OSD tree as `osdmaptool --tree` and `ceph osd tree` do; --json as `ceph osd tree -f json`.';
  static override description =
    'The CRUSH hierarchy with each OSD\'s STATUS, REWEIGHT and PRI-AFF, then OSDs in no bucket. Reads the store (default: the newest epoch) or an OSDMap file with --osdmap.';
  static override examples = ['<%= config.bin %> osdmap tree -s mon-a', '<%= config.bin %> osdmap tree --osdmap osdmap.bin --json'];
  static override flags = mapSourceFlags;

  async run(): Promise<CrushTreeJson> {
    const { flags } = await this.parse(OsdmapTree);
    const { map } = await this.loadMap(flags);
    return this.show(osdmapTreeView(map));
  }
}
