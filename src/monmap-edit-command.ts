import { Flags } from '@oclif/core';
import { WriteCommand, writeFlags as baseWriteFlags, type WriteOutcome } from './base-command.js';
import { dumpMonMap, type MonMapDump, type MonmapEdit } from './lib/monmap/index.js';
import { type MonmapEditPlan, planMonmapEdit, stillPlannedMonmap, utimeFromDate } from './lib/mon/index.js';

/** The write flags, plus the lost-quorum escape hatch for a survivor that died mid-proposal. */
export const writeFlags = {
  ...baseWriteFlags,
  'discard-pending': Flags.boolean({
    summary: 'Drop an uncommitted paxos proposal (pending_v > last_committed) instead of refusing: for a survivor of a lost quorum.',
    helpGroup: 'WRITE',
  }),
};

export interface MonmapEditOutcome extends WriteOutcome {
  epoch?: number;
  paxos_version?: bigint;
  diff?: string[];
  monmap?: MonMapDump;
}

/** The monmap write commands: one edit → a new monmap epoch committed as a paxos version. */
export abstract class MonmapEditCommand extends WriteCommand {
  protected async runMonmapEdit(
    flags: { store?: string; 'dry-run': boolean; 'no-backup': boolean; 'backup-dir'?: string; 'discard-pending'?: boolean },
    edit: MonmapEdit,
  ): Promise<MonmapEditOutcome> {
    // Planned once, on a read-only view: a refused edit opens nothing for writing.
    let plan: MonmapEditPlan | undefined;
    const outcome = await this.runWrite(
      flags,
      async (store) => (plan = await planMonmapEdit(store, edit, utimeFromDate(new Date()), { discardPending: flags['discard-pending'] ?? false })).transaction,
      (store) => stillPlannedMonmap(store, plan!),
    );
    if (!plan) return outcome;
    const verb = outcome.applied ? 'committed' : 'would commit';
    this.log(`monmap epoch ${plan.before.epoch} -> ${plan.epoch} (${verb} as paxos version ${plan.paxosVersion}):\n  ${plan.diff.join('\n  ')}`);
    // MonMap::last_changed is the time of the real run (as the monitor stamps it).
    if (outcome.dry_run) this.log('note: last_changed takes the time of the real run, so the bytes of the new monmap and paxos values will differ from this dry run in that field only');
    return { ...outcome, epoch: plan.epoch, paxos_version: plan.paxosVersion, diff: plan.diff, monmap: dumpMonMap(plan.after) };
  }
}
