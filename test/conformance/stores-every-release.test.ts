import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import MonmapAdd from '../../src/commands/monmap/add.js';
import MonmapRm from '../../src/commands/monmap/rm.js';
import MonmapSetAddr from '../../src/commands/monmap/set-addr.js';
import MarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import Reweight from '../../src/commands/osdmap/edit/reweight.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import SetPool from '../../src/commands/osdmap/edit/set-pool.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import OsdmapTrim from '../../src/commands/osdmap/trim.js';
import PaxosShow from '../../src/commands/paxos/show.js';
import PaxosTrim from '../../src/commands/paxos/trim.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreCrc from '../../src/commands/store/crc.js';
import StoreList from '../../src/commands/store/list.js';
import StoreRm from '../../src/commands/store/rm.js';
import StoreRmPrefix from '../../src/commands/store/rm-prefix.js';
import StoreSet from '../../src/commands/store/set.js';
import StoreTrim from '../../src/commands/store/trim.js';
import StoreVersions from '../../src/commands/store/versions.js';
import { copyDir, extractFixture, freePort, makeTempDir, removeTempDirs } from '../helpers/ceph.js';
import { parseDumpPaxos } from '../helpers/golden.js';
import { straceAvailable, writesUnder } from '../helpers/no-writes.js';
import { availableReleases, releaseMons, runTool, type Release, type ReleaseMon } from '../helpers/releases.js';
import { runCommand, runOk } from '../helpers/run-command.js';
import { hashTree } from '../helpers/stores.js';
import { runCliAndKill } from '../helpers/crash.js';
import { mulberry32 } from '../../src/lib/random.js';

/**
 * Issue: stores of every living release. For Reef (18.2) and Tentacle (20.2), whose stores are
 * RocksDB 7.9 with XXH3 tables, monctl must read what the release's own tools read, leave a
 * running monitor's store untouched, and write edits that release's ceph-mon accepts. Pacific
 * runs the same checks in store-live, osdmap-edit-live, monmap-edit-live and trim-live.
 */
const releases = availableReleases().filter((r): r is Exclude<Release, 'pacific'> => r !== 'pacific');

const SERVICES = ['paxos', 'auth', 'config', 'health', 'kv', 'logm', 'mdsmap', 'mgr', 'mgrstat', 'monmap', 'osdmap', 'nvmeofgw'];

function tool(release: Release, cmd: string, args: string[], binds: string[]): string {
  const r = runTool(release, cmd, args, { binds, timeoutMs: 120_000 });
  expect(r.code, `${cmd} ${args.join(' ')}: ${r.stderr.slice(-2000)}`).toBe(0);
  return r.stdout;
}

/** The release's ceph-kvstore-tool on a private copy (it opens the store read-write and may rewrite files). */
function kvTool(release: Release, monData: string, args: string[]): string {
  const copy = copyDir(monData, join(makeTempDir('monctl-kvcopy-'), 'mon'));
  return tool(release, 'ceph-kvstore-tool', ['rocksdb', join(copy, 'store.db'), ...args], [copy]);
}

function monstoreTool(release: Release, monData: string, args: string[], copy?: string): string {
  copy ??= copyDir(monData, join(makeTempDir('monctl-mscopy-'), 'mon'));
  return tool(release, 'ceph-monstore-tool', [copy, ...args], [join(copy, '..')]);
}

