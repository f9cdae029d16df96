import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import MonmapAdd from '../../src/commands/monmap/add.js';
import MonmapGet from '../../src/commands/monmap/get.js';
import MonmapInject from '../../src/commands/monmap/inject.js';
import MonmapRm from '../../src/commands/monmap/rm.js';
import MonmapSetAddr from '../../src/commands/monmap/set-addr.js';
import StoreCheck from '../../src/commands/store/check.js';
import { Writer } from '../../src/lib/encoding/index.js';
import { encodeMonMap } from '../../src/lib/monmap/index.js';
import { readPaxosState, readPaxosVersion } from '../../src/lib/mon/paxos/index.js';
import { MonStore } from '../../src/lib/store/index.js';
import { fixtureCopies } from '../helpers/fixture-copies.js';
import { runCommand } from '../helpers/run-command.js';
import { kvDigest } from '../helpers/store-digest.js';
import { readMonMap } from '../../src/lib/mon/index.js';

interface EditJson {
  applied: boolean;
  dry_run: boolean;
  epoch: number;
  paxos_version: number;
  backup?: string;
  diff: string[];
  transaction: { ops: Array<{ type: string; prefix: string; key: string }> };
  monmap: { mons: Array<{ name: string; public_addrs: { addrvec: Array<{ type: string; addr: string }> } }> };
  error?: { code: string; message: string };
}

const opKeys = (j: EditJson) => j.transaction.ops.map((o) => `${o.type} ${o.prefix}/${o.key}`);

