import { StoreCommand } from '../../base-command.js';
import { checkStore, type CheckReport } from '../../lib/mon/index.js';

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
      this.log(`ok: ${c.paxos_versions} paxos versions and ${c.service_versions} versions of ${c.services} services checked, no problems`);
      return { ok, ...report };
    }
    for (const p of report.problems) this.log(`${p.code}\t${p.key ?? '-'}\t${p.message}`);
    this.log(`${report.problems.length} problems found`);
    if (this.jsonEnabled()) this.logJson({ ok, ...report });
    this.exit(1);
    return { ok, ...report };
  }
}
