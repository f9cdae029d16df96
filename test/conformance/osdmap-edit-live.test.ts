import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeIncremental } from '../../src/lib/osdmap/index.js';
import { MonStore, TransactionBuilder, writeTransaction } from '../../src/lib/store/index.js';
import { cephAvailable, extractFixture, removeTempDirs, runTool, startMon, which, type Backend, type RunningMon, monCrcComplaints } from '../helpers/ceph.js';
import { EDIT_CASES, seedLiveState, type EditCase } from '../helpers/osdmap-edit.js';
import { runCommand } from '../helpers/run-command.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import { planOsdmapEdit, readFullMap, setFlag } from '../../src/lib/mon/index.js';

interface Dump {
  epoch: number;
  flags: string;
  osds: { osd: number; up: number; in: number; weight: number }[];
  pools: { pool_name: string; min_size: number; last_change: string }[];
  pg_upmap_items: { pgid: string }[];
  pg_temp: { pgid: string }[];
  primary_temp: unknown[];
}

/** A new CRUSH map made by crushtool from the store's: a host bucket added under root default. */
async function crushtoolMap(mon: string): Promise<string> {
  const current = join(mon, '..', 'crush.current');
  const next = join(mon, '..', 'crush.crushtool');
  writeFileSync(current, await MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map.crushBytes));
  const r = runTool('crushtool', ['-i', current, '--add-bucket', 'monctlhost', 'host', '--loc', 'root', 'default', '-o', next]);
  if (r.code !== 0) throw new Error(`crushtool failed: ${r.stderr}`);
  return next;
}

/** What `ceph osd dump` / `ceph osd tree` must show after each edit of EDIT_CASES. */
const LIVE_CHECKS: Record<string, (d: Dump, mon: RunningMon) => Promise<void>> = {
  'set-flag': async (d) => expect(d.flags).toContain('pauserd,pausewr'),
  'unset-flag': async (d) => expect(d.flags.split(',')).not.toContain('noout'),
  'mark-out': async (d) => expect([d.osds[1]!.in, d.osds[2]!.in]).toEqual([0, 0]),
  'mark-in': async (d) => expect(d.osds[3]).toMatchObject({ in: 1, weight: 1 }),
  'mark-down': async (d) => expect(d.osds[0]!.up).toBe(0),
  reweight: async (d, mon) => {
    expect(d.osds[2]!.weight).toBe(0.75);
    const tree = await mon.ceph(['osd', 'tree', '-f', 'json'], { timeoutMs: 90_000 });
    expect(tree.code, tree.stderr).toBe(0);
    const node = (JSON.parse(tree.stdout) as { nodes: { id: number; reweight: number }[] }).nodes.find((n) => n.id === 2);
    expect(node?.reweight).toBe(0.75);
  },
  'rm-upmap': async (d) => expect(d.pg_upmap_items.map((p) => p.pgid)).not.toContain('1.0'),
  'rm-pg-temp': async (d) => {
    expect(d.pg_temp.map((p) => p.pgid)).not.toContain('1.7');
    expect(d.primary_temp).toContain('1.4');
  },
  'set-crush': async (_d, mon) => {
    const out = join(mon.runDir, 'crush.served');
    expect((await mon.ceph(['osd', 'getcrushmap', '-o', out])).code).toBe(0);
    expect(Buffer.compare(readFileSync(out), readFileSync(join(mon.monData, '..', 'crush.crushtool')))).toBe(0);
    const tree = await mon.ceph(['osd', 'tree']);
    expect(tree.stdout).toMatch(/host monctlhost/);
  },
  'set-pool': async (d) => expect(d.pools.find((p) => p.pool_name === 'rbd')).toMatchObject({ min_size: 1 }),
};


async function applyEdit(c: EditCase, mon: string): Promise<number> {
  const args = c.name === 'set-crush' ? [await crushtoolMap(mon)] : await c.args(mon);
  const r = await runCommand(c.cmd, [...args, '-s', mon, '--no-backup', '--json']);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { epoch: number }).epoch;
}

/**
 * Points osdmap/full_latest back at `epoch`, as it stands on a monitor between a commit and
 * update_from_paxos: the starting mon then applies every later incremental itself, encodes
 * the result and compares it with the incremental's full_crc (and logs any mismatch).
 */
async function rewindFullLatest(mon: string, epoch: number): Promise<void> {
  await writeTransaction({ store: mon, backup: false, plan: async () => new TransactionBuilder().putVersion('osdmap', 'full_latest', BigInt(epoch)).tx });
}

async function fullLatest(mon: string): Promise<number> {
  return Number(await MonStore.with(mon, {}, async (s) => s.getVersion('osdmap', 'full_latest')));
}

