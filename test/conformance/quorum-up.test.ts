/**
 * `monctl quorum up` with no flags, as a user runs it: in an empty directory it creates
 * ./monctl-cluster, starts 3 monitor processes, prints status lines (not a TTY) naming a
 * leader, and Ctrl-C (SIGINT) stops every monitor and exits 0. Reopening the same directory
 * keeps the cluster (same fsid, paxos history carried on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pidAlive, makeTempDir, removeTempDirs, REPO_ROOT } from '../helpers/ceph.js';
import { killSeen, notePids, openCluster, sleep } from '../helpers/quorum.js';

const children: ChildProcess[] = [];

/** Runs `bin/dev.js quorum up` in `cwd` until `ready(output)`, then SIGINT; its exit code and output. */
async function upUntil(cwd: string, ready: (out: string) => boolean): Promise<{ code: number | null; out: string; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(REPO_ROOT, 'bin', 'dev.js'), 'quorum', 'up'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!ready(out) && Date.now() < deadline && child.exitCode === null) await sleep(100);
  const pids = existsSync(join(cwd, 'monctl-cluster', 'cluster.json')) ? notePids(openCluster(join(cwd, 'monctl-cluster'))) : [];
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, out, pids };
}

describe('quorum up in the foreground', () => {
  const cwd = makeTempDir('monctl-quorum-up-');
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    killSeen();
    removeTempDirs();
  });

  it('creates ./monctl-cluster, shows a leader, and Ctrl-C stops every monitor', async () => {
    const first = await upUntil(cwd, (out) => /election epoch \d+, leader \d \w, quorum 0,1,2 a,b,c/.test(out));
    expect(first.out).toMatch(/created .*monctl-cluster \(pacific\); started mon\.a mon\.b mon\.c/);
    expect(first.out).toMatch(/mon\.a rank 0 127\.0\.0\.1:\d+ +(leader|peon)/);
    expect(first.out).toMatch(/stopped mon\.a mon\.b mon\.c/);
    expect(first.code).toBe(0);
    expect(first.pids).toHaveLength(3);
    for (const pid of first.pids) expect(pidAlive(pid), `monitor ${pid} stopped`).toBe(false);
    expect(statSync(join(cwd, 'monctl-cluster', 'secret')).mode & 0o777).toBe(0o600);
    for (const n of ['a', 'b', 'c']) expect(existsSync(join(cwd, 'monctl-cluster', `mon.${n}`, 'store.db', 'CURRENT'))).toBe(true);

    const again = await upUntil(cwd, (out) => /leader \d \w, quorum 0,1,2/.test(out));
    expect(again.out).toMatch(/reopened .*monctl-cluster/);
    expect(again.code).toBe(0);
    for (const pid of again.pids) expect(pidAlive(pid)).toBe(false);
  });
});
