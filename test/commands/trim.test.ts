import { afterAll, describe, expect, it } from 'vitest';
import OsdmapTrim from '../../src/commands/osdmap/trim.js';
import StoreCheck from '../../src/commands/store/check.js';
import StoreTrim from '../../src/commands/store/trim.js';
import { readAllServiceVersions } from '../../src/lib/mon/paxos/index.js';
import { MonStore, TransactionBuilder } from '../../src/lib/store/index.js';
import { fixtureCopies } from '../helpers/fixture-copies.js';
import { runCommand } from '../helpers/run-command.js';
import { kvDigest } from '../helpers/store-digest.js';
import { makeSyntheticMonStore, tempDir } from '../helpers/stores.js';

interface TrimJson {
  applied: boolean;
  from?: number;
  to?: number;
  erased?: number;
  trimmed?: Array<{ service: string; from: number; to: number; erased: number }>;
  transaction?: { ops: Array<{ type: string; prefix: string; key: string }> };
  error?: { code: string; message: string };
}

async function versions(mon: string): Promise<Record<string, { first: number; last: number }>> {
  const all = await MonStore.with(mon, {}, readAllServiceVersions);
  return Object.fromEntries(all.map((v) => [v.service, { first: Number(v.first_committed), last: Number(v.last_committed) }]));
}

async function osdmapKeys(mon: string): Promise<string[]> {
  const keys: string[] = [];
  await MonStore.with(mon, {}, async (s) => {
    for await (const e of s.entries({ prefix: 'osdmap', values: false })) keys.push(e.key);
  });
  return keys;
}

