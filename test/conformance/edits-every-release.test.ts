import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import MarkDown from '../../src/commands/osdmap/edit/mark-down.js';
import MarkIn from '../../src/commands/osdmap/edit/mark-in.js';
import MarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import Reweight from '../../src/commands/osdmap/edit/reweight.js';
import RmPgTemp from '../../src/commands/osdmap/edit/rm-pg-temp.js';
import RmUpmap from '../../src/commands/osdmap/edit/rm-upmap.js';
import RmUpmapPrimary from '../../src/commands/osdmap/edit/rm-upmap-primary.js';
import SetCrush from '../../src/commands/osdmap/edit/set-crush.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import SetPool from '../../src/commands/osdmap/edit/set-pool.js';
import UnsetFlag from '../../src/commands/osdmap/edit/unset-flag.js';
import MonmapGet from '../../src/commands/monmap/get.js';
import MonmapInject from '../../src/commands/monmap/inject.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreRestoreBackup from '../../src/commands/store/restore-backup.js';
import { planOsdmapEdit, readFullMap, readIncremental } from '../../src/lib/mon/index.js';
import { dumpIncremental, pgMapSet } from '../../src/lib/osdmap/index.js';
import { MonStore, TransactionBuilder, writeTransaction } from '../../src/lib/store/index.js';
import { extractFixture, makeTempDir, removeTempDirs, monCrcComplaints } from '../helpers/ceph.js';
import { availableReleases, releaseMons, runTool, type Release } from '../helpers/releases.js';
import { runCommand, runOk, type RunnableCommand } from '../helpers/run-command.js';

/**
 * Every offline write command on a Reef and a Tentacle store, then that release's own ceph-mon
 * on the result (stores-every-release covers store set/rm/rm-prefix, the trims, monmap add/rm/
 * set-addr and SIGKILLs; osdmap-edit-live the same edits on Pacific):
 *  - each `osdmap edit` command in a row, one epoch each; osdmap/full_latest is then pointed back
 *    at the epoch before the first, so the starting monitor applies every new incremental itself
 *    and checks each full_crc; it must log no CRC complaint, serve every new epoch byte for byte
 *    and show each edit in `ceph osd dump`/`osd tree`/`osd getcrushmap`;
 *  - `monmap inject` of maps the release's own monmaptool made;
 *  - `store restore-backup`: refused while the monitor runs, then the monitor serves the store
 *    as it was before the edit.
 */
const releases = availableReleases().filter((r): r is Exclude<Release, 'pacific'> => r !== 'pacific');

interface Dump {
  epoch: number;
  flags: string;
  osds: Array<{ osd: number; up: number; in: number; weight: number }>;
  pools: Array<{ pool_name: string; min_size: number }>;
  pg_upmap_items: Array<{ pgid: string }>;
  pg_upmap_primaries: Array<{ pgid: string }>;
  pg_temp: Array<{ pgid: string }>;
  primary_temp: Array<{ pgid: string }>;
}


async function edit(cmd: RunnableCommand, args: string[], mon: string): Promise<number> {
  return (JSON.parse(await runOk(cmd, [...args, '-s', mon, '--no-backup', '--json'])) as { epoch: number }).epoch;
}


/** One epoch with a pg_temp and a primary_temp (the Reef fixture has none), through the edit planner. */
async function seedPgTemp(mon: string): Promise<void> {
  await writeTransaction({
    store: mon,
    backup: false,
    plan: async (store) =>
      (
        await planOsdmapEdit(
          store,
          (_m, inc) => {
            pgMapSet(inc.newPgTemp, { pool: 1, seed: 7 }, [4, 2]);
            pgMapSet(inc.newPrimaryTemp, { pool: 1, seed: 4 }, 0);
          },
          new Date(),
        )
      ).transaction,
  });
}

