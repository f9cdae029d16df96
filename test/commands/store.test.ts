import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PaxosShow from '../../src/commands/paxos/show.js';
import PaxosTrim from '../../src/commands/paxos/trim.js';
import PaxosVersions from '../../src/commands/paxos/versions.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreCompact from '../../src/commands/store/compact.js';
import StoreCrc from '../../src/commands/store/crc.js';
import StoreDump from '../../src/commands/store/dump.js';
import StoreGet from '../../src/commands/store/get.js';
import StoreList from '../../src/commands/store/list.js';
import StoreRm from '../../src/commands/store/rm.js';
import StoreSet from '../../src/commands/store/set.js';
import StoreStats from '../../src/commands/store/stats.js';
import StoreVersions from '../../src/commands/store/versions.js';
import { MonStore, copyStore } from '../../src/lib/store/index.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree, makeSyntheticMonStore, tempDir } from '../helpers/stores.js';

describe('store and paxos commands (in-process)', () => {
  const tmp = tempDir('cmd');
  let mon = '';
  beforeAll(async () => {
    mon = await makeSyntheticMonStore(tmp.dir, 'leveldb');
  });
  afterAll(() => tmp.cleanup());

  it('store list prints prefix<TAB>key; --json is an array of {prefix,key}', async () => {
    const r = await runCommand(StoreList, ['-s', mon, '--prefix', 'paxos']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('paxos\t10');
    expect(lines).toContain('paxos\tlast_committed');
    const j = await runCommand(StoreList, ['-s', mon, '--prefix', 'monitor', '--json']);
    expect(JSON.parse(j.stdout)).toEqual([{ prefix: 'monitor', key: 'magic' }]);
  });

  it('store list reads $MONCTL_STORE when --store is absent', async () => {
    process.env.MONCTL_STORE = mon;
    try {
      const r = await runCommand(StoreList, ['--prefix', 'monitor']);
      expect(r.stdout).toBe('monitor\tmagic\n');
    } finally {
      delete process.env.MONCTL_STORE;
    }
  });

  it('store crc prints the list-crc checksum (crc32c over prefix, key, value)', async () => {
    const r = await runCommand(StoreCrc, ['-s', mon, '--prefix', 'monitor']);
    expect(r.stdout).toBe('monitor\tmagic\t3273780741\n');
  });

  it('store dump shows versions as numbers, text as text, binary as a hex head', async () => {
    const r = await runCommand(StoreDump, ['-s', mon, '--prefix', 'osdmap']);
    expect(r.stdout).toContain('osdmap\tlast_committed\t(8 bytes)\t10\n');
    expect(r.stdout).toMatch(/osdmap\tfull_1\t\(101 bytes\)\t81 81 81/);
    const one = await runCommand(StoreDump, ['-s', mon, '--prefix', 'monitor', '--key', 'magic', '--json']);
    expect(JSON.parse(one.stdout)).toEqual([{ prefix: 'monitor', key: 'magic', length: 21, value: { type: 'text', value: 'ceph mon volume v012\n' } }]);
  });

  it('store get writes raw bytes with -o, or a hex dump', async () => {
    const out = join(tmp.dir, 'magic.bin');
    const r = await runCommand(StoreGet, ['monitor', 'magic', '-s', mon, '-o', out, '--json']);
    expect(r.result).toMatchObject({ length: 21, crc: 3903798760 });
    const h = await runCommand(StoreGet, ['monitor', 'magic', '-s', mon]);
    expect(h.stdout).toContain('|ceph mon volume |');
  });

  it('store versions and paxos versions report Ceph field names', async () => {
    const v = await runCommand(StoreVersions, ['-s', mon, '--json']);
    expect(JSON.parse(v.stdout).osdmap).toEqual({ first_committed: 1, last_committed: 10, full_latest: 10 });
    const m = await runCommand(StoreVersions, ['-s', mon, '--map-type', 'osdmap']);
    expect(m.stdout).toBe('first committed:\t1\nlast  committed:\t10\n');
    const p = await runCommand(PaxosVersions, ['-s', mon, '--json']);
    expect(JSON.parse(p.stdout)).toMatchObject({ first_committed: 3, last_committed: 12, versions: 10 });
  });

  it('paxos show --json gives {version, ops, num_keys, num_bytes}', async () => {
    const r = await runCommand(PaxosShow, ['-s', mon, '--from', '3', '--to', '4', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.map((x: { version: number }) => x.version)).toEqual([3, 4]);
    expect(j[0].ops[0]).toEqual({ op_num: 0, type: 'PUT', prefix: 'osdmap', key: '1', length: 41 });
    const missing = await runCommand(PaxosShow, ['-s', mon, '99']);
    expect(missing.exitCode).toBe(6);
    expect(missing.stderr).toContain('KEY_NOT_FOUND (key paxos/99)');
  });

  it('store stats and check', async () => {
    const s = await runCommand<{ total_keys: number }>(StoreStats, ['-s', mon, '--json']);
    expect(s.result?.total_keys).toBe(39);
    const c = await runCommand(StoreCheck, ['-s', mon, '--quick']);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toMatch(/^ok: 10 paxos versions/);
  });

  it('read commands leave the store byte-identical', async () => {
    const before = hashTree(mon);
    for (const [cmd, args] of [
      [StoreList, []],
      [StoreCrc, []],
      [StoreDump, []],
      [StoreStats, []],
      [StoreCheck, ['--quick']],
      [StoreVersions, []],
      [PaxosShow, []],
      [PaxosVersions, []],
      [StoreGet, ['monitor', 'magic']],
    ] as const) {
      await runCommand(cmd, [...args, '-s', mon]);
      expect(hashTree(mon)).toEqual(before);
    }
  });

  it('write commands: --dry-run changes nothing; a real run backs up, applies, and check sees it', async () => {
    const copy = join(tmp.dir, 'w');
    await copyStore(mon, copy);
    const before = hashTree(copy);
    const dry = await runCommand(StoreRm, ['osdmap', 'full_4', '-s', copy, '--dry-run']);
    expect(dry.stdout).toContain('dry run: would apply 1 ops');
    expect(hashTree(copy)).toEqual(before);

    const rm = await runCommand(StoreRm, ['osdmap', '4', '-s', copy, '--json']);
    expect(JSON.parse(rm.stdout)).toMatchObject({ applied: true, transaction: { ops: [{ type: 'ERASE', prefix: 'osdmap', key: '4' }] } });
    const check = await runCommand(StoreCheck, ['-s', copy, '--quick']);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain('MISSING_VERSION\tosdmap/4');

    const set = await runCommand(StoreSet, ['osdmap', 'first_committed', '--u64', '5', '-s', copy, '--no-backup']);
    expect(set.exitCode).toBe(0);
    expect((await runCommand(StoreCheck, ['-s', copy, '--quick'])).exitCode).toBe(0);

    const bad = await runCommand(StoreSet, ['osdmap', 'first_committed', '--u64', '-1', '-s', copy]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('BAD_ARGUMENT');
  });

  it('paxos trim keeps last_committed, moves first_committed, compacts', async () => {
    const copy = join(tmp.dir, 't');
    await copyStore(mon, copy);
    const r = await runCommand(PaxosTrim, ['-s', copy, '--keep', '4', '--no-backup', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: true, from: 3, to: 9, erased: 6 });
    const v = await runCommand(PaxosVersions, ['-s', copy, '--json']);
    expect(JSON.parse(v.stdout)).toMatchObject({ first_committed: 9, last_committed: 12, versions: 4 });
    expect((await runCommand(StoreCheck, ['-s', copy, '--quick'])).exitCode).toBe(0);
    const again = await runCommand(PaxosTrim, ['-s', copy, '--keep', '4']);
    expect(again.stdout).toContain('nothing to do');
  });

  it('store dump --decode shows paxos values as transactions', async () => {
    const r = await runCommand(StoreDump, ['-s', mon, '--prefix', 'paxos', '--decode']);
    expect(r.stdout).toMatch(/^paxos\t3\t\(\d+ bytes\)\tMonitorDBStore::Transaction: 5 ops \(5× PUT osdmap\)$/m);
    const j = await runCommand(StoreDump, ['-s', mon, '--prefix', 'paxos', '--key', '4', '--decode', '--json']);
    expect(JSON.parse(j.stdout)[0].value).toMatchObject({ type: 'decoded', decoder: 'MonitorDBStore::Transaction', value: { num_keys: 4 } });
  });

  it('a corrupt paxos value: key and offset in show, dump --decode and check; never a crash', async () => {
    const copy = join(tmp.dir, 'corrupt');
    await copyStore(mon, copy);
    const good = (await runCommand<{ hex: string }>(StoreGet, ['paxos', '6', '-s', copy, '--json'])).result!.hex;
    const cut = join(tmp.dir, 'cut.bin');
    writeFileSync(cut, Buffer.from(good, 'hex').subarray(0, 40));
    expect((await runCommand(StoreSet, ['paxos', '6', '--in', cut, '-s', copy, '--no-backup'])).exitCode).toBe(0);

    const show = await runCommand(PaxosShow, ['-s', copy, '6']);
    expect(show.exitCode).toBe(7);
    expect(show.stderr).toMatch(/^monctl: DECODE_TRUNCATED \(key paxos\/6, offset 0\): MonitorDBStore::Transaction struct_len \d+ runs past/);
    const dump = await runCommand(StoreDump, ['-s', copy, '--prefix', 'paxos', '--key', '6', '--decode']);
    expect(dump.exitCode).toBe(0);
    expect(dump.stdout).toMatch(/error: DECODE_TRUNCATED \(key paxos\/6, offset \d+\)/);
    const check = await runCommand(StoreCheck, ['-s', copy, '--json', '--quick']);
    expect(check.exitCode).toBe(1);
    expect(JSON.parse(check.stdout).problems).toEqual([expect.objectContaining({ code: 'UNDECODABLE', key: 'paxos/6' })]);
  });

  it('store compact keeps every key; it is refused while another process holds the store', async () => {
    const copy = join(tmp.dir, 'compact');
    await copyStore(mon, copy);
    const before = (await runCommand(StoreCrc, ['-s', copy])).stdout;
    const r = await runCommand(StoreCompact, ['-s', copy, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ compacted: true, backend: 'leveldb' });
    expect((await runCommand(StoreCrc, ['-s', copy])).stdout).toBe(before);
    const holder = await MonStore.open(copy, { write: true });
    try {
      const locked = await runCommand(StoreCompact, ['-s', copy]);
      expect(locked.exitCode).toBe(3);
      expect(locked.stderr).toContain('STORE_LOCKED');
    } finally {
      await holder.close();
    }
  });

  it('paxos trim --to V and its guards', async () => {
    const copy = join(tmp.dir, 'trim-to');
    await copyStore(mon, copy);
    const dry = await runCommand(PaxosTrim, ['-s', copy, '--to', '7', '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dry_run: true, applied: false, from: 3, to: 7, erased: 4 });
    const tooFar = await runCommand(PaxosTrim, ['-s', copy, '--to', '13']);
    expect(tooFar.exitCode).toBe(2);
    expect(tooFar.stderr).toContain('last_committed is 12 and must stay');
    const both = await runCommand(PaxosTrim, ['-s', copy, '--to', '5', '--keep', '3']);
    expect(both.exitCode).toBe(2);
    const r = await runCommand(PaxosTrim, ['-s', copy, '--to', '12', '--no-backup', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: true, to: 12, erased: 9 });
    expect((await runCommand(StoreCheck, ['-s', copy, '--quick'])).exitCode).toBe(0);
  });

  it('errors are one line with a code and an action, never a stack trace', async () => {
    const r = await runCommand(StoreList, ['-s', join(tmp.dir, 'missing')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^monctl: STORE_NOT_FOUND: .* is not a directory\n  → Pass --store/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = await runCommand(StoreList, ['-s', join(tmp.dir, 'missing'), '--json']);
    expect(JSON.parse(j.stdout).error.code).toBe('STORE_NOT_FOUND');
  });
});
