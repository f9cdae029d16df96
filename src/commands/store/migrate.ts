import { Args, Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { migrateStore, type MigrateResult } from '../../lib/store/migrate.js';
import type { StoreDigest } from '../../lib/store/digest.js';
import { Progress } from '../../lib/render/progress.js';
import { table } from '../../lib/render/index.js';

function human(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Source and copy side by side, prefix by prefix. */
function digestTable(src: StoreDigest, dst: StoreDigest | undefined): string {
  const byPrefix = new Map(dst?.prefixes.map((p) => [p.prefix, p]));
  const prefixes = [...new Set([...src.prefixes.map((p) => p.prefix), ...(dst?.prefixes.map((p) => p.prefix) ?? [])])];
  const rows = prefixes.map((name) => {
    const s = src.prefixes.find((p) => p.prefix === name);
    const d = byPrefix.get(name);
    const row: Array<string | number> = [name, s?.keys ?? 0, s ? s.key_bytes + s.value_bytes : 0];
    if (dst) row.push(d?.keys ?? 0, d ? d.key_bytes + d.value_bytes : 0, s && d && s.keys === d.keys && s.key_bytes === d.key_bytes && s.value_bytes === d.value_bytes ? 'ok' : 'DIFFERS');
    return row;
  });
  const total: Array<string | number> = ['TOTAL', src.keys, src.key_bytes + src.value_bytes];
  if (dst) total.push(dst.keys, dst.key_bytes + dst.value_bytes, '');
  rows.push(total);
  const head = dst ? ['PREFIX', 'KEYS (source)', 'BYTES (source)', 'KEYS (copy)', 'BYTES (copy)', ''] : ['PREFIX', 'KEYS', 'BYTES'];
  return table(head, rows, dst ? ['left', 'right', 'right', 'right', 'right', 'left'] : ['left', 'right', 'right']);
}

export default class StoreMigrate extends StoreCommand {
  static override summary = 'Migrate a mon data dir (typically LevelDB) into a new RocksDB mon data dir, atomically, with a key-by-key proof.';
  static override description = `Writes DEST (which must not exist) as a complete mon data dir: store.db in RocksDB (6.17, which Ceph 16 to 20 read), kv_backend = rocksdb, and every other file of the source's mon data dir (keyring, min_mon_release, …; not monctl's store.db backups). Everything goes into a temporary directory beside DEST first, and is renamed to DEST only once the new store, closed and re-read from disk, holds exactly the source's keys and values: a migration that is killed or fails leaves no DEST.

The source is only read. Its monitor must be stopped: a store whose LOCK a process holds (a running ceph-mon) is refused; monctl then holds that LOCK itself until it is done, so no monitor starts on the source meanwhile.

The proof: keys and bytes per prefix, and one SHA-256 over the ordered (key, value) stream, for the source and for the copy; MATCH, or exit 1 with CHECK_FAILED. To switch a monitor over: stop it, migrate, move the old data dir away and the new one into its place (owner and modes are kept), start it.`;
  static override examples = [
    '<%= config.bin %> store migrate /var/lib/ceph/mon/ceph-a.rocksdb --to rocksdb -s /var/lib/ceph/mon/ceph-a',
    '<%= config.bin %> store migrate /tmp/mon-a-new --to rocksdb --dry-run',
  ];
  static override args = {
    dest: Args.string({ required: true, description: 'The new mon data dir (must not exist; its parent must).' }),
  };
  static override flags = {
    to: Flags.string({ summary: 'Backend of the new store.', options: ['rocksdb'], required: true }),
    'dry-run': Flags.boolean({ summary: 'Check the source and DEST, count and fingerprint the source\'s keys; write nothing.' }),
  };

  async run(): Promise<MigrateResult> {
    const { args, flags } = await this.parse(StoreMigrate);
    const copying = new Progress(flags['dry-run'] ? 'reading keys' : 'copying keys');
    const verifying = new Progress('re-reading the copy');
    const r = await migrateStore(flags.store, args.dest, {
      to: flags.to as 'rocksdb',
      dryRun: flags['dry-run'],
      onProgress: (phase, n) => (phase === 'copy' ? copying : verifying).update(n),
    });
    copying.done();
    verifying.done();
    for (const w of r.warnings) process.stderr.write(`monctl: warning: ${w}\n`);
    const extras = r.files.length > 0 ? r.files.join(', ') : 'none';
    if (r.dry_run) {
      this.log(`dry run: would migrate ${r.source} (${r.source_backend}) to a new ${r.backend} mon data dir ${r.dest}`);
      this.log(`  ${r.keys} keys (${human(r.bytes)} of values) into ${r.dest}/store.db, written in a temporary directory beside it and renamed when verified`);
      this.log(`  kv_backend = ${r.backend}; other files copied: ${extras}${r.skipped.length > 0 ? `; left out: ${r.skipped.join(', ')}` : ''}`);
      this.log(`  live monitor: ${r.live_check}`);
      this.log('');
      this.log(digestTable(r.source_digest, undefined));
      this.log(`sha256 of the source: ${r.source_digest.sha256}`);
      return r;
    }
    if (r.removed_stale.length > 0) this.log(`removed what killed migrations left: ${r.removed_stale.join(', ')}`);
    this.log(`migrated ${r.source} (${r.source_backend}) to ${r.dest} (${r.backend}): ${r.keys} keys, ${human(r.bytes)} of values, ${r.batches} batches`);
    this.log(`kv_backend = ${r.backend}; other files copied: ${extras}${r.skipped.length > 0 ? `; left out: ${r.skipped.join(', ')}` : ''}`);
    this.log('');
    this.log(digestTable(r.source_digest, r.dest_digest));
    this.log(`sha256 source: ${r.source_digest.sha256}`);
    this.log(`sha256 copy:   ${r.dest_digest!.sha256}`);
    if (r.match) {
      this.log(`MATCH: the copy, re-read from disk, holds every key and value of the source in the same order`);
      return r;
    }
    const err = new MonctlError('CHECK_FAILED', `the copy does not hold the source's keys and values (${r.differences!.join('; ')}); nothing was written to ${r.dest}`, {
      actions: ['Run `monctl store check` on the source; report this with MONCTL_DEBUG=1 output if the source is sound.'],
    });
    if (this.jsonEnabled()) {
      this.logJson({ ...r, error: err.toJSON() });
      this.exit(err.exitCode);
    }
    this.log('MISMATCH');
    throw err;
  }
}
