import { Flags } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { planStoreTrim } from '../../lib/mon/paxos/index.js';

interface TrimmedRange {
  service: string;
  from: bigint;
  to: bigint;
  erased: bigint;
}

export default class StoreTrim extends WriteCommand {
  static override summary = 'Trim every paxos service (osdmap, logm, auth, mgr, mdsmap, …) and paxos itself in one batch, then compact.';
  static override description =
    'Each service is trimmed as its monitor trims it (erase old versions and their full_ versions, move first_committed; osdmap keeps the full map of its new first epoch); paxos as `paxos trim`. Without --keep each keeps what the monitor keeps (osdmap, logm, mdsmap, mgr 500 behind last_committed, auth 20, mgrstat and kv 5, paxos 500; monmap is never trimmed). With --keep N every one keeps its newest N (osdmap below mon_min_osdmap_epochs only with --force). last_committed and full_latest always stay.';
  static override examples = ['<%= config.bin %> store trim --dry-run', '<%= config.bin %> store trim --keep 50 --force'];
  static override flags = {
    keep: Flags.integer({ summary: 'Keep the newest N versions of every service and of paxos.', min: 1 }),
    force: Flags.boolean({ summary: 'Allow osdmap to keep fewer than mon_min_osdmap_epochs, or to be trimmed while PGs are being created.' }),
    ...writeFlags,
  };

  async run(): Promise<WriteOutcome & { trimmed: TrimmedRange[] }> {
    const { flags } = await this.parse(StoreTrim);
    let trimmed: TrimmedRange[] = [];
    const outcome = await this.runWrite(flags, async (store) => {
      const plan = await planStoreTrim(store, { ...(flags.keep !== undefined ? { keep: BigInt(flags.keep) } : {}), force: flags.force });
      trimmed = plan.services.map(({ service, from, to, erased }) => ({ service, from, to, erased }));
      if (plan.paxos) trimmed.push({ service: 'paxos', from: plan.paxos.from, to: plan.paxos.to, erased: plan.paxos.erased });
      return plan.transaction;
    });
    const verb = outcome.applied ? 'removed' : 'to remove';
    for (const t of trimmed) this.log(`${t.service}: versions ${t.from}..${t.to - 1n} ${verb} (${t.erased}); first_committed ${t.to}`);
    return { ...outcome, trimmed };
  }
}