describe.each(['rocksdb', 'leveldb'] as const)('monmap edit commands on the %s fixture', (backend) => {
  const { pristine, fresh } = fixtureCopies(backend, 'monmap-edit');
  let paxosLast = 0n;
  beforeAll(async () => {
    paxosLast = (await MonStore.with(pristine(), {}, readPaxosState)).last_committed!;
  });

  it('--dry-run prints the ops, the new epoch and a readable diff, and changes nothing', async () => {
    const mon = await fresh('dry');
    const before = await kvDigest(mon);
    const r = await runCommand(MonmapAdd, ['b', '127.0.0.1:40021', '-s', mon, '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dry run: would apply 6 ops to ${mon} as one batch:`);
    expect(r.stdout).toContain(`PUT         paxos/${paxosLast + 1n} (`);
    expect(r.stdout).toContain(`monmap epoch 1 -> 2 (would commit as paxos version ${paxosLast + 1n}):`);
    expect(r.stdout).toContain('  - epoch 1\n');
    expect(r.stdout).toContain('  + 1: v2:127.0.0.1:40021/0 mon.b\n');
    expect(await kvDigest(mon)).toBe(before);
  });

  it('add, set-addr, rm: each a new monmap epoch committed as the next paxos version, exactly these keys', async () => {
    const mon = await fresh('edits');
    const add = await runCommand<EditJson>(MonmapAdd, ['b', '127.0.0.1', '-s', mon, '--json']);
    const j = JSON.parse(add.stdout) as EditJson;
    expect(j).toMatchObject({ applied: true, dry_run: false, epoch: 2, paxos_version: Number(paxosLast + 1n) });
    const v = paxosLast + 1n;
    expect(opKeys(j)).toEqual([`PUT paxos/${v}`, 'PUT paxos/pending_v', 'PUT paxos/last_committed', 'PUT monmap/2', 'PUT monmap/last_committed', 'PUT health/monmap']);
    expect(j.backup && existsSync(j.backup) && dirname(j.backup)).toBe(mon);
    expect(j.monmap.mons.map((m) => m.name)).toEqual(['a', 'b']);
    expect(j.monmap.mons[1]!.public_addrs.addrvec).toEqual([
      { type: 'v2', addr: '127.0.0.1:3300', nonce: 0 },
      { type: 'v1', addr: '127.0.0.1:6789', nonce: 0 },
    ]);
    await MonStore.with(mon, {}, async (s) => {
      const st = await readPaxosState(s);
      expect(st.last_committed).toBe(v);
      expect(st.pending_v).toBe(v);
      // the paxos value is the service transaction the monitor would have proposed
      const value = await readPaxosVersion(s, v);
      expect(value!.ops.map((o) => `${o.prefix}/${o.key}`)).toEqual(['monmap/2', 'monmap/last_committed', 'health/monmap']);
      expect(Buffer.from(value!.ops[0]!.value).equals(Buffer.from((await readMonMap(s)).bytes))).toBe(true);
    });

    const set = JSON.parse((await runCommand(MonmapSetAddr, ['b', 'v2:127.0.0.1:40099', '-s', mon, '--no-backup', '--json'])).stdout) as EditJson;
    expect(set).toMatchObject({ applied: true, epoch: 3, paxos_version: Number(v + 1n) });
    expect(set.backup).toBeUndefined();
    expect(set.monmap.mons[1]!.public_addrs.addrvec).toEqual([{ type: 'v2', addr: '127.0.0.1:40099', nonce: 0 }]);

    const rm = await runCommand(MonmapRm, ['b', '-s', mon, '--no-backup']);
    expect(rm.exitCode, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(`monmap epoch 3 -> 4 (committed as paxos version ${v + 2n}):`);
    expect(rm.stdout).toContain('  - 1: v2:127.0.0.1:40099/0 mon.b\n');
    const after = await MonStore.with(mon, {}, (s) => readMonMap(s));
    expect(after.epoch).toBe(4);
    expect(after.map.ranks).toEqual(['a']);
    expect(after.map.removedRanks).toEqual([1]);
    expect((await runCommand(StoreCheck, ['-s', mon])).exitCode).toBe(0);
  });

  it('refuses removing the last monitor, unknown names, duplicate names and addresses, and changes nothing', async () => {
    const mon = await fresh('refusals');
    const before = await kvDigest(mon);
    const cases: Array<[Parameters<typeof runCommand>[0], string[], RegExp]> = [
      [MonmapRm, ['a'], /would leave no monitor/],
      [MonmapRm, ['zz'], /mon\.zz is not in the monmap/],
      [MonmapAdd, ['a', '10.0.0.1'], /mon\.a is already in the monmap/],
      [MonmapSetAddr, ['zz', '10.0.0.1'], /mon\.zz is not in the monmap/],
      [MonmapAdd, ['b', 'not-an-ip'], /cannot parse/],
    ];
    const a = (await MonStore.with(mon, {}, (s) => readMonMap(s))).map.monInfo.get('a')!;
    const aAddr = `v2:127.0.0.1:${a.publicAddrs.v[0]!.sockaddr[2]! * 256 + a.publicAddrs.v[0]!.sockaddr[3]!}`;
    cases.push([MonmapAdd, ['b', aAddr], /mon\.a already has address/]);
    for (const [cmd, args, message] of cases) {
      const r = await runCommand(cmd, [...args, '-s', mon, '--no-backup', '--json']);
      expect(r.exitCode, args.join(' ')).toBe(2);
      const err = (JSON.parse(r.stdout) as EditJson).error!;
      expect(err.code).toBe('BAD_ARGUMENT');
      expect(err.message).toMatch(message);
    }
    expect(await kvDigest(mon)).toBe(before);
  });

  it('inject: the file\'s map as the next epoch; another cluster\'s map is refused', async () => {
    const mon = await fresh('inject');
    const file = join(mon, 'inject.bin');
    expect((await runCommand(MonmapGet, ['-s', mon, '-o', file])).exitCode).toBe(0);
    const r = JSON.parse((await runCommand(MonmapInject, ['--monmap', file, '-s', mon, '--no-backup', '--json'])).stdout) as EditJson;
    expect(r).toMatchObject({ applied: true, epoch: 2 });
    const stored = await MonStore.with(mon, {}, (s) => readMonMap(s));
    expect(stored.map.epoch).toBe(2);
    const original = await MonStore.with(pristine(), {}, (s) => readMonMap(s));
    expect(stored.map.lastChanged).toEqual(original.map.lastChanged);

    const other = { ...original.map, fsid: '00000000-1111-2222-3333-444444444444' };
    const w = new Writer();
    encodeMonMap(w, other);
    const otherFile = join(mon, 'other.bin');
    writeFileSync(otherFile, w.bytes());
    const refused = await runCommand(MonmapInject, ['--monmap', otherFile, '-s', mon, '--no-backup']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("is not the store's");
  });

  it('rewrites monmap/latest when --inject-monmap left one, and erases a stashed mon_sync/temp_newer_monmap', async () => {
    const mon = await fresh('latest');
    await MonStore.with(mon, { write: true }, async (s) => {
      const { TransactionBuilder } = await import('../../src/lib/store/index.js');
      await s.apply(new TransactionBuilder().put('monmap', 'latest', new Uint8Array([1, 2, 3])).put('mon_sync', 'temp_newer_monmap', new Uint8Array([4])).tx);
    });
    const r = JSON.parse((await runCommand(MonmapAdd, ['b', '127.0.0.1:40021', '-s', mon, '--no-backup', '--json'])).stdout) as EditJson;
    expect(opKeys(r).slice(-3)).toEqual(['PUT monmap/latest', 'PUT health/monmap', 'ERASE mon_sync/temp_newer_monmap']);
    await MonStore.with(mon, {}, async (s) => {
      const latest = (await s.get('monmap', 'latest'))!;
      const map = await readMonMap(s);
      expect([...latest.subarray(0, 8)]).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
      expect(Buffer.from(latest.subarray(12)).equals(Buffer.from(map.bytes))).toBe(true);
      expect(await s.get('mon_sync', 'temp_newer_monmap')).toBeUndefined();
    });
  });

  it('a survivor that died mid-proposal: refused with the way out, then --discard-pending commits over the uncommitted value', async () => {
    const mon = await fresh('pending');
    await MonStore.with(mon, { write: true }, async (s) => {
      const { TransactionBuilder } = await import('../../src/lib/store/index.js');
      await s.apply(new TransactionBuilder().put('paxos', String(paxosLast + 1n), new Uint8Array([9])).putVersion('paxos', 'pending_v', paxosLast + 1n).tx);
    });
    const refused = await runCommand(MonmapAdd, ['b', '127.0.0.1:40021', '-s', mon, '--no-backup', '--json']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toContain('--discard-pending');
    const r = JSON.parse((await runCommand(MonmapAdd, ['b', '127.0.0.1:40021', '-s', mon, '--no-backup', '--discard-pending', '--json'])).stdout) as EditJson;
    expect(r.applied).toBe(true);
    expect(BigInt(r.paxos_version)).toBe(paxosLast + 1n);
    await MonStore.with(mon, {}, async (s) => {
      const st = await readPaxosState(s);
      expect(st.last_committed).toBe(paxosLast + 1n);
      expect(st.pending_v).toBe(paxosLast + 1n);
      expect((await readMonMap(s)).map.ranks).toContain('b');
    });
    expect((await runCommand(StoreCheck, ['-s', mon])).exitCode).toBe(0);
  });

  it('is refused while another process holds the store', async () => {
    const mon = await fresh('locked');
    const holder = await MonStore.open(mon, { write: true });
    try {
      // A valid edit (an invalid one is refused before the lock is even tried).
      const r = await runCommand(MonmapAdd, ['zz', '127.0.0.1:40029', '-s', mon]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain('STORE_LOCKED');
    } finally {
      await holder.close();
    }
  });
});
