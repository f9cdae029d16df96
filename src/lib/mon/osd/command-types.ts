/**
 * The OSDMonitor commands monctl runs, as typed values (never words to parse again), and what
 * deciding one answers: an edit to the pending Incremental, "nothing to change", or a refusal
 * with the errno the monitor would answer (OSDMonitor::prepare_command_impl).
 */
import type { UTime } from '../../encoding/index.js';
import type { OsdXinfo, PgId, PgPool } from '../../osdmap/index.js';

/** The commands the embedded quorum takes (its wire form; checked by quorum/mutation-check.ts). */
export type LiveOsdCommand =
  | { op: 'osd-create' }
  | { op: 'osd-out'; id: number }
  | { op: 'osd-in'; id: number }
  | { op: 'osd-down'; id: number }
  | { op: 'osd-reweight'; id: number; weight: number }
  | { op: 'osd-crush-add'; id: number; weight: number; host: string; rack?: string }
  | { op: 'osd-pool-create'; name: string; pgNum: number; size?: number; erasure?: boolean }
  | { op: 'osd-pool-set'; name: string; key: string; value: string }
  | { op: 'osd-pg-upmap-items'; pgid: string; pairs: [number, number][] }
  | { op: 'osd-set'; flag: string }
  | { op: 'osd-unset'; flag: string };

/** Commands only the offline `osdmap edit …` path offers (they need a map the quorum does not keep). */
export type OfflineOsdCommand =
  | { op: 'osd-rm-pg-upmap'; pg: PgId }
  | { op: 'osd-rm-pg-upmap-items'; pg: PgId }
  /** `all`: one PG of `rm-pg-upmap-primary-all` (OSDMap::rm_all_upmap_prims checks no pool type). */
  | { op: 'osd-rm-pg-upmap-primary'; pg: PgId; all?: boolean }
  | { op: 'osd-pg-temp'; pg: PgId; osds: number[] }
  | { op: 'osd-primary-temp'; pg: PgId; osd: number }
  | { op: 'osd-setcrushmap'; crush: Uint8Array; file: string };

export type OsdCommand = LiveOsdCommand | OfflineOsdCommand;

/**
 * What an accepted command writes into the pending incremental: at most one value per field
 * (`[key, value]` for one entry of a map field). new_state is an XOR mask, so `newState` is
 * the OSD's whole mask with what is already pending folded in.
 */
export interface IncEdit {
  /** Stamped by the service on every accepted change, not by the commands. */
  modified?: UTime;
  newMaxOsd?: number;
  newFlags?: number;
  newPoolMax?: bigint;
  crush?: Uint8Array;
  newState?: [osd: number, mask: number];
  newWeight?: [osd: number, weight16: number];
  newXinfo?: [osd: number, xinfo: OsdXinfo];
  newPool?: [id: number, pool: PgPool];
  newPoolName?: [id: number, name: string];
  newPgUpmapItems?: [pg: PgId, pairs: [number, number][]];
  oldPgUpmap?: PgId;
  oldPgUpmapItems?: PgId;
  oldPgUpmapPrimary?: PgId;
  newPgTemp?: [pg: PgId, osds: number[]];
  newPrimaryTemp?: [pg: PgId, osd: number];
}

/** Linux errno values the monitor answers with (the `ceph` CLI exits with them). */
export const ERRNO = { EPERM: 1, ENOENT: 2, EAGAIN: 11, EEXIST: 17, EINVAL: 22, ERANGE: 34, ENOTSUP: 95 } as const;

/**
 * A command's answer. `changed: false` is an accepted command that proposes nothing (the
 * monitor replies 0 and writes no epoch); `retry` asks to wait for the pending proposal
 * (wait_for_finished_proposal).
 */
export type Decision =
  | { ok: true; changed: false; result?: unknown }
  | { ok: true; changed: true; result?: unknown; edit: IncEdit }
  | { ok: false; error: string; errno: number; retry?: boolean };

/** `retry`: the command must wait for the pending proposal to commit (Ceph's wait_for_finished_proposal). */
export type Prepared = { ok: true; changed: boolean; result?: unknown } | { ok: false; error: string; errno?: number; retry?: boolean };
