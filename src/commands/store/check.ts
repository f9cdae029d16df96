import { StoreCommand } from '../../base-command.js';
import { checkStore, type CheckReport } from '../../lib/mon/index.js';
import { count } from '../../lib/render/plural.js';

export default class StoreCheck extends StoreCommand {
  static override summary = 'Look for missing or undecodable versions, dangling full_latest and broken ranges; exit 1 if any.';
  static override examples = ['<%= config.bin %> store check -s /var/lib/ceph/mon/ceph-a'];

  async run(): Promise<CheckReport & { ok: boolean }> {
    const { flags } = await this.parse(StoreCheck);
    const report = await this.withStore(flags.store, (store) => checkStore(store));
    const ok = report.problems.length === 0;
    const c = report.checked;
    if (report.unknown_services.length > 0) {
      this.log(`note: ${report.unknown_services.join(', ')} ${report.unknown_services.length === 1 ? 'is not a paxos service' : 'are not paxos services'} of Ceph 16–20; checked as services with numbered versions`);
    }
    if (ok) {
      this.log(`ok: ${count(c.paxos_versions, 'paxos version')} and ${count(c.service_versions, 'version')} of ${count(c.services, 'service')} checked, no problems`);
      return { ok, ...report };
    }
    for (const p of report.problems) this.log(`${p.code}\t${p.key ?? '-'}\t${p.message}`);
    this.log(`${count(report.problems.length, 'problem')} found`);
    if (this.jsonEnabled()) this.logJson({ ok, ...report });
    this.exit(1);
    return { ok, ...report };
  }
}