/** The fixtures: osdmap 1..31 (48 PGs still "creating": no OSD ever booted), logm and paxos with some hundred versions (logm's full_latest is last_committed - 1). */
describe.each(['rocksdb', 'leveldb'] as const)('osdmap trim and store trim on the %s fixture', (backend) => {
  const { fresh } = fixtureCopies(backend, 'trim');

  it('osdmap trim: without flags nothing goes (31 epochs < mon_min_osdmap_epochs); below the floor or with creating PGs needs --force', async () => {
    const mon = await fresh('osd-guards');
    const before = await kvDigest(mon);
    const none = await runCommand(OsdmapTrim, ['-s', mon]);
    expect(none.stdout).toContain('nothing to do');
    const floor = JSON.parse((await runCommand(OsdmapTrim, ['-s', mon, '--keep', '5', '--json'])).stdout) as TrimJson;
    expect(floor.error).toMatchObject({ code: 'BAD_ARGUMENT', message: expect.stringContaining('mon_min_osdmap_epochs (500)') });
    const tooFar = await runCommand(OsdmapTrim, ['-s', mon, '--to', '32', '--force']);
    expect(tooFar.exitCode).toBe(2);
    expect(tooFar.stderr).toContain('last_committed is 31 and must stay');
    expect(await kvDigest(mon)).toBe(before);
  });

  it('osdmap trim --keep 5 --force: erases <e> and full_<e> below 27, moves first_committed, re-puts full_27, compacts', async () => {
    const mon = await fresh('osd');
    const dry = JSON.parse((await runCommand(OsdmapTrim, ['-s', mon, '--keep', '5', '--force', '--dry-run', '--json'])).stdout) as TrimJson;
    expect(dry).toMatchObject({ applied: false, from: 1, to: 27, erased: 26 });
    const ops = dry.transaction!.ops.map((o) => (o.type === 'COMPACT' ? o.type : `${o.type} ${o.key}`));
    expect(ops.slice(0, 4)).toEqual(['ERASE 1', 'ERASE full_1', 'ERASE 2', 'ERASE full_2']);
    expect(ops.slice(-4)).toEqual(['COMPACT', 'COMPACT', 'PUT first_committed', 'PUT full_27']);
    expect(ops.filter((o) => o.startsWith('ERASE'))).toHaveLength(52);

    const r = await runCommand(OsdmapTrim, ['-s', mon, '--keep', '5', '--force', '--no-backup']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('osdmap epochs 1..26 removed (26); first_committed 27');
    const keys = await osdmapKeys(mon);
    expect(keys.filter((k) => /^\d+$/.test(k)).map(Number).sort((a, b) => a - b)).toEqual([27, 28, 29, 30, 31]);
    expect(keys.filter((k) => k.startsWith('full_') && k !== 'full_latest')).toHaveLength(5);
    expect((await versions(mon)).osdmap).toEqual({ first: 27, last: 31 });
    expect((await runCommand(StoreCheck, ['-s', mon])).exitCode).toBe(0);
  });

  it('store trim --keep 3 --force: every service and paxos in one batch; full_latest and last_committed stay', async () => {
    const mon = await fresh('store');
    const before = await versions(mon);
    const r = JSON.parse((await runCommand(StoreTrim, ['-s', mon, '--keep', '3', '--force', '--no-backup', '--json'])).stdout) as TrimJson;
    expect(r.applied).toBe(true);
    const trimmed = Object.fromEntries(r.trimmed!.map((t) => [t.service, [t.from, t.to]]));
    // logm keeps 3 behind last_committed (its full_latest is last - 1, so that full map stays)
    expect(trimmed).toEqual({ kv: [1, 2], logm: [before.logm!.first, before.logm!.last - 2], osdmap: [1, 29], paxos: [before.paxos!.first, before.paxos!.last - 2] });
    const after = await versions(mon);
    expect(after.osdmap).toEqual({ first: 29, last: 31 });
    expect(after.logm).toEqual({ first: before.logm!.last - 2, last: before.logm!.last });
    expect(after.auth).toEqual(before.auth); // full_latest 1: nothing may go
    expect(after.monmap).toEqual(before.monmap);
    for (const svc of Object.keys(before)) expect(after[svc]!.last, svc).toBe(before[svc]!.last);
    expect((await runCommand(StoreCheck, ['-s', mon])).exitCode).toBe(0);
  });

  it('store trim without --keep keeps what each monitor keeps (nothing to do on this small store) and without --force respects osdmap\'s floor', async () => {
    const mon = await fresh('store-default');
    const before = await kvDigest(mon);
    const r = await runCommand(StoreTrim, ['-s', mon, '--dry-run']);
    expect(r.exitCode).toBe(0);
    const floor = await runCommand(StoreTrim, ['-s', mon, '--keep', '3']);
    expect(floor.exitCode).toBe(2);
    expect(floor.stderr).toContain('mon_min_osdmap_epochs');
    expect(await kvDigest(mon)).toBe(before);
  });
});

describe('osdmap trim on a long history (synthetic store: osdmap 1..510)', () => {
  const tmp = tempDir('trim-long');
  afterAll(() => tmp.cleanup());

  it('keeps mon_min_osdmap_epochs by default; refuses while PGs are being created unless --force', async () => {
    const mon = await makeSyntheticMonStore(tmp.dir, 'leveldb');
    await MonStore.with(mon, { write: true }, async (s) => {
      const tx = new TransactionBuilder();
      for (let e = 11; e <= 510; e++) tx.put('osdmap', String(e), new Uint8Array([e & 0xff])).put('osdmap', `full_${e}`, new Uint8Array([0x80, e & 0xff]));
      tx.putVersion('osdmap', 'last_committed', 510n).putVersion('osdmap', 'full_latest', 510n);
      // creating_pgs_t v3: last_scan_epoch 30, 2 PGs (the map's entries are not read)
      tx.put('osd_pg_creating', 'creating', new Uint8Array([3, 1, 8, 0, 0, 0, 30, 0, 0, 0, 2, 0, 0, 0]));
      await s.apply(tx.tx);
    });
    const blocked = await runCommand(OsdmapTrim, ['-s', mon, '--no-backup']);
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stderr).toContain('2 PGs are still being created');
    const forced = JSON.parse((await runCommand(OsdmapTrim, ['-s', mon, '--force', '--no-backup', '--json'])).stdout) as TrimJson;
    expect(forced).toMatchObject({ applied: true, from: 1, to: 10, erased: 9 });
    expect(forced.transaction!.ops.at(-1)).toMatchObject({ type: 'PUT', key: 'full_10' });
    expect((await versions(mon)).osdmap).toEqual({ first: 10, last: 510 });
  });
});
