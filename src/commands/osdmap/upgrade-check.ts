import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { releaseArgument } from '../../lib/cli/release-flag.js';
import { upgradeCheck, type UpgradeReport } from '../../lib/mon/osd/upgrade-check.js';

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export default class OsdmapUpgradeCheck extends StoreCommand {
  static override summary = 'What raising the cluster to a release would do to its stored OSDMaps (read-only; no Ceph tool has this).';
  static override description =
    'Re-encodes every stored full map with the features a monitor of --to encodes with, and reports: the epochs whose bytes and CRC would change, ' +
    'fields the new encoding cannot represent, stale pg_upmap_primary / pg_upmap / pg_upmap_items entries (deleted pools, merged PGs, removed OSDs) ' +
    'and MSR CRUSH rules against require_min_compat_client. Exit 1 when something needs attention. Nothing is written.';
  static override flags = {
    to: Flags.custom<number>({ summary: 'The release to check for: pacific|quincy|reef|squid|tentacle or 16–20.', required: true, parse: async (s) => releaseArgument(s, '--to') })(),
  };
  static override examples = ['<%= config.bin %> osdmap upgrade-check --to tentacle -s mon-a', '<%= config.bin %> osdmap upgrade-check --to 20 -s mon-a --json'];

  async run(): Promise<UpgradeReport> {
    const { flags } = await this.parse(OsdmapUpgradeCheck);
    const report = await this.withStore(flags.store, (store) => upgradeCheck(store, flags.to));
    this.log(`upgrade to ${report.to}: ${report.checked} stored full maps (epochs ${report.from}..${report.last}) re-encoded`);
    this.log(`  ${report.crcChanged} would change their CRC, ${report.checked - report.crcChanged} keep it`);
    const changed = report.epochs.filter((e) => e.crcBefore !== e.crcAfter);
    if (changed.length > 0) {
      const e = changed[0]!;
      this.log(`  first: epoch ${e.epoch} (${e.release}) ${hex32(e.crcBefore)} -> ${hex32(e.crcAfter)}`);
    }
    for (const e of report.epochs.filter((x) => x.unrepresentable.length > 0)) {
      this.log(`  epoch ${e.epoch}: cannot be represented: ${e.unrepresentable.join(', ')}`);
    }
    for (const s of report.stale) this.log(`  stale ${s.table} ${s.pgid}: ${s.reason}`);
    if (report.msr.rules.length > 0) this.log(`  MSR rules: ${report.msr.rules.join(', ')} (require_min_compat_client ${report.msr.requireMinCompatClient})`);
    if (report.msr.problem) this.log(`  PROBLEM: ${report.msr.problem}`);
    this.log(report.ok ? 'nothing needs attention' : 'needs attention (see above)');
    if (!report.ok) {
      if (this.jsonEnabled()) this.logJson(report);
      this.exit(1);
    }
    return report;
  }
}
