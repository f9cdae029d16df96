import { PgEditCommand } from '../../../osdmap-edit-command.js';
import { rmPgTemp } from '../../../lib/mon/index.js';

export default class OsdmapEditRmPgTemp extends PgEditCommand {
  static override summary = 'Remove a PG\'s pg_temp and primary_temp entries in a new osdmap epoch, as `ceph osd pg-temp PGID` (no OSDs) and `ceph osd primary-temp PGID -1` do.';
  static override examples = ['<%= config.bin %> osdmap edit rm-pg-temp 1.7 -s mon-a --dry-run'];
  protected edit = rmPgTemp;
}
