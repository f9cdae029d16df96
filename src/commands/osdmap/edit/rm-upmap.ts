import { PgEditCommand } from '../../../osdmap-edit-command.js';
import { rmUpmap } from '../../../lib/mon/index.js';

export default class OsdmapEditRmUpmap extends PgEditCommand {
  static override summary = 'Remove a PG\'s pg_upmap and pg_upmap_items entries in a new osdmap epoch, as `ceph osd rm-pg-upmap[-items]` does.';
  static override examples = ['<%= config.bin %> osdmap edit rm-upmap 1.0 -s mon-a --dry-run'];
  protected edit = rmUpmap;
}
