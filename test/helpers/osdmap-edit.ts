/**
 * Shared by the `osdmap edit` tests (unit, conformance, crash safety): the store digest, a
 * seeded "live" state (an up OSD, pg_temp and primary_temp, which the fixture stores lack),
 * and the table of edits every tier runs.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkDown from '../../src/commands/osdmap/edit/mark-down.js';
import MarkIn from '../../src/commands/osdmap/edit/mark-in.js';
import MarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import Reweight from '../../src/commands/osdmap/edit/reweight.js';
import RmPgTemp from '../../src/commands/osdmap/edit/rm-pg-temp.js';
import RmUpmap from '../../src/commands/osdmap/edit/rm-upmap.js';
import SetCrush from '../../src/commands/osdmap/edit/set-crush.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import SetPool from '../../src/commands/osdmap/edit/set-pool.js';
import UnsetFlag from '../../src/commands/osdmap/edit/unset-flag.js';
import { decodeCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { parseEntityAddrvec } from '../../src/lib/msg/entity-addr.js';
import { FEATURES_ALL } from '../../src/lib/msg/features.js';
import { OSDMAP_FLAG, OSD_STATE, pgMapSet, type OSDMap } from '../../src/lib/osdmap/index.js';
import { MonStore, writeTransaction } from '../../src/lib/store/index.js';
import type { RunnableCommand } from './run-command.js';
import { planOsdmapEdit, readFullMap } from '../../src/lib/mon/index.js';

/** sha256 of every key and value: equal digests = the same store contents. */
export async function storeDigest(mon: string): Promise<Map<string, string>> {
  return MonStore.with(mon, {}, async (s) => {
    const out = new Map<string, string>();
    for await (const e of s.entries({ values: true })) out.set(`${e.prefix}/${e.key}`, createHash('sha256').update(e.value!).digest('hex'));
    return out;
  });
}

export function digestOf(d: Map<string, string>): string {
  const h = createHash('sha256');
  for (const [k, v] of [...d].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`${k}\0${v}\n`);
  return h.digest('hex');
}

/** Keys whose value differs (or that exist on one side only). */
export function changedKeys(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

/**
 * Commits one epoch (through the same planner the edits use) in which osd.0 boots at
 * 127.0.0.1 and pg 1.7 gets a pg_temp and pg 1.4 a primary_temp, so mark-down and rm-pg-temp
 * have something to change. Returns the epoch.
 */
export async function seedLiveState(mon: string): Promise<number> {
  const addrs = (port: number) => parseEntityAddrvec(`[v2:127.0.0.1:${port}/4242,v1:127.0.0.1:${port + 1}/4242]`);
  let epoch = 0;
  await writeTransaction({
    store: mon,
    backup: false,
    plan: async (store) => {
      const plan = await planOsdmapEdit(
        store,
        (map, inc) => {
          inc.newUpClient.set(0, addrs(6800));
          // A booting OSD reports its features (OSDMonitor::prepare_boot puts them in xinfo);
          // the monitor asserts that up OSDs have them.
          inc.newXinfo.set(0, { ...structuredClone(map.osdXinfo[0]!), features: FEATURES_ALL });
          inc.newUpCluster.set(0, addrs(6802));
          inc.newHbBackUp.set(0, addrs(6804));
          inc.newHbFrontUp.set(0, addrs(6806));
          pgMapSet(inc.newPgTemp, { pool: 1, seed: 7 }, [4, 2]);
          pgMapSet(inc.newPrimaryTemp, { pool: 1, seed: 4 }, 0);
        },
        new Date(),
      );
      epoch = plan.epoch;
      return plan.transaction;
    },
  });
  return epoch;
}

/**
 * A CRUSH map that differs from the store's: choose_total_tries raised to 75. Written next to
 * the store; the conformance tier makes its map with crushtool instead.
 */
export async function writeTweakedCrush(mon: string): Promise<string> {
  const map = await MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);
  const crush = decodeCrushMap(map.crushBytes);
  crush.tunables.chooseTotalTries = 75;
  const file = join(mon, '..', 'crush.tweaked');
  writeFileSync(file, encodeCrushMap(crush));
  return file;
}

