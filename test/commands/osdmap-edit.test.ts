import { afterAll, describe, expect, it } from 'vitest';
import { copyStore, MonStore, transactionFromBytes } from '../../src/lib/store/index.js';
import { applyIncremental, decodeIncremental, decodeOSDMap, encodeOSDMap, type OSDMap } from '../../src/lib/osdmap/index.js';
import { crc32c } from '../../src/lib/encoding/index.js';
import { readPaxosState } from '../../src/lib/mon/paxos/index.js';
import { extractFixture, removeTempDirs, type Backend } from '../helpers/ceph.js';
import { hashTree } from '../helpers/stores.js';
import { runCommand } from '../helpers/run-command.js';
import { EDIT_CASES, changedKeys, seedLiveState, storeDigest } from '../helpers/osdmap-edit.js';
import MarkDown from '../../src/commands/osdmap/edit/mark-down.js';
import MarkOut from '../../src/commands/osdmap/edit/mark-out.js';
import Reweight from '../../src/commands/osdmap/edit/reweight.js';
import RmPgTemp from '../../src/commands/osdmap/edit/rm-pg-temp.js';
import RmUpmap from '../../src/commands/osdmap/edit/rm-upmap.js';
import SetCrush from '../../src/commands/osdmap/edit/set-crush.js';
import SetFlag from '../../src/commands/osdmap/edit/set-flag.js';
import SetPool from '../../src/commands/osdmap/edit/set-pool.js';
import { decodeCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkStore, readFullMap, readIncremental, verifyHistory } from '../../src/lib/mon/index.js';

interface Outcome {
  applied: boolean;
  dry_run: boolean;
  from_epoch: number;
  epoch: number;
  paxos_version: number;
  full_crc: number;
  keys: string[];
  diff: { identical: boolean };
}

const pristine: Partial<Record<Backend, string>> = {};
let copies = 0;
/** A fresh copy of a fixture store (extracted once per backend). */
async function freshStore(backend: Backend): Promise<string> {
  pristine[backend] ??= extractFixture(backend);
  const dest = `${pristine[backend]}-copy-${copies++}`;
  await copyStore(pristine[backend]!, dest);
  return dest;
}

async function state(mon: string): Promise<{ map: OSDMap; paxos: bigint }> {
  return MonStore.with(mon, {}, async (s) => ({ map: (await readFullMap(s)).map, paxos: (await readPaxosState(s)).last_committed ?? 0n }));
}

afterAll(() => removeTempDirs());

describe.each(['rocksdb', 'leveldb'] as const)('osdmap edit on the %s fixture', (backend) => {
  for (const c of EDIT_CASES) {
    it(`${c.name}: writes epoch e+1 that replays from its incremental, passes verify and check`, async () => {
      const mon = await freshStore(backend);
      if (c.seeded) await seedLiveState(mon);
      const before = await state(mon);
      const digestBefore = await storeDigest(mon);
      const args = [...(await c.args(mon)), '-s', mon, '--no-backup', '--json'];

      // --dry-run: the same plan, nothing written.
      const treeBefore = hashTree(mon);
      const dry = await runCommand(c.cmd, [...args, '--dry-run']);
      expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
      const dryOut = JSON.parse(dry.stdout) as Outcome;
      expect(dryOut).toMatchObject({ dry_run: true, applied: false, epoch: before.map.epoch + 1 });
      expect(hashTree(mon)).toEqual(treeBefore);

      const r = await runCommand(c.cmd, args);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Outcome;
      const e = before.map.epoch + 1;
      const v = Number(before.paxos) + 1;
      expect(out).toMatchObject({ applied: true, from_epoch: e - 1, epoch: e, paxos_version: v });
      expect(out.keys).toEqual(dryOut.keys);
      // Exactly the keys a leader's commit and update_from_paxos write, and nothing else changed.
      expect(out.keys).toEqual([`paxos/${v}`, 'paxos/pending_v', 'paxos/last_committed', `osdmap/full_${e}`, `osdmap/${e}`, 'osdmap/last_committed', 'osdmap/full_latest']);
      expect(changedKeys(digestBefore, await storeDigest(mon))).toEqual([...out.keys].sort());

      await MonStore.with(mon, {}, async (s) => {
        const full = await s.get('osdmap', `full_${e}`);
        const { inc } = await readIncremental(s, e);
        const after = decodeOSDMap(full!);
        // full_crc is the CRC of the stored full map (CRC-32C of all but its last 4 bytes).
        expect(inc.fullCrc).toBe(after.crc);
        expect(inc.fullCrc).toBe(crc32c(0xffffffff, full!.subarray(0, full!.length - 4)));
        expect(out.full_crc).toBe(inc.fullCrc);
        // apply(full e, inc e+1) re-encoded with the incremental's features == stored full_(e+1).
        const rebuilt = encodeOSDMap(applyIncremental(before.map, inc), inc.encodeFeatures);
        expect(Buffer.from(rebuilt).equals(Buffer.from(full!))).toBe(true);
        // The paxos value holds the service transaction in OSDMonitor's order.
        const value = transactionFromBytes((await s.get('paxos', String(v)))!);
        expect(value.ops.map((o) => `${o.prefix}/${o.key}`)).toEqual([`osdmap/full_${e}`, `osdmap/${e}`, 'osdmap/last_committed']);
        expect(decodeIncremental(value.ops[1]!.value).epoch).toBe(e);
        expect((await verifyHistory(s)).ok).toBe(true);
        expect((await checkStore(s)).problems).toEqual([]);
        c.check(before.map, after);
      });
    });
  }
});

