import { OsdIdsEditCommand } from '../../../osdmap-edit-command.js';
import { markDown } from '../../../lib/mon/index.js';

export default class OsdmapEditMarkDown extends OsdIdsEditCommand {
  static override summary = 'Mark OSDs down (the state mask toggles UP) in a new osdmap epoch, as `ceph osd down ID…` does.';
  static override examples = ['<%= config.bin %> osdmap edit mark-down 3 -s mon-a --dry-run'];
  protected edit = markDown;
}
