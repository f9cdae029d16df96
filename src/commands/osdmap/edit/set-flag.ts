import { FlagEditCommand } from '../../../osdmap-edit-command.js';
import { setFlag } from '../../../lib/mon/index.js';

export default class OsdmapEditSetFlag extends FlagEditCommand {
  static override summary = 'Set a cluster flag in a new osdmap epoch, as `ceph osd set FLAG` does.';
  static override description = 'pause sets pauserd and pausewr. The store must not be in use by a running ceph-mon.';
  static override examples = ['<%= config.bin %> osdmap edit set-flag noout -s /var/lib/ceph/mon/ceph-a --dry-run'];
  protected edit = setFlag;
}
