import { Flags } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from '../../base-command.js';
import { MonctlError } from '../../lib/errors.js';
import { TRIM_DEFAULTS, planPaxosTrim, readPaxosState } from '../../lib/mon/paxos/index.js';

export default class PaxosTrim extends WriteCommand {
  static override summary = 'Remove old paxos versions the way the monitor trims them, then compact.';
  static override description = `Without flags, keeps what a monitor keeps: the newest paxos_min (${TRIM_DEFAULTS.paxos_min}) versions plus last_committed. The last committed version and any pending proposal are never removed.`;
  static override examples = ['<%= config.bin %> paxos trim --dry-run', '<%= config.bin %> paxos trim --keep 100', '<%= config.bin %> paxos trim --to 1200'];
  static override flags = {
    to: Flags.string({ summary: 'New first_committed: versions below it are removed.', exclusive: ['keep'] }),
    keep: Flags.integer({ summary: 'Keep the newest N versions.', min: 1, exclusive: ['to'] }),
    ...writeFlags,
  };

  async run(): Promise<WriteOutcome & { from?: bigint; to?: bigint; erased?: bigint }> {
    const { flags } = await this.parse(PaxosTrim);
    if (flags.to !== undefined && !/^\d+$/.test(flags.to)) throw new MonctlError('BAD_ARGUMENT', `--to must be a version number, not "${flags.to}"`);
    let summary: { from: bigint; to: bigint; erased: bigint } | undefined;
    const outcome = await this.runWrite(flags, async (store) => {
      const st = await readPaxosState(store);
      const plan = planPaxosTrim({
        firstCommitted: st.first_committed ?? 0n,
        lastCommitted: st.last_committed ?? 0n,
        to: flags.to === undefined ? undefined : BigInt(flags.to),
        keep: flags.keep === undefined ? undefined : BigInt(flags.keep),
      });
      if (plan) summary = { from: plan.from, to: plan.to, erased: plan.erased };
      return plan?.transaction;
    });
    if (summary) this.log(`paxos versions ${summary.from}..${summary.to - 1n} ${outcome.applied ? 'removed' : 'to remove'} (${summary.erased}); first_committed ${summary.to}`);
    return { ...outcome, ...summary };
  }
}
