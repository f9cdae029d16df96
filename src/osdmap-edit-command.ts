import { Args } from '@oclif/core';
import { WriteCommand, writeFlags, type WriteOutcome } from './base-command.js';
import { formatOSDMapDiff, type OSDMapDiff } from './lib/osdmap/diff.js';
import { OSDMAP_EDIT_FLAGS, type OsdmapEdit, type OsdmapEditPlan, parseOsdId, planOsdmapEdit, stillPlanned } from './lib/mon/index.js';

export interface OsdmapEditOutcome extends WriteOutcome {
  /** The epoch the edit starts from and the one it writes. */
  from_epoch: number;
  epoch: number;
  paxos_version: bigint;
  full_crc: number;
  /** Keys the batch writes, in order. */
  keys: string[];
  diff: OSDMapDiff;
  /** Set when the command is accepted but proposes nothing (the monitor's "already out" answers). */
  unchanged?: string;
}

export const osdmapEditFlags = writeFlags;

type EditFlags = { store?: string; 'dry-run': boolean; 'no-backup': boolean; 'backup-dir'?: string };

/** `monctl osdmap edit …`: one edit → one new osdmap epoch, committed as one paxos version. */
export abstract class OsdmapEditCommand extends WriteCommand {
  // Restated so that oclif's manifest sees --store and --json (see WriteCommand.baseFlags).
  static override baseFlags = WriteCommand.baseFlags;
  protected async runEdit(flags: EditFlags, edit: OsdmapEdit): Promise<OsdmapEditOutcome> {
    // Planned once, on a read-only view: a refused or empty edit opens nothing for writing
    // (opening RocksDB for writing already rewrites its MANIFEST and OPTIONS files).
    let plan: OsdmapEditPlan | undefined;
    const outcome = await this.runWrite(
      flags,
      async (store) => (plan = await planOsdmapEdit(store, edit, new Date())).transaction,
      (store) => stillPlanned(store, plan!),
    );
    const p = plan!;
    if (p.unchanged !== undefined) this.log(`nothing proposed (${p.unchanged}): osdmap stays at e${p.epoch}`);
    else {
      this.log(`${outcome.applied ? 'wrote' : 'would write'} osdmap e${p.epoch} as paxos version ${p.paxosVersion} (full_crc 0x${p.inc.fullCrc.toString(16).padStart(8, '0')}):`);
      this.log(`  ${formatOSDMapDiff(p.diff).join('\n  ')}`);
    }
    // The real run stamps its own time (OSDMap::Incremental::modified, as the monitor does):
    // say exactly what of this dry run it will not reproduce.
    const timed = outcome.dry_run && p.unchanged === undefined ? timeOfRun(p) : undefined;
    if (timed) this.log(`note: ${timed.fields.join(', ')} take the time of the real run (this dry run used ${timed.stamp}), so full_crc and the bytes of ${timed.keys.join(', ')} will differ from the above; every other field is what the write writes`);
    return {
      ...(timed ? { time_of_run: timed } : {}),
      ...outcome,
      from_epoch: p.before.epoch,
      epoch: p.epoch,
      paxos_version: p.paxosVersion,
      full_crc: p.inc.fullCrc,
      keys: p.keys,
      diff: p.diff,
      ...(p.unchanged !== undefined ? { unchanged: p.unchanged } : {}),
    };
  }
}

/** Fields of the edit that carry the time of the run, the stamp used and the keys they are in. */
function timeOfRun(p: OsdmapEditPlan): { fields: string[]; stamp: string; keys: string[] } {
  const fields = ['modified'];
  const set = (t: { sec: number; nsec: number }) => t.sec !== 0 || t.nsec !== 0;
  if (set(p.inc.newLastUpChange)) fields.push('last_up_change');
  if (set(p.inc.newLastInChange)) fields.push('last_in_change');
  const m = p.inc.modified;
  const stamp = `${new Date(m.sec * 1000).toISOString().slice(0, 19)}.${String(m.nsec).padStart(9, '0').slice(0, 6)}Z`;
  // The incremental and the full map carry the stamps; the paxos version carries both.
  return { fields, stamp, keys: p.keys.filter((k) => /^(paxos\/\d+|osdmap\/(full_)?\d+)$/.test(k)) };
}

/** Edits of one or more OSDs: `mark-out 3 osd.4`. */
export abstract class OsdIdsEditCommand extends OsdmapEditCommand {
  static override strict = false;
  static override args = { ids: Args.string({ required: true, description: 'OSD ids (3 or osd.3), one or more.' }) };
  static override flags = osdmapEditFlags;
  protected abstract edit(ids: number[]): OsdmapEdit;

  async run(): Promise<OsdmapEditOutcome> {
    const { argv, flags } = await this.parse(OsdIdsEditCommand);
    return this.runEdit(flags, this.edit((argv as string[]).map(parseOsdId)));
  }
}

/** Edits of one cluster flag: `set-flag noout`. */
export abstract class FlagEditCommand extends OsdmapEditCommand {
  static override args = { flag: Args.string({ required: true, description: `One of ${OSDMAP_EDIT_FLAGS.join(', ')}.` }) };
  static override flags = osdmapEditFlags;
  protected abstract edit(flag: string): OsdmapEdit;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(FlagEditCommand);
    return this.runEdit(flags, this.edit(args.flag));
  }
}

/** Edits of one PG's override entries: `rm-upmap 1.2f`. */
export abstract class PgEditCommand extends OsdmapEditCommand {
  static override args = { pgid: Args.string({ required: true, description: 'PG id, POOL.SEED with the seed in hex (1.2f).' }) };
  static override flags = osdmapEditFlags;
  protected abstract edit(pgid: string): OsdmapEdit;

  async run(): Promise<OsdmapEditOutcome> {
    const { args, flags } = await this.parse(PgEditCommand);
    return this.runEdit(flags, this.edit(args.pgid));
  }
}
