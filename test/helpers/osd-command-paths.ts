/**
 * One OSDMonitor command through each road monctl has, from the same map:
 *  - offline: the `osdmap edit …` edit (edit-ops.ts) planned by planOsdmapEdit on a store;
 *  - quorum: the embedded quorum's OsdmapService (prepare, then encode_pending) on a kv that
 *    holds the same full map;
 * and the table of commands the unit and conformance tiers run through them (the conformance
 * tier adds the real `ceph osd …`).
 */
import { utimeFromDate } from '../../src/lib/encoding/index.js';
import { MonitorRefusal, planOsdmapEdit, runCommands, type LiveOsdCommand, type OsdmapEdit } from '../../src/lib/mon/index.js';
import { markIn, markOut, reweight, setFlag, setPool, unsetFlag } from '../../src/lib/mon/index.js';
import { decodeOSDMap, dumpOSDMap, effectiveRequireOsdRelease, type OSDMap } from '../../src/lib/osdmap/index.js';
import { kvKey, versionBytes, type Kv } from '../../src/lib/quorum/kv.js';
import { OsdmapService } from '../../src/lib/quorum/services.js';
import { TransactionBuilder, type MonStore, type Transaction } from '../../src/lib/store/index.js';

/** What a road answered: the new map and the incremental's bytes, nothing proposed, or a refusal's errno. */
export type Outcome = { kind: 'epoch'; map: OSDMap; incBytes: Uint8Array } | { kind: 'unchanged' } | { kind: 'refused'; errno: number; error: string };

export interface CommandCase {
  name: string;
  /** The `ceph` arguments of the same command (conformance tier). */
  ceph: string[];
  /** The quorum's command(s): several ids are several commands batched into one incremental. */
  live: LiveOsdCommand[];
  /** The offline edit (`osdmap edit …`). */
  offline: () => OsdmapEdit;
}

const cmd = (name: string, ceph: string[], live: LiveOsdCommand[], offline?: () => OsdmapEdit): CommandCase => ({ name, ceph, live, offline: offline ?? (() => runCommands(live)) });

/**
 * Every command both roads take, in an order that leaves each step something to do on the
 * fixture stores (osd.3 and osd.5 out, noout set; all OSDs down), refusals included.
 */
export const COMMAND_CASES: CommandCase[] = [
  cmd('set pause', ['osd', 'set', 'pause'], [{ op: 'osd-set', flag: 'pause' }], () => setFlag('pause')),
  cmd('set noout (already set)', ['osd', 'set', 'noout'], [{ op: 'osd-set', flag: 'noout' }], () => setFlag('noout')),
  cmd('unset noout', ['osd', 'unset', 'noout'], [{ op: 'osd-unset', flag: 'noout' }], () => unsetFlag('noout')),
  cmd('unset nodown (not set)', ['osd', 'unset', 'nodown'], [{ op: 'osd-unset', flag: 'nodown' }], () => unsetFlag('nodown')),
  // Not osd.1: the fixtures' pg_upmap_items 1.0 maps to it, and marking it out makes the
  // leader's OSDMap::clean_pg_upmaps drop that entry in the same epoch, which monctl's roads
  // leave to the monitor's next proposal.
  cmd('out 2 4', ['osd', 'out', '2', '4'], [{ op: 'osd-out', id: 2 }, { op: 'osd-out', id: 4 }], () => markOut([2, 4])),
  cmd('out 3 (already out)', ['osd', 'out', '3'], [{ op: 'osd-out', id: 3 }], () => markOut([3])),
  cmd('out 99 (no such osd)', ['osd', 'out', '99'], [{ op: 'osd-out', id: 99 }], () => markOut([99])),
  cmd('in 4 (weight kept by out)', ['osd', 'in', '4'], [{ op: 'osd-in', id: 4 }], () => markIn([4])),
  cmd('in 3', ['osd', 'in', '3'], [{ op: 'osd-in', id: 3 }], () => markIn([3])),
  cmd('in 0 (already in)', ['osd', 'in', '0'], [{ op: 'osd-in', id: 0 }], () => markIn([0])),
  cmd('down 0 (already down)', ['osd', 'down', '0'], [{ op: 'osd-down', id: 0 }]),
  cmd('reweight 2 0.75', ['osd', 'reweight', '2', '0.75'], [{ op: 'osd-reweight', id: 2, weight: 0.75 }], () => reweight(2, '0.75')),
  cmd('reweight 2 0.75 (same)', ['osd', 'reweight', '2', '0.75'], [{ op: 'osd-reweight', id: 2, weight: 0.75 }], () => reweight(2, '0.75')),
  cmd('reweight 99 (no such osd)', ['osd', 'reweight', '99', '0.5'], [{ op: 'osd-reweight', id: 99, weight: 0.5 }], () => reweight(99, '0.5')),
  cmd('in 2 (reweighted, out → in)', ['osd', 'in', '2'], [{ op: 'osd-in', id: 2 }], () => markIn([2])),
  ...(
    [
      ['size', '2'],
      ['min_size', '2'],
      ['min_size', '2'],
      ['size', '3'],
      ['min_size', '9'],
      ['size', '0'],
      ['size', '1'],
      ['size', 'x'],
      ['crush_rule', 'replicated_rule'],
      ['crush_rule', 'nosuchrule'],
      ['nodelete', 'true'],
      ['nodelete', 'maybe'],
      ['nosizechange', '1'],
      ['size', '2'],
      ['min_size', '1'],
      ['nosizechange', 'false'],
    ] as const
  ).map(([key, value]) => cmd(`pool set rbd ${key} ${value}`, ['osd', 'pool', 'set', 'rbd', key, value], [{ op: 'osd-pool-set', name: 'rbd', key, value }], () => setPool('rbd', key, value))),
  cmd('pool set nopool size 2', ['osd', 'pool', 'set', 'nopool', 'size', '2'], [{ op: 'osd-pool-set', name: 'nopool', key: 'size', value: '2' }], () => setPool('nopool', 'size', '2')),
];

