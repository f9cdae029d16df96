import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PaxosTrim from '../../src/commands/paxos/trim.js';
import PaxosVersions from '../../src/commands/paxos/versions.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreCopy from '../../src/commands/store/copy.js';
import StoreList from '../../src/commands/store/list.js';
import StoreRm from '../../src/commands/store/rm.js';
import StoreSet from '../../src/commands/store/set.js';
import { cephAvailable, extractFixture, quietToolConf, removeTempDirs, runTool, startMon, type Backend, type RunningMon } from '../helpers/ceph.js';
import { goldenChecks } from '../helpers/golden.js';
import { runCommand } from '../helpers/run-command.js';
import { repoRoot } from '../helpers/corpus.js';

const backends: Backend[] = ['leveldb', 'rocksdb'];

/**
 * Fresh stores: the fixture script runs a real ceph-mon now, and the live Ceph tools answer
 * for the very stores monctl reads.
 */
describe.skipIf(!cephAvailable())('freshly generated mon stores vs the live Ceph tools', () => {
  const out = mkdtempSync(join(tmpdir(), 'monctl-fresh-'));
  const mons: Partial<Record<Backend, string>> = {};
  beforeAll(() => {
    const r = runTool('bash', [join(repoRoot, 'test', 'fixtures', 'make-fixtures.sh')], {
      env: { ...process.env, MONCTL_FIXTURE_OUT: out },
      timeoutMs: 170_000,
    });
    if (r.code !== 0) throw new Error(`make-fixtures.sh failed (${r.code}):\n${r.stderr.slice(-4000)}`);
    for (const b of backends) {
      const dest = join(out, `x-${b}`);
      runTool('mkdir', ['-p', dest]);
      const t = runTool('tar', ['-xzf', join(out, `mon-${b}.tar.gz`), '-C', dest]);
      if (t.code !== 0) throw new Error(t.stderr);
      mons[b] = join(dest, 'mon-a');
    }
  }, 180_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  for (const b of backends) {
    describe(b, () => {
      goldenChecks(
        () => mons[b]!,
        () => join(out, 'golden', b),
      );
    });
  }
});

async function osdDump(mon: RunningMon): Promise<{ epoch: number; flags: string }> {
  const r = await mon.ceph(['osd', 'dump', '-f', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { epoch: number; flags: string };
}

function kvList(backend: Backend, monData: string, prefix: string): string {
  const r = runTool('ceph-kvstore-tool', [backend, join(monData, 'store.db'), 'list', prefix, `--conf=${quietToolConf()}`]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Every write command's result must be a store a real Ceph 16 ceph-mon starts on. */
describe.skipIf(!cephAvailable())('a real ceph-mon accepts stores monctl wrote', () => {
  const running: RunningMon[] = [];
  afterAll(async () => {
    for (const m of running) await m.stop();
    removeTempDirs();
  });

  for (const backend of backends) {
    it(`${backend}: store set, store rm and paxos trim, then ceph-mon starts and serves osd dump`, async () => {
      const monData = extractFixture(backend);
      const before = JSON.parse((await runCommand(PaxosVersions, ['-s', monData, '--json'])).stdout);

      expect((await runCommand(StoreSet, ['monctl_test', 'marker', '--u64', '42', '-s', monData])).exitCode).toBe(0);
      expect((await runCommand(StoreSet, ['monctl_test', 'gone', '--u64', '1', '-s', monData, '--no-backup'])).exitCode).toBe(0);
      expect((await runCommand(StoreRm, ['monctl_test', 'gone', '-s', monData, '--no-backup'])).exitCode).toBe(0);
      const trim = await runCommand(PaxosTrim, ['-s', monData, '--keep', '3', '--no-backup', '--json']);
      expect(trim.exitCode, trim.stderr).toBe(0);
      const trimmed = JSON.parse(trim.stdout);
      expect(trimmed.applied).toBe(true);
      expect(trimmed.to).toBe(before.last_committed - 2);
      expect((await runCommand(StoreCheck, ['-s', monData])).exitCode).toBe(0);

      // The Ceph tools read what monctl wrote.
      expect(kvList(backend, monData, 'monctl_test')).toBe('monctl_test\tmarker\n');

      const mon = await startMon({ monData });
      running.push(mon);
      const dump = await osdDump(mon);
      expect(dump.epoch).toBeGreaterThanOrEqual(31);
      expect(dump.flags).toContain('noout');
      // the monitor keeps committing on top of the trimmed history
      const st = await mon.ceph(['osd', 'set', 'nodown']);
      expect(st.code, st.stderr).toBe(0);
      expect((await osdDump(mon)).flags).toContain('nodown');
      await mon.stop();
      expect(mon.exited).toBe(true);

      const after = JSON.parse((await runCommand(PaxosVersions, ['-s', monData, '--json'])).stdout);
      expect(after.first_committed).toBeGreaterThanOrEqual(trimmed.to);
      expect(after.last_committed).toBeGreaterThan(before.last_committed);
      expect((await runCommand(StoreCheck, ['-s', monData])).exitCode).toBe(0);
    });

    it(`${backend}: store copy (same backend and converted) gives stores the tools and a real ceph-mon read`, async () => {
      const monData = extractFixture(backend);
      const original = kvList(backend, extractFixture(backend), '');
      for (const target of backends) {
        const dest = join(monData, '..', `copy-${target}`);
        const r = await runCommand(StoreCopy, [dest, '-s', monData, '--backend', target, '--json']);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ backend: target, keys: original.trimEnd().split('\n').length });
        expect(kvList(target, dest, '')).toBe(original);
        const mon = await startMon({ monData: dest });
        running.push(mon);
        expect((await osdDump(mon)).epoch).toBe(31);
        await mon.stop();
      }
    });

    it(`${backend}: writes are refused while a live ceph-mon holds the store; reads still work`, async () => {
      const monData = extractFixture(backend);
      const mon = await startMon({ monData });
      running.push(mon);
      try {
        const w = await runCommand(StoreSet, ['monctl_test', 'x', '--u64', '1', '-s', monData]);
        expect(w.exitCode).toBe(3);
        expect(w.stderr).toContain('STORE_LOCKED');
        expect(w.stderr).toContain('Stop the monitor');
        const t = await runCommand(PaxosTrim, ['-s', monData, '--keep', '2']);
        expect(t.exitCode).toBe(3);
        const l = await runCommand(StoreList, ['-s', monData, '--prefix', 'osdmap']);
        expect(l.exitCode).toBe(0);
        expect(l.stdout).toContain('osdmap\tfull_31\n');
      } finally {
        await mon.stop();
      }
      // nothing monctl did while the mon ran left a trace
      expect(kvList(backend, monData, 'monctl_test')).toBe('');
    });
  }
});
