import { OsdIdsEditCommand } from '../../../osdmap-edit-command.js';
import { markIn } from '../../../lib/mon/index.js';

export default class OsdmapEditMarkIn extends OsdIdsEditCommand {
  static override summary = 'Mark OSDs in (weight 1, or the weight they had before an automatic out) in a new osdmap epoch, as `ceph osd in ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-in 3 -s mon-a --dry-run'];
  protected edit = markIn;
}