/**
 * Commands only the quorum takes (no offline `osdmap edit` for them): quorum and ceph compared.
 * `osd create` commits as Pacific's OSDMonitor::do_osd_create does: new_weight 1.0 (the OSD is
 * in) and new_state ^= NEW.
 */
export const LIVE_ONLY_CASES: { name: string; ceph: string[]; live: LiveOsdCommand[] }[] = [
  { name: 'create', ceph: ['osd', 'create'], live: [{ op: 'osd-create' }] },
  { name: 'pg-upmap-items 1.1 0 4', ceph: ['osd', 'pg-upmap-items', '1.1', '0', '4'], live: [{ op: 'osd-pg-upmap-items', pgid: '1.1', pairs: [[0, 4]] }] },
  { name: 'pg-upmap-items 1.2 0 0 (from == to)', ceph: ['osd', 'pg-upmap-items', '1.2', '0', '0'], live: [{ op: 'osd-pg-upmap-items', pgid: '1.2', pairs: [[0, 0]] }] },
  { name: 'pg-upmap-items 1.2 0 99 (no such osd)', ceph: ['osd', 'pg-upmap-items', '1.2', '0', '99'], live: [{ op: 'osd-pg-upmap-items', pgid: '1.2', pairs: [[0, 99]] }] },
  { name: 'pg-upmap-items 9.0 0 4 (no such pool)', ceph: ['osd', 'pg-upmap-items', '9.0', '0', '4'], live: [{ op: 'osd-pg-upmap-items', pgid: '9.0', pairs: [[0, 4]] }] },
  { name: 'crush add 99 1.0 host=host1 (no such osd)', ceph: ['osd', 'crush', 'add', '99', '1.0', 'host=host1'], live: [{ op: 'osd-crush-add', id: 99, weight: 1, host: 'host1' }] },
];

/** The offline road: plan (only; nothing is written) on `store`. */
export async function offlineOutcome(store: MonStore, edit: () => OsdmapEdit, now: Date): Promise<{ outcome: Outcome; transaction?: Transaction }> {
  try {
    const plan = await planOsdmapEdit(store, edit(), now);
    if (plan.unchanged !== undefined) return { outcome: { kind: 'unchanged' } };
    return { outcome: { kind: 'epoch', map: plan.after, incBytes: plan.incBytes }, transaction: plan.transaction };
  } catch (e) {
    if (e instanceof MonitorRefusal) return { outcome: { kind: 'refused', errno: e.errno, error: e.message } };
    throw e;
  }
}

/** The quorum road: an OsdmapService whose committed map is `full` (epoch `full`'s), one pending proposal. */
export function quorumOutcome(fullBytes: Uint8Array, commands: readonly LiveOsdCommand[], now: Date): Outcome {
  const base = decodeOSDMap(fullBytes);
  const epoch = base.epoch;
  const kv: Kv = new Map([
    [kvKey('osdmap', `full_${epoch}`), fullBytes],
    [kvKey('osdmap', 'last_committed'), versionBytes(BigInt(epoch))],
    [kvKey('osdmap', 'first_committed'), versionBytes(BigInt(epoch))],
  ]);
  const service = new OsdmapService(kv, effectiveRequireOsdRelease(base));
  let changed = false;
  for (const c of commands) {
    const p = service.prepare(c, utimeFromDate(now));
    if (!p.ok) return { kind: 'refused', errno: p.errno ?? -1, error: p.error };
    changed ||= p.changed;
  }
  if (!changed) return { kind: 'unchanged' };
  const tx = new TransactionBuilder();
  const e = service.encodePending(tx);
  const get = (key: string): Uint8Array => tx.tx.ops.find((op) => op.prefix === 'osdmap' && op.key === key)!.value;
  return { kind: 'epoch', map: decodeOSDMap(get(`full_${e}`)), incBytes: get(String(e)) };
}

/** Fields every new epoch restamps: left out when two roads' maps are compared across clocks and epochs. */
const VOLATILE = new Set(['epoch', 'modified', 'last_up_change', 'last_in_change', 'last_change', 'down_at', 'crc']);

/** `osdmaptool --dump json`'s fields of a map, without the ones every epoch restamps. */
export function stableDump(map: OSDMap): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, strip(x)]));
    }
    return typeof v === 'bigint' ? v.toString() : v;
  };
  return strip(dumpOSDMap(map));
}

/** An Outcome as a comparable value: the map's stable dump, or the kind and errno. */
export function outcomeKey(o: Outcome): unknown {
  if (o.kind === 'epoch') return { kind: 'epoch', map: stableDump(o.map) };
  if (o.kind === 'refused') return { kind: 'refused', errno: o.errno };
  return { kind: 'unchanged' };
}
