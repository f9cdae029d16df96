import { FlagEditCommand } from '../../../osdmap-edit-command.js';
import { unsetFlag } from '../../../lib/mon/index.js';

export default class OsdmapEditUnsetFlag extends FlagEditCommand {
  static override summary = 'Clear a cluster flag in a new osdmap epoch, as `ceph osd unset FLAG` does.';
  static override description = 'pause clears pauserd and pausewr. The store must not be in use by a running ceph-mon.';
  static override examples = ['<%= config.bin %> osdmap edit unset-flag noout -s /var/lib/ceph/mon/ceph-a --dry-run'];
  protected edit = unsetFlag;
}