describe('osdmap edit refuses bad or empty edits, writing nothing', () => {
  const cases: [string, Parameters<typeof runCommand>[0], string[], RegExp, string?][] = [
    ['not an OSD id', MarkOut, ['osd.x'], /not an OSD id/],
    ['weight out of range', Reweight, ['1', '1.5'], /from 0\.0 to 1\.0/],
    ['no upmap for the pg', RmUpmap, ['1.1'], /no pg_upmap or pg_upmap_items entry for 1\.1 \(pg 1\.1 exists\)/],
    ['pg beyond pg_num', RmUpmap, ['1.40'], /pg_num 32, so pg 1\.40 does not exist/],
    ['no such pool', RmPgTemp, ['9.0'], /pool 9 does not exist/],
    ['pool missing', SetPool, ['nopool', 'size', '3'], /unrecognized pool 'nopool'/],
    ['pg_num is not offered', SetPool, ['rbd', 'pg_num', '64'], /not a pool key monctl sets offline \(PG splits and merges need the running cluster\)/],
    ['min_size above size', SetPool, ['rbd', 'min_size', '4'], /between 1 and size, which is set to 3/],
    ['erasure pool size', SetPool, ['ecpool', 'size', '4'], /erasure-coded/],
    ['ec min_size below k', SetPool, ['ecpool', 'min_size', '1'], /between 2 and size/],
    ['unknown crush rule', SetPool, ['rbd', 'crush_rule', 'nosuchrule'], /crush rule nosuchrule does not exist/],
    ['rule named by number', SetPool, ['rbd', 'crush_rule', '1'], /crush rule 1 does not exist/],
    ['rule of the wrong type', SetPool, ['rbd', 'crush_rule', 'ecpool'], /does not exist for pools of type 1/],
    ['not a CRUSH map', SetCrush, ['__self__'], /is not a compiled CRUSH map/, 'DECODE'],
  ];
  for (const [name, cmd, args, message, code = 'BAD_ARGUMENT'] of cases) {
    it(name, async () => {
      const mon = await freshStore('rocksdb');
      const argv = args.map((a) => (a === '__self__' ? join(mon, 'kv_backend') : a));
      const tree = hashTree(mon);
      const r = await runCommand(cmd, [...argv, '-s', mon, '--json']);
      expect(r.exitCode).toBe(code === 'DECODE' ? 7 : 2);
      const err = (JSON.parse(r.stdout) as { error: { code: string; message: string; actions: string[] } }).error;
      expect(err.code).toContain(code);
      expect(err.message).toMatch(message);
      expect(err.actions.length).toBeGreaterThan(0);
      expect(hashTree(mon)).toEqual(tree);
    });
  }

  it('set-crush refuses a map that drops a rule a pool uses, naming the pool', async () => {
    const mon = await freshStore('rocksdb');
    const map = (await state(mon)).map;
    const crush = decodeCrushMap(map.crushBytes);
    crush.rules[1] = null;
    crush.ruleNameMap.delete(1);
    const file = join(mon, '..', 'crush.norule');
    writeFileSync(file, encodeCrushMap(crush));
    const tree = hashTree(mon);
    const r = await runCommand(SetCrush, [file, '-s', mon]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("pool 2 'ecpool' uses crush_rule 1, which the new map does not have");
    expect(hashTree(mon)).toEqual(tree);
  });

  // As OSDMonitor answers them (test/conformance/osd-command-live.test.ts checks each against
  // a real ceph-mon): 0 and no epoch for OSDs already so or missing; 0 and a new epoch for a
  // flag, weight, pool value or CRUSH map the map already has.
  const accepted: [string, Parameters<typeof runCommand>[0], string[], 'unchanged' | 'epoch'][] = [
    ['unknown OSD', MarkOut, ['99'], 'unchanged'],
    ['OSD already out', MarkOut, ['3', '5'], 'unchanged'],
    ['OSD already down', MarkDown, ['0'], 'unchanged'],
    ['flag already set', SetFlag, ['noout'], 'epoch'],
    ['same weight', Reweight, ['1', '1'], 'epoch'],
    ['same pool value', SetPool, ['rbd', 'size', '3'], 'epoch'],
    ['set-crush with the map the epoch already has', SetCrush, ['__crush__'], 'epoch'],
  ];
  for (const [name, cmd, args, answer] of accepted) {
    it(`${name}: exit 0, ${answer === 'epoch' ? 'a new epoch, as the monitor proposes one' : 'nothing written'}`, async () => {
      const mon = await freshStore('rocksdb');
      const file = join(mon, '..', 'crush.same');
      writeFileSync(file, (await state(mon)).map.crushBytes);
      const before = (await state(mon)).map.epoch;
      const tree = hashTree(mon);
      const r = await runCommand(cmd, [...args.map((a) => (a === '__crush__' ? file : a)), '-s', mon, '--no-backup', '--json']);
      expect(r.exitCode, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { epoch: number; unchanged?: string };
      if (answer === 'unchanged') {
        expect(out.unchanged).toBeDefined();
        expect(hashTree(mon)).toEqual(tree);
      } else {
        expect(out.epoch).toBe(before + 1);
        expect((await state(mon)).map.epoch).toBe(before + 1);
      }
    });
  }

  it('backs the store up first unless --no-backup; the backup holds the epoch before', async () => {
    const mon = await freshStore('rocksdb');
    const before = await storeDigest(mon);
    const dir = join(mon, '..', `backups-${copies}`);
    mkdirSync(dir);
    const r = await runCommand(SetFlag, ['noup', '-s', mon, '--backup-dir', dir, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { backup: string; epoch: number };
    expect(out.backup.startsWith(dir)).toBe(true);
    expect(await storeDigest(out.backup)).toEqual(before);
    expect(out.epoch).toBe(32);
  });

  it('set-pool size resets min_size as the monitor does, and successive edits chain epochs', async () => {
    const mon = await freshStore('leveldb');
    expect((await runCommand(SetPool, ['rbd', 'size', '4', '-s', mon, '--no-backup'])).exitCode).toBe(0);
    expect((await runCommand(SetPool, ['rbd', 'nodelete', 'true', '-s', mon, '--no-backup'])).exitCode).toBe(0);
    expect((await runCommand(MarkOut, ['0', '-s', mon, '--no-backup'])).exitCode).toBe(0);
    const { map } = await state(mon);
    expect(map.epoch).toBe(34);
    expect(map.pools.get(1)).toMatchObject({ size: 4, minSize: 2 });
    expect(map.pools.get(1)!.flags & 0x10n).toBe(0x10n);
    await MonStore.with(mon, {}, async (s) => expect((await verifyHistory(s)).ok).toBe(true));
  });
});
