import { Flags } from '@oclif/core';
import { StoreCommand } from '../../base-command.js';
import { checkStoreAt, type CheckReport } from '../../lib/mon/index.js';
import { deepCheckOptions } from '../../lib/mon/deep-check.js';
import { count } from '../../lib/render/plural.js';

export default class StoreCheck extends StoreCommand {
  static override summary =
    "Verify what the store can prove: every table block's checksum, every value decodes (with its CRC), the OSDMap history rebuilds, paxos and service version ranges; exit 1 on any problem.";
  static override examples = ['<%= config.bin %> store check -s /var/lib/ceph/mon/ceph-a', '<%= config.bin %> store check --quick'];
  static override flags = {
    quick: Flags.boolean({ summary: "Files, block checksums and version ranges only: decode no values and rebuild no OSDMap history." }),
  };

  async run(): Promise<CheckReport & { ok: boolean }> {
    const { flags } = await this.parse(StoreCheck);
    const report = await checkStoreAt(flags.store, flags.quick ? {} : deepCheckOptions);
    const ok = report.problems.length === 0;
    const c = report.checked;
    if (report.unknown_services.length > 0) {
      this.log(`note: ${report.unknown_services.join(', ')} ${report.unknown_services.length === 1 ? 'is not a paxos service' : 'are not paxos services'} of Ceph 16–20; checked as services with numbered versions`);
    }
    if (ok) {
      this.log(`ok: ${c.values > 0 ? `${count(c.values, 'value')}, ` : ''}${count(c.paxos_versions, 'paxos version')} and ${count(c.service_versions, 'version')} of ${count(c.services, 'service')} checked, no problems`);
      return { ok, ...report };
    }
    for (const p of report.problems) this.log(`${p.code}\t${p.key ?? '-'}\t${p.message}`);
    this.log(`${count(report.problems.length, 'problem')} found`);
    if (this.jsonEnabled()) this.logJson({ ok, ...report });
    this.exit(1);
    return { ok, ...report };
  }
}