describe.skipIf(releases.length === 0)('stores of every release against their own tools and ceph-mon', () => {
  const { start, stopAll } = releaseMons();
  afterAll(async () => {
    await stopAll();
    removeTempDirs();
  });

  for (const release of releases) {
    describe(release, () => {
      it('a fresh store left by a SIGKILLed mon (newest keys only in its WAL): list, list-crc, show-versions, dump-paxos, every osdmap epoch', async () => {
        const dir = makeTempDir(`monctl-fresh-${release}-`);
        const monData = join(dir, 'mon-a');
        const mon = await start(release, monData, { mkfs: true });
        for (const args of [['osd', 'set', 'noout'], ['osd', 'pool', 'create', 'rbd', '8', '8'], ['osd', 'blocklist', 'add', '10.1.2.3:0/42'], ['config-key', 'set', 'monctl/x', 'y']]) {
          const r = await mon.ceph(args);
          expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        }
        process.kill(mon.pid, 'SIGKILL');
        await mon.stop();
        expect(readdirSync(join(monData, 'store.db')).some((f) => f.endsWith('.log'))).toBe(true);

        expect(await runOk(StoreList, ['-s', monData])).toBe(kvTool(release, monData, ['list']));
        expect(await runOk(StoreCrc, ['-s', monData])).toBe(kvTool(release, monData, ['list-crc']));
        for (const svc of SERVICES) {
          const theirs = monstoreTool(release, monData, ['show-versions', '--', '--map-type', svc]);
          expect(await runOk(StoreVersions, ['-s', monData, '--map-type', svc]), svc).toBe(theirs);
        }
        const pv = JSON.parse(await runOk(StoreVersions, ['-s', monData, '--map-type', 'paxos', '--json'])).paxos;
        const first = String(pv.first_committed);
        const last = String(pv.last_committed);
        const dump = parseDumpPaxos(monstoreTool(release, monData, ['dump-paxos', '--', '--start', first, '--end', last]));
        expect(dump.length).toBeGreaterThan(3);
        expect(JSON.parse(await runOk(PaxosShow, ['-s', monData, '--json']))).toEqual(dump);
        const lastEpoch = Number(JSON.parse(await runOk(StoreVersions, ['-s', monData, '--map-type', 'osdmap', '--json'])).osdmap.last_committed);
        expect(lastEpoch).toBeGreaterThanOrEqual(3);
        // One copy for the release's tool, its maps written beside it (inside the bind).
        const copy = copyDir(monData, join(makeTempDir('monctl-mscopy-'), 'mon'));
        for (let e = 1; e <= lastEpoch; e++) {
          await runOk(OsdmapGet, ['-s', monData, '--epoch', String(e), '-o', join(copy, '..', `m-${e}`)]);
          monstoreTool(release, monData, ['get', 'osdmap', '--', '--version', String(e), '--out', join(copy, '..', `t-${e}`)], copy);
          const out = join(copy, '..');
          expect(readFileSync(join(out, `m-${e}`)).equals(readFileSync(join(out, `t-${e}`))), `epoch ${e}`).toBe(true);
        }
      });

      it('osdmap get of every epoch of the committed fixture = ceph-monstore-tool get osdmap', async () => {
        const monData = extractFixture(release);
        const lastEpoch = Number(JSON.parse(await runOk(StoreVersions, ['-s', monData, '--map-type', 'osdmap', '--json'])).osdmap.last_committed);
        const copy = copyDir(monData, join(makeTempDir('monctl-mscopy-'), 'mon'));
        const out = join(copy, '..');
        for (let e = 1; e <= lastEpoch; e++) {
          await runOk(OsdmapGet, ['-s', monData, '--epoch', String(e), '-o', join(out, `m-${e}`)]);
          monstoreTool(release, monData, ['get', 'osdmap', '--', '--version', String(e), '--out', join(out, `t-${e}`)], copy);
          expect(readFileSync(join(out, `m-${e}`)).equals(readFileSync(join(out, `t-${e}`))), `epoch ${e}`).toBe(true);
        }
      });

      it('reads open no file of a live monitor\'s store for writing; writes are refused; nothing changes once it stops', async () => {
        if (!straceAvailable()) throw new Error('strace is needed for this test (apt-get install strace)');
        const monData = join(extractFixture(release), '..', 'live');
        copyDir(join(extractFixture(release)), monData);
        const mon = await start(release, monData);
        for (const args of [['store', 'list'], ['store', 'crc'], ['store', 'dump'], ['store', 'versions'], ['store', 'check'], ['store', 'stats'], ['paxos', 'show', '--json'], ['osdmap', 'print'], ['osdmap', 'get', '-o', '/dev/null']]) {
          const r = writesUnder(monData, [...args, '-s', monData]);
          expect(r.violations, args.join(' ')).toEqual([]);
          expect(r.code, args.join(' ')).toBe(0);
        }
        // Whatever verify concludes, it writes nothing either.
        expect(writesUnder(monData, ['osdmap', 'verify', '-s', monData]).violations).toEqual([]);
        const w = await runCommand(StoreSet, ['monctl_test', 'x', '--u64', '1', '-s', monData]);
        expect(w.exitCode).toBe(3);
        expect(w.stderr).toContain('STORE_LOCKED');
        await mon.stop();
        const before = hashTree(monData);
        for (const args of [['store', 'list'], ['store', 'check'], ['paxos', 'show', '--json'], ['osdmap', 'verify']]) {
          expect(writesUnder(monData, [...args, '-s', monData]).violations).toEqual([]);
        }
        expect(hashTree(monData)).toEqual(before);
        expect(kvTool(release, monData, ['list', 'monctl_test'])).toBe('');
      });

      /** Each write command on a copy of the release's fixture, then that release's ceph-mon on the result. */
      const edits: Array<[string, (mon: string) => Promise<void>, (m: ReleaseMon, monData: string) => Promise<void>]> = [
        [
          'store set / store rm / store rm-prefix',
          async (mon) => {
            await runOk(StoreSet, ['monctl_test', 'marker', '--u64', '42', '-s', mon]);
            await runOk(StoreSet, ['monctl_test', 'gone', '--u64', '1', '-s', mon, '--no-backup']);
            await runOk(StoreRm, ['monctl_test', 'gone', '-s', mon, '--no-backup']);
            await runOk(StoreSet, ['monctl_gone', 'a', '--u64', '1', '-s', mon, '--no-backup']);
            await runOk(StoreRmPrefix, ['monctl_gone', '-s', mon, '--no-backup']);
          },
          async (_m, monData) => {
            expect(kvTool(release, monData, ['list', 'monctl_test'])).toBe('monctl_test\tmarker\n');
            expect(kvTool(release, monData, ['list', 'monctl_gone'])).toBe('');
          },
        ],
        [
          'paxos trim',
          async (mon) => {
            await runOk(PaxosTrim, ['-s', mon, '--keep', '3', '--no-backup']);
          },
          async (m) => {
            expect((await m.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
          },
        ],
        [
          'osdmap trim and store trim',
          async (mon) => {
            await runOk(OsdmapTrim, ['-s', mon, '--keep', '5', '--force', '--no-backup']);
            await runOk(StoreTrim, ['-s', mon, '--keep', '3', '--force', '--no-backup']);
          },
          async (m) => {
            const d = await m.cephJson<{ epoch: number }>(['osd', 'dump']);
            expect(d.epoch).toBeGreaterThan(5);
            expect((await m.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
          },
        ],
        [
          'osdmap edit set-flag, set-pool, mark-out, reweight (each a new epoch)',
          async (mon) => {
            const last = Number(JSON.parse(await runOk(StoreVersions, ['-s', mon, '--map-type', 'osdmap', '--json'])).osdmap.last_committed);
            await runOk(SetFlag, ['noup', '-s', mon, '--no-backup']);
            await runOk(SetPool, ['rbd', 'size', '2', '-s', mon, '--no-backup']);
            await runOk(MarkOut, ['1', '-s', mon, '--no-backup']);
            await runOk(Reweight, ['2', '0.5', '-s', mon, '--no-backup']);
            // the four new epochs chain from the release's own last one, bytes and CRCs
            await runOk(OsdmapVerify, ['-s', mon, '--from', String(last)]);
          },
          async (m) => {
            type Pool = { pool_name: string; size: number; flags_names: string; nonprimary_shards?: string; options: Record<string, unknown> };
            type Dump = { epoch: number; flags: string; pools: Pool[]; osds: Array<{ osd: number; in: number; weight: number }>; pg_upmap_primaries: unknown[] };
            const d = await m.cephJson<Dump>(['osd', 'dump']);
            expect(d.flags.split(',')).toContain('noup');
            expect(d.pools.find((p) => p.pool_name === 'rbd')!.size).toBe(2);
            if (release === 'tentacle') {
              // The re-encoded maps keep what only Tentacle's pg_pool_t (v32) holds.
              const ec = d.pools.find((p) => p.pool_name === 'ecpool')!;
              expect(ec.nonprimary_shards).toBe('{1}');
              expect(ec.flags_names.split(',')).toContain('ec_optimizations');
              expect(d.pools.find((p) => p.pool_name === 'rbd')!.options).toEqual({ read_ratio: 70 });
            }
            expect(d.osds.find((o) => o.osd === 1)!.in).toBe(0);
            expect(d.osds.find((o) => o.osd === 2)!.weight).toBe(0.5);
            expect(d.pg_upmap_primaries.length).toBeGreaterThan(0);
            expect((await m.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
          },
        ],
        [
          'monmap add then monmap rm (two new monmap epochs)',
          async (mon) => {
            await runOk(MonmapAdd, ['b', '127.0.0.1:1', '-s', mon, '--no-backup']);
            await runOk(MonmapRm, ['b', '-s', mon, '--no-backup']);
          },
          async (m) => {
            const d = await m.cephJson<{ epoch: number; mons: Array<{ name: string }> }>(['mon', 'dump']);
            expect(d.mons.map((x) => x.name)).toEqual(['a']);
            expect(d.epoch).toBeGreaterThanOrEqual(3);
          },
        ],
      ];

      for (const [name, edit, check] of edits) {
        it(`${name}: the ${release} ceph-mon starts on the result and shows it; its tools read the store`, async () => {
          const monData = extractFixture(release);
          await edit(monData);
          expect((await runCommand(StoreCheck, ['-s', monData])).exitCode).toBe(0);
          const mon = await start(release, monData);
          await check(mon, monData);
          await mon.stop();
          expect(kvTool(release, monData, ['list', 'osdmap']).length).toBeGreaterThan(0);
          monstoreTool(release, monData, ['show-versions', '--', '--map-type', 'osdmap']);
        });
      }

      const runs = Number(process.env.MONCTL_CRASH_RUNS_RELEASES ?? 20);
      it(`SIGKILL during osdmap edit and paxos trim (${runs} runs each): the store is exactly old or new, and the ${release} tools read it`, async () => {
        const seed = Number(process.env.MONCTL_SEED ?? Date.now() % 1_000_000);
        const rnd = mulberry32(seed).next;
        const pristine = extractFixture(release);
        // Old = every key and value as before. New = the one set of keys the write leaves (an
        // edit's values carry the time it ran, so two completed runs differ in those bytes).
        const digest = async (mon: string) => runOk(StoreCrc, ['-s', mon]);
        const keysOf = async (mon: string) => runOk(StoreList, ['-s', mon]);
        const before = await digest(pristine);
        let last = '';
        for (const [what, args] of [['osdmap edit', ['osdmap', 'edit', 'set-flag', 'noup']], ['paxos trim', ['paxos', 'trim', '--keep', '2']]] as const) {
          const outcomes = { old: 0, new: 0 };
          let after: string | undefined;
          for (let i = 0; i < runs; i++) {
            const mon = copyDir(pristine, join(pristine, '..', `run-${what.replace(' ', '-')}-${i}`));
            const r = await runCliAndKill([...args, '--no-backup', '-s', mon], Math.floor(rnd() * 1200));
            const now = await digest(mon);
            expect((await runCommand(StoreCheck, ['-s', mon])).exitCode, `${what} run ${i} (${r.status}), seed ${seed}`).toBe(0);
            if (now === before) outcomes.old++;
            else {
              const keys = await keysOf(mon);
              after ??= keys;
              expect(keys, `${what} run ${i}: neither old nor the one new state (seed ${seed})`).toBe(after);
              outcomes.new++;
            }
            last = mon;
          }
          console.log(`${release} ${what}: ${outcomes.old} runs left the old state, ${outcomes.new} the new one (seed ${seed})`);
        }
        expect(kvTool(release, last, ['list', 'paxos']).length).toBeGreaterThan(0);
      });

      it('monmap set-addr: the monitor comes up at the new address of the stored monmap', async () => {
        const monData = extractFixture(release);
        const port = await freePort();
        await runOk(MonmapSetAddr, ['a', `[v2:127.0.0.1:${port}]`, '-s', monData, '--no-backup']);
        const mon = await start(release, monData, { useStoredMonmap: true, port });
        const dump = await mon.cephJson<{ mons: Array<{ name: string; public_addrs: { addrvec: Array<{ addr: string }> } }> }>(['mon', 'dump']);
        expect(dump.mons.map((x) => x.public_addrs.addrvec[0]!.addr)).toEqual([`127.0.0.1:${port}`]);
      });
    });
  }
});