async function served(mon: RunningMon, epochs: number[]): Promise<void> {
  for (const e of epochs) {
    const out = join(mon.runDir, `osdmap.${e}`);
    const r = await mon.ceph(['osd', 'getmap', String(e), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const stored = await MonStore.with(mon.monData, {}, async (s) => s.get('osdmap', `full_${e}`));
    expect(Buffer.compare(readFileSync(out), stored!), `epoch ${e} as served`).toBe(0);
  }
}

/**
 * Every `osdmap edit` operation, written offline, then a real Ceph 16 ceph-mon started on the
 * store: it replays the new incremental without a CRC complaint, serves the new epoch
 * byte-for-byte, and `ceph osd dump` / `ceph osd tree` show the edit.
 */
describe.skipIf(!cephAvailable() || !which('crushtool'))('osdmap edit: a real ceph-mon accepts the new epochs', () => {
  const running: RunningMon[] = [];
  afterAll(async () => {
    for (const m of running) await m.stop();
    removeTempDirs();
  });

  for (const c of EDIT_CASES) {
    it(`rocksdb: ${c.name}`, async () => {
      const mon = extractFixture('rocksdb');
      if (c.seeded) await seedLiveState(mon);
      const epoch = await applyEdit(c, mon);
      await rewindFullLatest(mon, epoch - 1);
      // MonStore reads work while the mon runs; read the store before, the mon serves after.
      const m = await startMon({ monData: mon });
      running.push(m);
      try {
        const r = await m.ceph(['osd', 'dump', '-f', 'json']);
        expect(r.code, r.stderr).toBe(0);
        const dump = JSON.parse(r.stdout) as Dump;
        expect(dump.epoch).toBeGreaterThanOrEqual(epoch);
        await LIVE_CHECKS[c.name]!(dump, m);
        await served(m, [epoch]);
        expect(monCrcComplaints(m.log())).toEqual([]);
        // While the mon runs, an edit of its store is refused and writes nothing.
        const locked = await runCommand(SetFlag, ['nosnaptrim', '-s', mon]);
        expect(locked.exitCode, locked.stderr).toBe(3);
        expect(locked.stderr).toContain('STORE_LOCKED');
      } finally {
        await m.stop();
      }
      // update_from_paxos walked the incrementals from the rewound full_latest and recorded it.
      expect(await fullLatest(mon)).toBeGreaterThanOrEqual(epoch);
    });
  }

  it('rocksdb: the CRC check above can fail: a wrong full_crc makes the mon complain', async () => {
    const mon = extractFixture('rocksdb');
    let epoch = 0;
    await writeTransaction({
      store: mon,
      backup: false,
      plan: async (store) => {
        const plan = await planOsdmapEdit(store, setFlag('noscrub'), new Date());
        epoch = plan.epoch;
        const bad = encodeIncremental({ ...plan.inc, fullCrc: (plan.inc.fullCrc ^ 1) >>> 0 }, plan.inc.encodeFeatures);
        return new TransactionBuilder().append(plan.transaction).put('osdmap', String(epoch), bad).tx;
      },
    });
    await rewindFullLatest(mon, epoch - 1);
    const m = await startMon({ monData: mon });
    running.push(m);
    await m.stop();
    expect(monCrcComplaints(m.log()).length).toBeGreaterThan(0);
  });

  it('leveldb: all edits in a row, one mon replays them all and serves every epoch', async () => {
    const backend: Backend = 'leveldb';
    const mon = extractFixture(backend);
    const first = (await seedLiveState(mon)) - 1;
    const epochs: number[] = [];
    // mark-out before reweight touch osd.2: reweight last wins, so run it first.
    const order = ['reweight', ...EDIT_CASES.map((c) => c.name).filter((n) => n !== 'reweight')];
    for (const name of order) epochs.push(await applyEdit(EDIT_CASES.find((c) => c.name === name)!, mon));
    expect(epochs).toEqual(epochs.map((_, i) => first + 2 + i));
    await rewindFullLatest(mon, first);
    const m = await startMon({ monData: mon });
    running.push(m);
    try {
      const dump = JSON.parse((await m.ceph(['osd', 'dump', '-f', 'json'])).stdout) as Dump;
      expect(dump.epoch).toBeGreaterThanOrEqual(epochs.at(-1)!);
      for (const name of ['set-flag', 'unset-flag', 'mark-out', 'mark-in', 'mark-down', 'rm-upmap', 'rm-pg-temp', 'set-crush', 'set-pool']) {
        await LIVE_CHECKS[name]!(dump, m);
      }
      await served(m, epochs);
      expect(monCrcComplaints(m.log())).toEqual([]);
    } finally {
      await m.stop();
    }
    expect(await fullLatest(mon)).toBeGreaterThanOrEqual(epochs.at(-1)!);
  });
});
