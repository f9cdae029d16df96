import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import MonmapSetAddr from '../../src/commands/monmap/set-addr.js';
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
import { availableReleases, runTool, startMon, type Release, type ReleaseMon } from '../helpers/releases.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree } from '../helpers/stores.js';

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

async function ok(cmd: Parameters<typeof runCommand>[0], args: string[]): Promise<string> {
  const r = await runCommand(cmd, args);
  expect(r.exitCode, `${cmd.name} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(releases.length === 0)('stores of every release against their own tools and ceph-mon', () => {
  const mons: ReleaseMon[] = [];
  afterAll(async () => {
    for (const m of mons) await m.stop();
    removeTempDirs();
  });
  const start = async (release: Release, monData: string, extra: Partial<Parameters<typeof startMon>[1]> = {}) => {
    const mon = await startMon(release, { monData, ...extra });
    mons.push(mon);
    return mon;
  };

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

        expect(await ok(StoreList, ['-s', monData])).toBe(kvTool(release, monData, ['list']));
        expect(await ok(StoreCrc, ['-s', monData])).toBe(kvTool(release, monData, ['list-crc']));
        for (const svc of SERVICES) {
          const theirs = monstoreTool(release, monData, ['show-versions', '--', '--map-type', svc]);
          expect(await ok(StoreVersions, ['-s', monData, '--map-type', svc]), svc).toBe(theirs);
        }
        const pv = JSON.parse(await ok(StoreVersions, ['-s', monData, '--map-type', 'paxos', '--json'])).paxos;
        const first = String(pv.first_committed);
        const last = String(pv.last_committed);
        const dump = parseDumpPaxos(monstoreTool(release, monData, ['dump-paxos', '--', '--start', first, '--end', last]));
        expect(dump.length).toBeGreaterThan(3);
        expect(JSON.parse(await ok(PaxosShow, ['-s', monData, '--json']))).toEqual(dump);
        const lastEpoch = Number(JSON.parse(await ok(StoreVersions, ['-s', monData, '--map-type', 'osdmap', '--json'])).osdmap.last_committed);
        expect(lastEpoch).toBeGreaterThanOrEqual(3);
        // One copy for the release's tool, its maps written beside it (inside the bind).
        const copy = copyDir(monData, join(makeTempDir('monctl-mscopy-'), 'mon'));
        for (let e = 1; e <= lastEpoch; e++) {
          await ok(OsdmapGet, ['-s', monData, '--epoch', String(e), '-o', join(copy, '..', `m-${e}`)]);
          monstoreTool(release, monData, ['get', 'osdmap', '--', '--version', String(e), '--out', join(copy, '..', `t-${e}`)], copy);
          const out = join(copy, '..');
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
            await ok(StoreSet, ['monctl_test', 'marker', '--u64', '42', '-s', mon]);
            await ok(StoreSet, ['monctl_test', 'gone', '--u64', '1', '-s', mon, '--no-backup']);
            await ok(StoreRm, ['monctl_test', 'gone', '-s', mon, '--no-backup']);
            await ok(StoreSet, ['monctl_gone', 'a', '--u64', '1', '-s', mon, '--no-backup']);
            await ok(StoreRmPrefix, ['monctl_gone', '-s', mon, '--no-backup']);
          },
          async (_m, monData) => {
            expect(kvTool(release, monData, ['list', 'monctl_test'])).toBe('monctl_test\tmarker\n');
            expect(kvTool(release, monData, ['list', 'monctl_gone'])).toBe('');
          },
        ],
        [
          'paxos trim',
          async (mon) => {
            await ok(PaxosTrim, ['-s', mon, '--keep', '3', '--no-backup']);
          },
          async (m) => {
            expect((await m.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
          },
        ],
        [
          'osdmap trim and store trim',
          async (mon) => {
            await ok(OsdmapTrim, ['-s', mon, '--keep', '5', '--force', '--no-backup']);
            await ok(StoreTrim, ['-s', mon, '--keep', '3', '--force', '--no-backup']);
          },
          async (m) => {
            const d = await m.cephJson<{ epoch: number }>(['osd', 'dump']);
            expect(d.epoch).toBeGreaterThan(5);
            expect((await m.ceph(['osd', 'set', 'nodown'])).code).toBe(0);
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

      it('monmap set-addr: the monitor comes up at the new address of the stored monmap', async () => {
        const monData = extractFixture(release);
        const port = await freePort();
        await ok(MonmapSetAddr, ['a', `[v2:127.0.0.1:${port}]`, '-s', monData, '--no-backup']);
        const mon = await start(release, monData, { useStoredMonmap: true, port });
        const dump = await mon.cephJson<{ mons: Array<{ name: string; public_addrs: { addrvec: Array<{ addr: string }> } }> }>(['mon', 'dump']);
        expect(dump.mons.map((x) => x.public_addrs.addrvec[0]!.addr)).toEqual([`127.0.0.1:${port}`]);
      });
    });
  }
});
