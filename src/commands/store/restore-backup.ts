import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { listBackups, locateStore, restoreBackup, type BackupEntry, type RestoreResult } from '../../lib/store/index.js';
import { dirname } from 'node:path';

export default class StoreRestoreBackup extends StoreCommand {
  static override summary = 'List the backups write commands made beside a store, or put one back as store.db (the replaced store.db is kept as a backup).';
  static override description =
    'Without BACKUP (or with --list) the backups are listed, newest first. BACKUP is a backup\'s name, its path, or `latest`. The backup is copied beside store.db, store.db is renamed to a new store.db.backup-<now> (restore that one to undo), and the copy renamed to store.db. Refused while a monitor runs on the store (STORE_LOCKED).';
  static override examples = [
    '<%= config.bin %> store restore-backup -s /var/lib/ceph/mon/ceph-a',
    '<%= config.bin %> store restore-backup latest --dry-run -s /var/lib/ceph/mon/ceph-a',
    '<%= config.bin %> store restore-backup store.db.backup-20261206T231500Z -s /var/lib/ceph/mon/ceph-a',
  ];
  static override args = {
    backup: Args.string({ description: 'The backup to restore: its name, its path, or `latest`.' }),
  };
  static override flags = {
    list: Flags.boolean({ summary: 'Only list the backups.', exclusive: ['dry-run'] }),
    'dry-run': Flags.boolean({ summary: 'Say what would be restored and where store.db would go; change nothing.' }),
    'backup-dir': Flags.string({ summary: 'Also look for backups here (where --backup-dir put them).' }),
  };

  async run(): Promise<{ backups: BackupEntry[] } | RestoreResult> {
    const { args, flags } = await this.parse(StoreRestoreBackup);
    const dirs = flags['backup-dir'] ? [flags['backup-dir']] : [];
    if (flags.list || args.backup === undefined) {
      const loc = locateStore(flags.store);
      const backups = listBackups(loc.dbDir, [dirname(loc.dbDir), ...dirs]);
      if (backups.length === 0) this.log(`no backups of ${loc.dbDir}`);
      for (const b of backups) this.log(`${b.name}\t${b.taken}\t${b.files} files\t${b.bytes} bytes\t${b.backend ?? '?'}\t${b.path}`);
      return { backups };
    }
    const r = await restoreBackup(flags.store, args.backup, { dryRun: flags['dry-run'], backupDirs: dirs });
    if (r.dry_run) this.log(`dry run: would restore ${r.restored} as the store.db of ${r.store}; the current store.db would become ${r.previous}`);
    else this.log(`restored ${r.restored} as the store.db of ${r.store}; the replaced store.db is ${r.previous} (restore it to undo)`);
    return r;
  }
}