describe.skipIf(releases.length === 0)('every write command on Reef and Tentacle stores, then their own ceph-mon', () => {
  const { start, stopAll } = releaseMons();
  afterAll(async () => {
    await stopAll();
    removeTempDirs();
  });

  for (const release of releases) {
    describe(release, () => {
      it('every osdmap edit in a row: the mon replays each incremental, checks its CRC, serves each epoch and shows each edit', async () => {
        const mon = extractFixture(release);
        const map0 = await MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);
        if (map0.pgTemp.size === 0) await seedPgTemp(mon);
        const base = await MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);
        const tempPg = base.pgTemp.has('1.7') ? '1.7' : [...base.pgTemp.keys()][0]!;
        // Starting state the checks below rely on (the fixture's history: see make-release-fixtures.sh).
        expect(base.osdWeight[5]).toBe(0);
        expect(base.pgUpmapItems.has('1.0') && base.pgUpmapPrimaries.has('1.1')).toBe(true);

        // The release's own crushtool makes the new CRUSH map: a host bucket added under root default.
        const scratch = makeTempDir(`monctl-edits-${release}-`);
        const current = join(scratch, 'crush.current');
        const next = join(scratch, 'crush.next');
        writeFileSync(current, base.crushBytes);
        const ct = runTool(release, 'crushtool', ['-i', current, '--add-bucket', 'monctlhost', 'host', '--loc', 'root', 'default', '-o', next], { binds: [scratch] });
        expect(ct.code, ct.stderr).toBe(0);

        const epochs: number[] = [];
        epochs.push(await edit(SetFlag, ['pause'], mon));
        epochs.push(await edit(UnsetFlag, ['noout'], mon));
        epochs.push(await edit(MarkOut, ['1'], mon));
        epochs.push(await edit(MarkIn, ['5'], mon));
        epochs.push(await edit(MarkDown, ['0'], mon));
        epochs.push(await edit(Reweight, ['2', '0.75'], mon));
        epochs.push(await edit(RmUpmap, ['1.0'], mon));
        epochs.push(await edit(RmUpmapPrimary, ['1.1'], mon));
        epochs.push(await edit(RmPgTemp, [tempPg], mon));
        epochs.push(await edit(SetCrush, [next], mon));
        epochs.push(await edit(SetPool, ['rbd', 'min_size', '1'], mon));
        expect(epochs).toEqual(epochs.map((_, i) => base.epoch + 1 + i));
        await runOk(OsdmapVerify, ['-s', mon, '--from', String(base.epoch)]);
        expect((await runCommand(StoreCheck, ['-s', mon])).exitCode).toBe(0);
        await writeTransaction({ store: mon, backup: false, plan: async () => new TransactionBuilder().putVersion('osdmap', 'full_latest', BigInt(base.epoch)).tx });

        const m = await start(release, mon);
        const d = await m.cephJson<Dump>(['osd', 'dump']);
        expect(d.epoch).toBeGreaterThanOrEqual(epochs.at(-1)!);
        const flags = d.flags.split(',');
        expect(flags).toEqual(expect.arrayContaining(['pauserd', 'pausewr']));
        expect(flags).not.toContain('noout');
        const osd = (id: number) => d.osds.find((o) => o.osd === id)!;
        expect(osd(1).in).toBe(0);
        expect(osd(5)).toMatchObject({ in: 1, weight: 1 });
        expect(osd(0).up).toBe(0);
        expect(osd(2).weight).toBe(0.75);
        expect(d.pg_upmap_items.map((p) => p.pgid)).not.toContain('1.0');
        expect(d.pg_upmap_primaries ?? []).toEqual([]);
        expect(d.pg_temp.map((p) => p.pgid)).not.toContain(tempPg);
        expect(d.pools.find((p) => p.pool_name === 'rbd')!.min_size).toBe(1);
        const served = join(m.runDir, 'crush.served');
        expect((await m.ceph(['osd', 'getcrushmap', '-o', served])).code).toBe(0);
        expect(Buffer.compare(readFileSync(served), readFileSync(next))).toBe(0);
        expect((await m.ceph(['osd', 'tree'])).stdout).toMatch(/host monctlhost/);
        for (const e of epochs) {
          const out = join(m.runDir, `osdmap.${e}`);
          const r = await m.ceph(['osd', 'getmap', String(e), '-o', out]);
          expect(r.code, r.stderr).toBe(0);
          const stored = await MonStore.with(mon, {}, async (s) => s.get('osdmap', `full_${e}`));
          expect(Buffer.compare(readFileSync(out), stored!), `${release} epoch ${e} as served`).toBe(0);
        }
        expect(monCrcComplaints(m.log())).toEqual([]);
        // While it runs, every write is refused and writes nothing.
        const locked = await runCommand(SetFlag, ['nosnaptrim', '-s', mon]);
        expect(locked.exitCode, locked.stderr).toBe(3);
        expect(locked.stderr).toContain('STORE_LOCKED');
        await m.stop();
        // update_from_paxos walked the incrementals from the rewound full_latest and recorded it.
        expect(Number(await MonStore.with(mon, {}, async (s) => s.getVersion('osdmap', 'full_latest')))).toBeGreaterThanOrEqual(epochs.at(-1)!);
      });

      it('rm-upmap-primary writes the incremental the live mon writes for `ceph osd rm-pg-upmap-primary` (but its time); refusals match', async () => {
        const offline = extractFixture(release);
        const live = extractFixture(release);
        const epoch = await edit(RmUpmapPrimary, ['1.1'], offline);
        const refused = await runCommand(RmUpmapPrimary, ['2.0', '-s', offline, '--no-backup']);
        expect(refused.exitCode).toBe(2);

        const m = await start(release, live);
        const r = await m.ceph(['osd', 'rm-pg-upmap-primary', '1.1']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain('clear 1.1 pg_upmap_primary mapping');
        const ec = await m.ceph(['osd', 'rm-pg-upmap-primary', '2.0']);
        expect(ec.code).toBe(22);
        const reason = ec.stderr.replace(/^Error \w+: /, '').trim();
        expect(refused.stderr).toContain(`refused (errno 22): ${reason}`);
        const d = await m.cephJson<Dump & { epoch: number }>(['osd', 'dump']);
        expect(d.epoch).toBeGreaterThanOrEqual(epoch);
        await m.stop();

        const incOf = async (mon: string) => MonStore.with(mon, {}, async (st) => (await readIncremental(st, epoch)).inc);
        const [a, b] = [await incOf(offline), await incOf(live)];
        const view = (inc: typeof a) => ({ v: [inc.structV, inc.clientV, inc.osdV], ...dumpIncremental(inc), modified: undefined });
        expect(view(a)).toEqual(view(b));
        expect([...a.oldPgUpmapPrimary.keys()]).toEqual(['1.1']);
      });

      it("monmap inject of maps the release's monmaptool made: the mon runs on the newest", async () => {
        const mon = extractFixture(release);
        const scratch = makeTempDir(`monctl-inject-${release}-`);
        const file = join(scratch, 'monmap');
        await runOk(MonmapGet, ['-s', mon, '-o', file]);
        const tool = (args: string[]) => {
          const r = runTool(release, 'monmaptool', [...args, file], { binds: [scratch] });
          expect(r.code, r.stderr).toBe(0);
        };
        tool(['--addv', 'b', '[v2:127.0.0.1:1]']);
        const withB = (JSON.parse(await runOk(MonmapInject, ['--monmap', file, '-s', mon, '--no-backup', '--json'])) as { epoch: number }).epoch;
        tool(['--rm', 'b']);
        const without = (JSON.parse(await runOk(MonmapInject, ['--monmap', file, '-s', mon, '--no-backup', '--json'])) as { epoch: number }).epoch;
        expect(without).toBe(withB + 1);
        const m = await start(release, mon);
        const dump = await m.cephJson<{ epoch: number; mons: Array<{ name: string }> }>(['mon', 'dump']);
        expect(dump.mons.map((x) => x.name)).toEqual(['a']);
        expect(dump.epoch).toBeGreaterThanOrEqual(without);
        await m.stop();
      });

      it('store restore-backup: refused while the mon runs; afterwards the mon serves the store as before the edit', async () => {
        const mon = extractFixture(release);
        await runOk(SetFlag, ['nodown', '-s', mon]);
        let m = await start(release, mon);
        expect((await m.cephJson<Dump>(['osd', 'dump'])).flags).toContain('nodown');
        const locked = await runCommand(StoreRestoreBackup, ['latest', '-s', mon]);
        expect(locked.exitCode, locked.stderr).toBe(3);
        expect(locked.stderr).toContain('STORE_LOCKED');
        await m.stop();
        await runOk(StoreRestoreBackup, ['latest', '-s', mon]);
        m = await start(release, mon);
        expect((await m.cephJson<Dump>(['osd', 'dump'])).flags).not.toContain('nodown');
        await m.stop();
      });
    });
  }
});
