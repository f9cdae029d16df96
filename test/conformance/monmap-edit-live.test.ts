import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MonmapAdd from '../../src/commands/monmap/add.js';
import MonmapGet from '../../src/commands/monmap/get.js';
import MonmapInject from '../../src/commands/monmap/inject.js';
import MonmapRm from '../../src/commands/monmap/rm.js';
import MonmapSetAddr from '../../src/commands/monmap/set-addr.js';
import StoreCheck from '../../src/commands/store/check.js';
import { Writer } from '../../src/lib/encoding/index.js';
import { applyMonmapEdit, encodeMonMap, type MonMap, type MonmapEdit } from '../../src/lib/monmap/index.js';
import { MonStore } from '../../src/lib/store/index.js';
import { cephAvailable, freePort, makeTempDir, removeTempDirs, runTool, startMon, type RunningMon } from '../helpers/ceph.js';
import { startCluster, waitForQuorum, type Cluster } from '../helpers/cluster.js';
import { runCommand } from '../helpers/run-command.js';
import { decodeStoredMonMap, readMonMap } from '../../src/lib/mon/index.js';

interface MonDump {
  epoch: number;
  mons: Array<{ name: string; public_addrs: { addrvec: Array<{ type: string; addr: string }> } }>;
}

async function monDump(mon: RunningMon): Promise<MonDump> {
  const r = await mon.ceph(['mon', 'dump', '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as MonDump;
}

async function edit(cmd: Parameters<typeof runCommand>[0], args: string[]): Promise<{ epoch: number; applied: boolean }> {
  const r = await runCommand(cmd, [...args, '--no-backup', '--json']);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { epoch: number; applied: boolean };
}

function encoded(m: MonMap): Buffer {
  const w = new Writer();
  encodeMonMap(w, m);
  return Buffer.from(w.bytes());
}

/** monctl's add/rm of a map file against monmaptool's, byte for byte (epoch and last_changed aside). */
describe.skipIf(!cephAvailable())('monmap edits vs monmaptool', () => {
  afterAll(() => removeTempDirs());
  const cases: Array<[string, string[]]> = [
    ['add d 10.0.0.4', ['--add', 'd', '10.0.0.4']],
    ['add d 10.0.0.4:6789', ['--add', 'd', '10.0.0.4:6789']],
    ['add d 10.0.0.4:7000', ['--add', 'd', '10.0.0.4:7000']],
    ['add d [::1]:6789', ['--add', 'd', '[::1]:6789']],
    ['add d v1:10.0.0.4:7000', ['--addv', 'd', 'v1:10.0.0.4:7000']],
    ['add d [v2:10.0.0.4:3300,v1:10.0.0.4:6789]', ['--addv', 'd', '[v2:10.0.0.4:3300,v1:10.0.0.4:6789]']],
    ['rm b', ['--rm', 'b']],
    ['rm a c', ['--rm', 'a', '--rm', 'c']],
  ];
  it.each(cases)('%s', (text, toolArgs) => {
    const dir = makeTempDir('monctl-monmaptool-');
    const file = join(dir, 'monmap');
    const args = ['--create', '--fsid', '6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00', '--enable-all-features', '--set-min-mon-release', 'pacific'];
    for (const [n, p] of [['a', 40011], ['b', 40021], ['c', 40031]] as const) args.push('--addv', n, `[v2:127.0.0.1:${p},v1:127.0.0.1:${p + 1}]`);
    expect(runTool('monmaptool', [...args, file]).code).toBe(0);
    const original = decodeStoredMonMap(readFileSync(file));
    const r = runTool('monmaptool', [...toolArgs, file]);
    expect(r.code, r.stderr).toBe(0);
    const theirs = decodeStoredMonMap(readFileSync(file));
    const [verb, ...rest] = text.split(' ');
    const edit: MonmapEdit = verb === 'rm' ? { op: 'rm', names: rest } : { op: 'add', name: rest[0]!, addr: rest[1]! };
    const ours = applyMonmapEdit(original, edit, original.lastChanged);
    ours.epoch = theirs.epoch; // monmaptool does not bump the epoch; the monitor does
    expect(encoded(ours).equals(encoded(theirs))).toBe(true);
  });
});

/**
 * Lost quorum and the other monmap repairs, end to end: a real 3-mon Pacific cluster on
 * 127.0.0.1, all stopped, then monctl edits one survivor's store and real ceph-mon daemons
 * start on it.
 */
describe.skipIf(!cephAvailable())('monmap surgery on a real 3-mon cluster', () => {
  let cluster: Cluster | undefined;
  const running: RunningMon[] = [];
  // Made in beforeAll: the first suite's afterAll removes every temp dir made before it runs.
  let scratch = '';
  beforeAll(() => {
    scratch = makeTempDir('monctl-monmap-edit-');
  });
  let monA = '';
  let portA = 0;
  afterAll(async () => {
    for (const m of running) await m.stop();
    await cluster?.stop();
    removeTempDirs();
  });

  it('lost quorum: `monmap rm b c` on a stopped survivor; ceph-mon -i a starts alone, forms quorum, lists only a', async () => {
    cluster = await startCluster(['a', 'b', 'c']);
    expect((await cluster.ceph(['osd', 'set', 'noout'])).code).toBe(0);
    const epoch0 = (await monDump(cluster.mons[0]!)).epoch;
    await cluster.stop();
    monA = cluster.monData('a');
    portA = cluster.ports.a!;

    // What monmaptool --rm b --rm c makes of the same map (the documented procedure).
    const before = join(scratch, 'before.bin');
    const got = await runCommand(MonmapGet, ['-s', monA, '-o', before]);
    expect(got.exitCode, JSON.stringify(got)).toBe(0);
    const tool = runTool('monmaptool', ['--rm', 'b', '--rm', 'c', before]);
    expect(tool.code, tool.stderr).toBe(0);

    const r = await edit(MonmapRm, ['b', 'c', '-s', monA]);
    expect(r).toMatchObject({ applied: true, epoch: epoch0 + 1 });
    expect((await runCommand(StoreCheck, ['-s', monA])).exitCode).toBe(0);
    // Byte for byte monmaptool's map, but for the epoch and last_changed the monitor sets.
    const ours = await MonStore.with(monA, {}, (s) => readMonMap(s));
    const theirs = decodeStoredMonMap(readFileSync(before));
    theirs.epoch = ours.map.epoch;
    theirs.lastChanged = ours.map.lastChanged;
    const w = new Writer();
    encodeMonMap(w, theirs);
    expect(Buffer.from(ours.bytes).equals(Buffer.from(w.bytes()))).toBe(true);

    const a = await startMon({ monData: monA, name: 'a', useStoredMonmap: true, port: portA, readyTimeoutMs: 60_000 });
    running.push(a);
    await waitForQuorum(a, ['a']);
    const dump = await monDump(a);
    expect(dump.mons.map((m) => m.name)).toEqual(['a']);
    expect(dump.epoch).toBeGreaterThanOrEqual(epoch0 + 1);
    const osd = await a.ceph(['osd', 'dump', '-f', 'json']);
    expect(JSON.parse(osd.stdout).flags).toContain('noout');
    await a.stop();
  });

  it('set-addr moves the monitor, add lets a new monitor join, inject makes a file\'s map the newest', async () => {
    expect(monA).not.toBe('');
    // set-addr: the mon binds and answers on its new port.
    const newPort = await freePort();
    await edit(MonmapSetAddr, ['a', `v2:127.0.0.1:${newPort}`, '-s', monA]);
    let a = await startMon({ monData: monA, name: 'a', useStoredMonmap: true, port: newPort, readyTimeoutMs: 60_000 });
    running.push(a);
    expect((await monDump(a)).mons).toEqual([expect.objectContaining({ name: 'a', public_addrs: { addrvec: [{ type: 'v2', addr: `127.0.0.1:${newPort}`, nonce: 0 }] } })]);
    await a.stop();

    // add: a new mon d, mkfs'd from the edited map, joins a; quorum a,d.
    const portD = await freePort();
    await edit(MonmapAdd, ['d', `v2:127.0.0.1:${portD}`, '-s', monA]);
    const map = join(scratch, 'with-d.bin');
    expect((await runCommand(MonmapGet, ['-s', monA, '-o', map])).exitCode).toBe(0);
    const monHost = `v2:127.0.0.1:${newPort},v2:127.0.0.1:${portD}`;
    a = await startMon({ monData: monA, name: 'a', useStoredMonmap: true, port: newPort, monHost, waitReady: false });
    running.push(a);
    const d = await startMon({ monData: join(scratch, 'mon-d'), name: 'd', mkfs: true, monmap: map, port: portD, monHost, waitReady: false });
    running.push(d);
    await waitForQuorum(a, ['a', 'd'], 90_000);
    const withD = await monDump(a);
    expect(withD.mons.map((m) => m.name)).toEqual(['a', 'd']);
    await d.stop();
    await a.stop();

    // inject: monmaptool removes d from the newest map, monctl injects it; a starts alone.
    const injected = join(scratch, 'without-d.bin');
    expect((await runCommand(MonmapGet, ['-s', monA, '-o', injected])).exitCode).toBe(0);
    expect(runTool('monmaptool', ['--rm', 'd', injected]).code).toBe(0);
    const r = await edit(MonmapInject, ['--monmap', injected, '-s', monA]);
    expect(r.epoch).toBeGreaterThan(withD.epoch);
    a = await startMon({ monData: monA, name: 'a', useStoredMonmap: true, port: newPort, readyTimeoutMs: 60_000 });
    running.push(a);
    await waitForQuorum(a, ['a']);
    const after = await monDump(a);
    expect(after.mons.map((m) => m.name)).toEqual(['a']);
    expect(after.epoch).toBeGreaterThanOrEqual(r.epoch);
    await a.stop();
    expect((await runCommand(StoreCheck, ['-s', monA])).exitCode).toBe(0);
  });
});
