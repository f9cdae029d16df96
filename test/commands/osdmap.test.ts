/**
 * The osdmap commands, in-process, on both fixture stores (osdmap epochs 1..31: 6 OSDs on 3
 * hosts, pools rbd and ecpool, an upmap, osd.3 and osd.5 out, noout).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OsdmapApplyInc from '../../src/commands/osdmap/apply-inc.js';
import OsdmapDiff from '../../src/commands/osdmap/diff.js';
import OsdmapDump from '../../src/commands/osdmap/dump.js';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import OsdmapIncShow from '../../src/commands/osdmap/inc/show.js';
import OsdmapPrint from '../../src/commands/osdmap/print.js';
import OsdmapTree from '../../src/commands/osdmap/tree.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import StoreSet from '../../src/commands/store/set.js';
import { decodeOSDMap, dumpOSDMap, encodeOSDMap } from '../../src/lib/osdmap/index.js';
import type { OSDMapDiff } from '../../src/lib/osdmap/diff.js';
import type { VerifyJson } from '../../src/commands/osdmap/verify.js';
import { toJson } from '../../src/lib/render/json.js';
import { MonStore } from '../../src/lib/store/index.js';
import { FIXTURE_FSID, extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

async function storedValue(mon: string, prefix: string, key: string): Promise<Uint8Array> {
  return MonStore.with(mon, {}, (s) => s.require(prefix, key));
}

describe.each(['rocksdb', 'leveldb'] as const)('osdmap commands on the %s fixture', (backend) => {
  const tmp = tempDir(`osdmap-${backend}`);
  let mon = '';
  const file = (name: string): string => join(tmp.dir, name);
  beforeAll(() => {
    mon = extractFixture(backend);
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('osdmap get writes the stored osdmap/full_N bytes (default: last_committed)', async () => {
    const r = await runCommand(OsdmapGet, ['-s', mon, '--epoch', '20', '-o', file('full.20')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`wrote osdmap epoch 20 (${readFileSync(file('full.20')).length} bytes) to ${file('full.20')}\n`);
    expect(Buffer.from(readFileSync(file('full.20'))).equals(Buffer.from(await storedValue(mon, 'osdmap', 'full_20')))).toBe(true);
    const last = await runCommand<{ epoch: number; key: string }>(OsdmapGet, ['-s', mon, '-o', file('full.last'), '--json']);
    expect(last.result).toMatchObject({ epoch: 31, key: 'osdmap/full_31' });
    expect(Buffer.from(readFileSync(file('full.last'))).equals(Buffer.from(await storedValue(mon, 'osdmap', 'full_31')))).toBe(true);
  });

  it('a missing epoch is KEY_NOT_FOUND naming the key and the stored range', async () => {
    const r = await runCommand(OsdmapGet, ['-s', mon, '--epoch', '99', '-o', file('nope')]);
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toContain('KEY_NOT_FOUND (key osdmap/full_99): no full OSDMap for epoch 99 in the store: the store has epochs 1 to 31');
  });

  it('osdmap print: osdmaptool --print text, the same from the store and from a file', async () => {
    const r = await runCommand(OsdmapPrint, ['-s', mon]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['epoch 31', `fsid ${FIXTURE_FSID}`]);
    expect(lines).toContain('flags noout,sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit');
    expect(r.stdout).toMatch(/^pool 1 'rbd' replicated size 3 min_size 2 crush_rule 0 object_hash rjenkins pg_num 32 pgp_num 32 /m);
    expect(r.stdout).toMatch(/^pool 2 'ecpool' erasure profile ec21 size 3 min_size 2 /m);
    expect(r.stdout).toContain('\nmax_osd 6\n');
    expect(r.stdout).toMatch(/^osd\.3 down out weight 0 /m);
    expect(r.stdout).toMatch(/^osd\.4 down in  weight 1 primary_affinity 0\.5 /m);
    expect(r.stdout.endsWith('\n\npg_upmap_items 1.0 [0,1]\n')).toBe(true);
    await runCommand(OsdmapGet, ['-s', mon, '-o', file('full.31')]);
    const fromFile = await runCommand(OsdmapPrint, ['--osdmap', file('full.31')]);
    expect(fromFile.stdout).toBe(r.stdout);
    const json = await runCommand(OsdmapPrint, ['-s', mon, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(toJson(dumpOSDMap(decodeOSDMap(readFileSync(file('full.31')))))));
  });

  it('osdmap print refuses --osdmap with --store', async () => {
    const r = await runCommand(OsdmapPrint, ['-s', mon, '--osdmap', file('full.31')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('BAD_ARGUMENT');
  });

  it('osdmap tree: the osd tree table; --json has nodes and stray', async () => {
    const r = await runCommand(OsdmapTree, ['-s', mon]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('ID  CLASS  WEIGHT   TYPE NAME       STATUS  REWEIGHT  PRI-AFF');
    expect(lines[1]).toBe('-1         5.79999  root default                             ');
    expect(lines).toContain(' 3         1.00000          osd.3     down         0  1.00000');
    expect(lines).toContain(' 4         1.00000          osd.4     down   1.00000  0.50000');
    const j = await runCommand<{ nodes: Record<string, unknown>[]; stray: unknown[] }>(OsdmapTree, ['-s', mon, '--epoch', '31', '--json']);
    const parsed = JSON.parse(j.stdout) as { nodes: Record<string, unknown>[]; stray: unknown[] };
    expect(parsed.stray).toEqual([]);
    expect(parsed.nodes[0]).toMatchObject({ id: -1, name: 'default', type: 'root' });
    expect(parsed.nodes.find((n) => n.id === 5)).toMatchObject({ name: 'osd.5', exists: 1, status: 'down', reweight: 0, primary_affinity: 1 });
  });

  it('osdmap dump: one line of osdmaptool --dump json', async () => {
    const r = await runCommand(OsdmapDump, ['-s', mon, '--epoch', '20']);
    expect(r.stdout.split('\n')).toHaveLength(2);
    const j = JSON.parse(r.stdout) as { epoch: number; pools: unknown[] };
    expect(j.epoch).toBe(20);
  });

  it('osdmap verify: every epoch rebuilt from the incrementals matches', async () => {
    const r = await runCommand<VerifyJson>(OsdmapVerify, ['-s', mon]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('verified epochs 1..31: 30 full maps rebuilt from incrementals, all bytes and CRCs match\n');
    const part = await runCommand(OsdmapVerify, ['-s', mon, '--from', '10', '--to', '12', '--json']);
    expect(JSON.parse(part.stdout)).toEqual({ from: 10, to: 12, rebuilt: 2, missing_full: [], ok: true });
    const bad = await runCommand(OsdmapVerify, ['-s', mon, '--from', '0']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('cannot verify epochs 0..31: the store has epochs 1 to 31');
  });

  it('osdmap verify: a flipped byte in osdmap/full_20 is the first mismatch, at its offset', async () => {
    const copy = extractFixture(backend);
    const full20 = Buffer.from(await storedValue(copy, 'osdmap', 'full_20'));
    full20[200] = full20[200]! ^ 0x01;
    writeFileSync(file('full_20.bad'), full20);
    expect((await runCommand(StoreSet, ['osdmap', 'full_20', '--in', file('full_20.bad'), '-s', copy, '--no-backup'])).exitCode).toBe(0);
    const r = await runCommand(OsdmapVerify, ['-s', copy]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^MISMATCH at epoch 20 \(osdmap\/full_20\): first differing byte at offset 200 \(stored (\d+) bytes, rebuilt \1 bytes\)\n/);
    expect(r.stdout).toMatch(/stored CRC 0x[0-9a-f]{8} \(computed over the stored bytes: 0x[0-9a-f]{8}\), rebuilt CRC 0x[0-9a-f]{8}, incremental full_crc 0x[0-9a-f]{8}/);
    expect(r.stdout).toContain('epochs 2..19 matched (18 full maps)');
    const j = await runCommand(OsdmapVerify, ['-s', copy, '--json']);
    expect(j.exitCode).toBe(1);
    const report = JSON.parse(j.stdout) as VerifyJson;
    expect(report.ok).toBe(false);
    expect(Object.keys(report.mismatch!)).toEqual(['epoch', 'key', 'reason', 'offset', 'stored_length', 'rebuilt_length', 'stored_crc', 'stored_computed_crc', 'rebuilt_crc', 'inc_full_crc']);
    expect(report.mismatch).toMatchObject({ epoch: 20, key: 'osdmap/full_20', reason: 'bytes', offset: 200 });
    expect(report.mismatch!.rebuilt_crc).toBe(report.mismatch!.inc_full_crc);
    expect(report.mismatch!.stored_computed_crc).not.toBe(report.mismatch!.stored_crc);
    // Up to epoch 19 the history is intact.
    expect((await runCommand(OsdmapVerify, ['-s', copy, '--to', '19'])).exitCode).toBe(0);
  });

  it('osdmap diff 1 31: pools, the upmap, osd.3 and osd.5 out, noout', async () => {
    const r = await runCommand(OsdmapDiff, ['-s', mon, '1', '31']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('osdmap e1 -> e31');
    expect(lines).toContain('flags +noout (now noout,sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit)');
    expect(lines).toContain("pool 1 'rbd' added");
    expect(lines).toContain("pool 2 'ecpool' added");
    expect(lines).toContain('pg_upmap_items 1.0 added [0,1]');
    expect(lines).toContain('osd.3 created: down out weight 0');
    expect(lines).toContain('osd.5 created: down out weight 0');
    expect(lines).toContain('osd.4 created: down in weight 1 primary_affinity 0.5');
    expect(lines).toContain('max_osd 0 -> 6');
    const j = await runCommand(OsdmapDiff, ['-s', mon, '1', '31', '--json']);
    const d = JSON.parse(j.stdout) as OSDMapDiff;
    expect(d.flags.added).toEqual(['noout']);
    expect(d.pools.added).toEqual([{ pool: 1, name: 'rbd' }, { pool: 2, name: 'ecpool' }]);
    expect(d.crush.changed).toBe(true);
    expect(d.osds.filter((o) => !o.to.in).map((o) => o.osd)).toEqual([3, 5]);
    const same = await runCommand(OsdmapDiff, ['-s', mon, '31', '31']);
    expect(same.stdout).toBe('osdmap e31 -> e31\nno changes\n');
  });

  it('osdmap diff of neighbouring epochs names pool fields; files work too', async () => {
    const r = await runCommand(OsdmapDiff, ['-s', mon, '20', '21']);
    expect(r.stdout).toContain("pool 1 'rbd' changed: last_change 20 -> 21, application_metadata {} -> {\"rbd\":{}}");
    await runCommand(OsdmapGet, ['-s', mon, '--epoch', '20', '-o', file('d20')]);
    await runCommand(OsdmapGet, ['-s', mon, '--epoch', '21', '-o', file('d21')]);
    const f = await runCommand(OsdmapDiff, ['--from-file', file('d20'), '--to-file', file('d21')]);
    expect(f.stdout).toBe(r.stdout);
  });

  it('osdmap inc show 2: the decoded incremental, as text and JSON', async () => {
    const r = await runCommand(OsdmapIncShow, ['-s', mon, '2']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^osdmap incremental e2 fsid ${FIXTURE_FSID} modified \\S+ full_crc 0x[0-9a-f]{8}$`));
    expect(lines).toContain('  max_osd 1');
    expect(lines).toContain('  osd.0 weight 1 (in)');
    const j = await runCommand(OsdmapIncShow, ['-s', mon, '2', '--json']);
    const inc = JSON.parse(j.stdout) as Record<string, unknown>;
    expect(inc).toMatchObject({ epoch: 2, fsid: FIXTURE_FSID, new_max_osd: 1, new_weight: [{ osd: 0, weight: 65536 }] });
    expect(inc).not.toHaveProperty('full_map');
    const one = await runCommand(OsdmapIncShow, ['-s', mon, '1']);
    expect(one.stdout).toMatch(/\n {2}full map: \d+ bytes\n/);
  });

  it('osdmap apply-inc: full_30 + inc 31 = full_31; a wrong base is refused unless --force', async () => {
    await runCommand(OsdmapGet, ['-s', mon, '--epoch', '30', '-o', file('a30')]);
    await runCommand(OsdmapGet, ['-s', mon, '--epoch', '29', '-o', file('a29')]);
    writeFileSync(file('inc31'), await storedValue(mon, 'osdmap', '31'));
    const r = await runCommand(OsdmapApplyInc, ['--base', file('a30'), '--inc', file('inc31'), '-o', file('a31')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^applied incremental e31 to e30: wrote \d+ bytes to .*, CRC 0x[0-9a-f]{8} = full_crc\n$/);
    expect(Buffer.from(readFileSync(file('a31'))).equals(Buffer.from(await storedValue(mon, 'osdmap', 'full_31')))).toBe(true);
    const wrong = await runCommand(OsdmapApplyInc, ['--base', file('a29'), '--inc', file('inc31'), '-o', file('w31')]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('incremental epoch 31 does not follow full map epoch 29');

    // A base that differs from the cluster's (osd.0 reweighted) gives a map with another CRC.
    const altered = decodeOSDMap(readFileSync(file('a30')));
    altered.osdWeight[0] = 0x8000;
    writeFileSync(file('x30'), encodeOSDMap(altered));
    const crc = await runCommand(OsdmapApplyInc, ['--base', file('x30'), '--inc', file('inc31'), '-o', file('x31')]);
    expect(crc.exitCode).toBe(1);
    expect(crc.stderr).toMatch(/CHECK_FAILED: the rebuilt map of epoch 31 has CRC 0x[0-9a-f]{8}, but the incremental says full_crc 0x[0-9a-f]{8}/);
    expect(existsSync(file('x31'))).toBe(false);
    const forced = await runCommand(OsdmapApplyInc, ['--base', file('x30'), '--inc', file('inc31'), '-o', file('x31'), '--force', '--json']);
    expect(forced.exitCode).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ epoch: 31, crc_matches: false });
    expect(decodeOSDMap(readFileSync(file('x31'))).osdWeight[0]).toBe(0x8000);
  });
});
