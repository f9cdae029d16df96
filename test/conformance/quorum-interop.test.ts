/**
 * A live embedded cluster driven by the CLI (every osd mutation command, each acknowledged
 * with its epoch after commit), hardened against bad connections, then stopped: each
 * monitor's LevelDB store must read the same in Ceph's own tools (ceph-monstore-tool
 * dump-keys / show-versions / dump-paxos / get osdmap, osdmaptool --print / --test-map-pg) as
 * in monctl.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OsdCreate from '../../src/commands/osd/create.js';
import OsdCrushAdd from '../../src/commands/osd/crush/add.js';
import OsdDown from '../../src/commands/osd/down.js';
import OsdIn from '../../src/commands/osd/in.js';
import OsdOut from '../../src/commands/osd/out.js';
import OsdPgUpmapItems from '../../src/commands/osd/pg-upmap-items.js';
import OsdPoolCreate from '../../src/commands/osd/pool/create.js';
import OsdPoolSet from '../../src/commands/osd/pool/set.js';
import OsdReweight from '../../src/commands/osd/reweight.js';
import OsdSet from '../../src/commands/osd/set.js';
import OsdUnset from '../../src/commands/osd/unset.js';
import OsdmapPrint from '../../src/commands/osdmap/print.js';
import PgMapCommand, { type PgMapJson } from '../../src/commands/pg/map.js';
import QuorumDown from '../../src/commands/quorum/down.js';
import QuorumStart from '../../src/commands/quorum/start.js';
import QuorumStatus from '../../src/commands/quorum/status.js';
import QuorumStop from '../../src/commands/quorum/stop.js';
import QuorumUp from '../../src/commands/quorum/up.js';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { encodeFrame, FRAME } from '../../src/lib/quorum/host/frame.js';
import type { ClusterStatus } from '../../src/lib/quorum/host/status.js';
import type { MutationResult } from '../../src/quorum-command.js';
import { makeTempDir, quietToolConf, removeTempDirs, runTool, which } from '../helpers/ceph.js';
import { killSeen, monPath, notePids, openCluster, sleep, statusOf, until } from '../helpers/quorum.js';
import { runCommand, type RunnableCommand } from '../helpers/run-command.js';

const haveTools = which('osdmaptool') !== undefined && which('ceph-monstore-tool') !== undefined;

function tool(cmd: string, args: string[]): string {
  const r = runTool(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}`);
  return r.stdout;
}

/** Sends raw bytes to a monitor's port; resolves once the monitor hangs up. */
function badClient(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    const timer = setTimeout(() => (s.destroy(), resolve(false)), 10_000);
    s.on('error', () => {});
    s.resume(); // read (and drop) the HELLO, or the server's FIN is never seen
    s.on('close', () => (clearTimeout(timer), resolve(true)));
  });
}

