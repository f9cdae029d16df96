import { OsdIdsEditCommand } from '../../../osdmap-edit-command.js';
import { markOut } from '../../../lib/mon/index.js';

export default class OsdmapEditMarkOut extends OsdIdsEditCommand {
  static override summary = 'Mark OSDs out (weight 0) in a new osdmap epoch, as `ceph osd out ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-out 3 osd.4 -s mon-a --dry-run'];
  protected edit = markOut;
}