export interface EditCase {
  name: string;
  cmd: RunnableCommand;
  /** Command arguments (the store flags are added by the caller); may need the store path. */
  args: (mon: string) => Promise<string[]>;
  /** Needs seedLiveState first (an up OSD, pg_temp, primary_temp). */
  seeded?: boolean;
  /** What the new full map must show. */
  check: (before: OSDMap, after: OSDMap) => void;
}

const fail = (what: string): never => {
  throw new Error(what);
};
const expectThat = (ok: boolean, what: string): void => {
  if (!ok) fail(what);
};

/** One case per edit command, on the fixture store (osd.3 and osd.5 out, noout set, upmap 1.0). */
export const EDIT_CASES: EditCase[] = [
  {
    name: 'set-flag',
    cmd: SetFlag,
    args: async () => ['pause'],
    check: (_b, a) => expectThat((a.flags & (OSDMAP_FLAG.PAUSERD | OSDMAP_FLAG.PAUSEWR)) === (OSDMAP_FLAG.PAUSERD | OSDMAP_FLAG.PAUSEWR), 'pauserd+pausewr set'),
  },
  { name: 'unset-flag', cmd: UnsetFlag, args: async () => ['noout'], check: (_b, a) => expectThat((a.flags & OSDMAP_FLAG.NOOUT) === 0, 'noout cleared') },
  {
    name: 'mark-out',
    cmd: MarkOut,
    args: async () => ['1', 'osd.2'],
    check: (b, a) => {
      expectThat(a.osdWeight[1] === 0 && a.osdWeight[2] === 0, 'osd.1 and osd.2 out');
      expectThat(a.lastInChange.sec !== b.lastInChange.sec || a.lastInChange.nsec !== b.lastInChange.nsec, 'last_in_change stamped');
    },
  },
  { name: 'mark-in', cmd: MarkIn, args: async () => ['3'], check: (_b, a) => expectThat(a.osdWeight[3] === 0x10000, 'osd.3 in') },
  {
    name: 'mark-down',
    cmd: MarkDown,
    seeded: true,
    args: async () => ['0'],
    check: (_b, a) => {
      expectThat((a.osdState[0]! & OSD_STATE.UP) === 0, 'osd.0 down');
      expectThat(a.osdInfo[0]!.downAt === a.epoch, 'down_at stamped');
      expectThat(a.lastUpChange.sec === a.modified.sec && a.lastUpChange.nsec === a.modified.nsec, 'last_up_change = modified');
    },
  },
  { name: 'reweight', cmd: Reweight, args: async () => ['2', '0.75'], check: (_b, a) => expectThat(a.osdWeight[2] === 0xc000, 'osd.2 weight 0xc000') },
  { name: 'rm-upmap', cmd: RmUpmap, args: async () => ['1.0'], check: (_b, a) => expectThat(!a.pgUpmapItems.has('1.0'), 'pg_upmap_items 1.0 gone') },
  {
    name: 'rm-pg-temp',
    cmd: RmPgTemp,
    seeded: true,
    args: async () => ['1.7'],
    check: (b, a) => expectThat(b.pgTemp.has('1.7') && !a.pgTemp.has('1.7') && a.primaryTemp.has('1.4'), 'pg_temp 1.7 gone, primary_temp 1.4 kept'),
  },
  {
    name: 'set-crush',
    cmd: SetCrush,
    args: async (mon) => [await writeTweakedCrush(mon)],
    check: (b, a) => {
      expectThat(a.crush.tunables.chooseTotalTries === 75, 'choose_total_tries 75');
      expectThat(a.crushVersion === b.crushVersion + 1, 'crush_version + 1');
    },
  },
  {
    name: 'set-pool',
    cmd: SetPool,
    args: async () => ['rbd', 'min_size', '1'],
    check: (_b, a) => expectThat(a.pools.get(1)!.minSize === 1 && a.pools.get(1)!.lastChange === a.epoch, 'rbd min_size 1, last_change = epoch'),
  },
];