describe.skipIf(!haveTools)('embedded quorum: CLI mutations, bad clients, then Ceph\'s tools on each store', () => {
  const root = makeTempDir('monctl-quorum-interop-');
  const dir = join(root, 'cluster');
  const epochs: number[] = [];
  beforeAll(async () => {
    const up = await runCommand(QuorumUp, ['--dir', dir, '-n', '3', '--detach']);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    openCluster(dir);
  });
  afterAll(() => {
    killSeen();
    removeTempDirs();
  });

  const mutate = async (cmd: RunnableCommand, argv: string[]): Promise<MutationResult> => {
    const r = await runCommand<MutationResult>(cmd, [...argv, '--cluster', dir, '--json']);
    expect(r.exitCode, `${cmd.name} ${argv.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    expect(r.result!.epoch).toBeGreaterThan(0);
    epochs.push(r.result!.epoch!);
    return r.result!;
  };

  it('every osd mutation command commits and prints its epoch', async () => {
    for (let i = 0; i < 6; i++) expect((await mutate(OsdCreate, [])).result).toBe(i);
    for (let i = 0; i < 6; i++) await mutate(OsdCrushAdd, [String(i), '0.0977', `host=h${i % 3}`, `rack=r${i % 2}`]);
    await mutate(OsdPoolCreate, ['rbd', '16']);
    await mutate(OsdPoolCreate, ['ec', '8', '--erasure']);
    await mutate(OsdPoolSet, ['rbd', 'size', '2']);
    // A created OSD is in (as Pacific's osd create makes it): out and in again, then out.
    await mutate(OsdOut, ['4']);
    await mutate(OsdIn, ['4']);
    await mutate(OsdOut, ['5']);
    await mutate(OsdDown, ['3']);
    await mutate(OsdReweight, ['1', '0.85']);
    await mutate(OsdSet, ['noout']);
    await mutate(OsdSet, ['noscrub']);
    await mutate(OsdUnset, ['noscrub']);
    await mutate(OsdPgUpmapItems, ['1.0', '0', '2']);
    // Acks come in commit order; a command that changes nothing answers with the current epoch.
    for (let i = 1; i < epochs.length; i++) expect(epochs[i]!).toBeGreaterThanOrEqual(epochs[i - 1]!);
    expect(new Set(epochs).size).toBeGreaterThanOrEqual(epochs.length - 3);
    // A refused command is a clean MUTATION_REJECTED, not a hang or a crash.
    const bad = await runCommand(OsdPoolSet, ['nosuchpool', 'size', '2', '--cluster', dir, '--json']);
    expect(bad.exitCode).toBe(8);
    expect(JSON.parse(bad.stdout).error.code).toBe('MUTATION_REJECTED');
  });

  it('garbage, a wrong HMAC and an oversized frame are cut off and logged; the monitor keeps serving', async () => {
    const cluster = openCluster(dir);
    const port = cluster.config.ports[0]!;
    const huge = Buffer.alloc(5);
    huge.writeUInt32LE(0xfffffff0);
    const log = (): string => readFileSync(join(monPath(cluster, 'a'), 'log'), 'utf8');
    expect(await badClient(port, Buffer.from('\x00\x00\x00\x07garbage-garbage')), log()).toBe(true);
    expect(await badClient(port, huge), log()).toBe(true);
    expect(await badClient(port, encodeFrame(FRAME.AUTH, Buffer.alloc(69, 7))), log()).toBe(true);
    await sleep(100);
    expect(log()).toMatch(/closed connection from .*frame length 4294967280 outside/);
    expect(log()).toMatch(/closed connection from .*authentication failed/);
    const st = await runCommand<ClusterStatus>(QuorumStatus, ['--cluster', dir, '--json']);
    expect(st.exitCode).toBe(0);
    expect(st.result!.quorum).toEqual([0, 1, 2]);
    expect(st.result!.monitors.every((m) => m.running)).toBe(true);
    await mutate(OsdSet, ['nodeep-scrub']);
  });

  it('8 unauthenticated connections each sending a 64 MiB frame cost the monitor no memory: cut off at the length', async () => {
    const cluster = openCluster(dir);
    const pid = notePids(cluster)[0]!;
    const rssMb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
    const before = rssMb();
    const t0 = Date.now();
    const cut = await Promise.all(
      Array.from({ length: 8 }, () => {
        const frame = Buffer.alloc(5 + 16 * 1024 * 1024, 7);
        frame.writeUInt32LE(64 * 1024 * 1024, 0);
        frame[4] = FRAME.AUTH;
        return badClient(cluster.config.ports[0]!, frame);
      }),
    );
    const after = rssMb();
    console.log(`quorum-interop: 8 pre-auth 64 MiB frames: mon.a RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MB, all cut off within ${Date.now() - t0} ms`);
    expect(cut.every(Boolean)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2_000); // before the 2 s authentication deadline
    expect(after - before).toBeLessThan(32);
    expect(readFileSync(join(monPath(cluster, 'a'), 'log'), 'utf8')).toMatch(/closed connection from .*frame length 67108864 outside 1\.\.70/);
  });

  it('quorum stop and start one monitor by name and by rank', async () => {
    const stop = await runCommand<{ stopped: boolean }>(QuorumStop, ['c', '--cluster', dir, '--json']);
    expect(stop.result!.stopped).toBe(true);
    const two = await until(10_000, () => statusOf(openCluster(dir)), (s) => s.quorum.length === 2 && s.quorum_leader_name !== undefined);
    expect(two.ok, JSON.stringify(two.value)).toBe(true);
    expect(two.value.monitors[2]).toMatchObject({ name: 'c', running: false });
    await mutate(OsdSet, ['noscrub']); // a majority still commits
    const start = await runCommand<{ started: boolean; name: string }>(QuorumStart, ['2', '--cluster', dir, '--json']);
    expect(start.result).toMatchObject({ started: true, name: 'c' });
    openCluster(dir);
    const back = await until(15_000, () => statusOf(openCluster(dir)), (s) => s.quorum.length === 3 && s.monitors.every((m) => m.paxos?.last_committed === s.paxos?.last_committed));
    expect(back.ok, JSON.stringify(back.value)).toBe(true);
    const again = await runCommand<{ started: boolean }>(QuorumStart, ['c', '--cluster', dir, '--json']);
    expect(again.result!.started).toBe(false);
    const unknown = await runCommand(QuorumStop, ['z', '--cluster', dir]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/BAD_ARGUMENT: no monitor z/);
  });

  it('after quorum down, ceph-monstore-tool and osdmaptool read every store as monctl does', async () => {
    const down = await runCommand(QuorumDown, ['--cluster', dir]);
    expect(down.exitCode, down.stderr).toBe(0);
    const cluster = openCluster(dir);
    for (const r of [await runCommand(QuorumStatus, ['--cluster', dir]), await runCommand(OsdSet, ['noout', '--cluster', dir])]) {
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toMatch(/QUORUM_UNAVAILABLE/);
    }
    const conf = `--conf=${quietToolConf()}`;
    const last = epochs.at(-1)!;
    const prints: string[] = [];
    for (const name of cluster.config.names) {
      const mon = monPath(cluster, name);
      const keys = tool('ceph-monstore-tool', [mon, conf, 'dump-keys']);
      expect(keys).toMatch(/^osdmap \/ full_\d+$/m);
      expect(keys).toMatch(/^paxos \/ last_committed$/m);
      const versions = tool('ceph-monstore-tool', [mon, conf, 'show-versions', '--', '--map-type', 'osdmap']);
      expect(versions).toMatch(new RegExp(`last\\s+committed:\\s+${last}\\n`));
      const paxosLast = Number(/last\s+committed:\s+(\d+)/.exec(tool('ceph-monstore-tool', [mon, conf, 'show-versions', '--', '--map-type', 'paxos']))?.[1]);
      expect(paxosLast).toBeGreaterThanOrEqual(epochs.length);
      // Every paxos version decodes in Ceph's own MonitorDBStore::Transaction decoder.
      const paxos = tool('ceph-monstore-tool', [mon, conf, 'dump-paxos', '--', '--start', '1', '--end', String(paxosLast)]);
      expect(paxos).toContain(`--- ${paxosLast} ---`);
      expect(paxos).toMatch(/"prefix": "osdmap",\s+"key": "full_\d+"/);
      const file = join(root, `osdmap.${name}`);
      tool('ceph-monstore-tool', [mon, conf, 'get', 'osdmap', '--', '--version', String(last), '--out', file]);
      const map = decodeOSDMap(readFileSync(file));
      expect(map.epoch).toBe(last);
      const print = await runCommand(OsdmapPrint, ['-s', mon]);
      expect(print.stdout, `mon.${name}: osdmap print`).toBe(tool('osdmaptool', [conf, file, '--print']));
      prints.push(print.stdout);
      for (const [poolId, pool] of map.pools) {
        for (let ps = 0; ps < pool.pgNum; ps++) {
          const pgid = `${poolId}.${ps.toString(16)}`;
          const ours = (await runCommand<PgMapJson>(PgMapCommand, ['-s', mon, pgid, '--json'])).result!;
          const theirs = tool('osdmaptool', [conf, file, '--test-map-pg', pgid]).split('\n').find((l) => l.startsWith(`${pgid} raw`));
          expect(theirs, `${name} ${pgid}`).toContain(`up ([${ours.up.join(',')}], p${ours.up_primary}) acting ([${ours.acting.join(',')}], p${ours.acting_primary})`);
        }
      }
    }
    expect(new Set(prints).size, 'the three monitors print the same map').toBe(1);
    expect(prints[0]).toMatch(/flags .*noout/);
    expect(prints[0]).toMatch(/pg_upmap_items 1\.0 \[0,2\]/);
  });
});
