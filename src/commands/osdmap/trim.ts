import { Flags } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { SERVICE_TRIM_KEEP, planStoreServiceTrim } from '../../lib/mon/paxos/index.js';

export default class OsdmapTrim extends WriteCommand {
  static override summary = 'Remove old osdmap epochs the way the monitor trims them, then compact.';
  static override description = `Erases osdmap/<e> and osdmap/full_<e> below the new first epoch and moves first_committed, as OSDMonitor does (its full map at the new first epoch stays). Without flags, keeps what the monitor keeps: mon_min_osdmap_epochs (${SERVICE_TRIM_KEEP.osdmap}) epochs behind last_committed. Keeping fewer, or trimming while PGs are still being created, needs --force. last_committed and full_latest always stay.`;
  static override examples = ['<%= config.bin %> osdmap trim --dry-run', '<%= config.bin %> osdmap trim --keep 1000', '<%= config.bin %> osdmap trim --to 250 --force'];
  static override flags = {
    to: Flags.string({ summary: 'New first epoch: epochs below it are removed.', exclusive: ['keep'] }),
    keep: Flags.integer({ summary: 'Keep the newest N epochs.', min: 1, exclusive: ['to'] }),
    force: Flags.boolean({ summary: 'Allow keeping fewer than mon_min_osdmap_epochs, or trimming while PGs are being created.' }),
    ...writeFlags,
  };

  async run(): Promise<WriteOutcome & { from?: bigint; to?: bigint; erased?: bigint }> {
    const { flags } = await this.parse(OsdmapTrim);
    if (flags.to !== undefined && !/^\d+$/.test(flags.to)) throw new MonctlError('BAD_ARGUMENT', `--to must be an epoch number, not "${flags.to}"`);
    let summary: { from: bigint; to: bigint; erased: bigint } | undefined;
    const outcome = await this.runWrite(flags, async (store) => {
      const plan = await planStoreServiceTrim(store, 'osdmap', {
        ...(flags.to !== undefined ? { to: BigInt(flags.to) } : {}),
        ...(flags.keep !== undefined ? { keep: BigInt(flags.keep) } : {}),
        force: flags.force,
      });
      if (plan) summary = { from: plan.from, to: plan.to, erased: plan.erased };
      return plan?.transaction;
    });
    if (summary) this.log(`osdmap epochs ${summary.from}..${summary.to - 1n} ${outcome.applied ? 'removed' : 'to remove'} (${summary.erased}); first_committed ${summary.to}`);
    return { ...outcome, ...summary };
  }
}
