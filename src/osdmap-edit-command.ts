import { WriteCommand, writeFlags, type WriteOutcome } from './base-command.js';
import { formatOSDMapDiff, type OSDMapDiff } from './lib/osdmap/diff.js';
import { MonStore } from './lib/store/index.js';
import { planOsdmapEdit, type OsdmapEdit, type OsdmapEditPlan } from './lib/osdmap/index.js';

export interface OsdmapEditOutcome extends WriteOutcome {
  /** The epoch the edit starts from and the one it writes. */
  from_epoch: number;
  epoch: number;
  paxos_version: bigint;
  full_crc: number;
  /** Keys the batch writes, in order. */
  keys: string[];
  diff: OSDMapDiff;
}

export const osdmapEditFlags = writeFlags;

/** `monctl osdmap edit …`: one edit → one new osdmap epoch, committed as one paxos version. */
export abstract class OsdmapEditCommand extends WriteCommand {
  protected async runEdit(flags: { store?: string; 'dry-run': boolean; 'no-backup': boolean; 'backup-dir'?: string }, edit: OsdmapEdit): Promise<OsdmapEditOutcome> {
    // Plan once on a read-only view first: a refused edit then leaves every file untouched
    // (opening the store for writing already rewrites RocksDB's MANIFEST and OPTIONS files).
    if (!flags['dry-run']) await MonStore.with(flags.store, {}, (store) => planOsdmapEdit(store, edit, new Date()));
    let plan: OsdmapEditPlan | undefined;
    const outcome = await this.runWrite(flags, async (store) => {
      plan = await planOsdmapEdit(store, edit, new Date());
      return plan.transaction;
    });
    const p = plan!;
    this.log(`${outcome.applied ? 'wrote' : 'would write'} osdmap e${p.epoch} as paxos version ${p.paxosVersion} (full_crc 0x${p.inc.fullCrc.toString(16).padStart(8, '0')}):`);
    this.log(`  ${formatOSDMapDiff(p.diff).join('\n  ')}`);
    return {
      ...outcome,
      from_epoch: p.before.epoch,
      epoch: p.epoch,
      paxos_version: p.paxosVersion,
      full_crc: p.inc.fullCrc,
      keys: p.keys,
      diff: p.diff,
    };
  }
}
