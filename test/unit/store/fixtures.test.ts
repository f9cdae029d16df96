import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PaxosShow from '../../../src/commands/paxos/show.js';
import PaxosVersions from '../../../src/commands/paxos/versions.js';
import StoreCheck from '../../../src/commands/store/check.js';
import StoreCrc from '../../../src/commands/store/crc.js';
import StoreDump from '../../../src/commands/store/dump.js';
import StoreGet from '../../../src/commands/store/get.js';
import StoreList from '../../../src/commands/store/list.js';
import StoreStats from '../../../src/commands/store/stats.js';
import StoreVersions from '../../../src/commands/store/versions.js';
import { extractFixture, GOLDEN_DIR, removeTempDirs } from '../../helpers/ceph.js';
import { goldenChecks } from '../../helpers/golden.js';
import { runCommand } from '../../helpers/run-command.js';
import { hashTree } from '../../helpers/stores.js';

/** The committed real stores (made by a real ceph-mon) against the committed tool answers. */
describe.each(['leveldb', 'rocksdb'] as const)('committed %s fixture', (backend) => {
  let mon = '';
  beforeAll(() => {
    mon = extractFixture(backend);
  });
  afterAll(() => removeTempDirs());

  goldenChecks(
    () => mon,
    () => join(GOLDEN_DIR, backend),
  );

  it('store check finds no problem in a real store', async () => {
    const r = await runCommand(StoreCheck, ['-s', mon, '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, problems: [] });
  });

  it('store dump --decode shows full OSDMaps, MonMaps and paxos transactions', async () => {
    const r = await runCommand(StoreDump, ['-s', mon, '--prefix', 'osdmap', '--key', 'full_31', '--decode', '--json']);
    const [entry] = JSON.parse(r.stdout);
    expect(entry.value).toMatchObject({ type: 'decoded', decoder: 'OSDMap', value: { epoch: 31, max_osd: 6 } });
    expect(entry.value.value.pools.map((p: { pool_name: string }) => p.pool_name)).toEqual(['rbd', 'ecpool']);
    const text = await runCommand(StoreDump, ['-s', mon, '--decode']);
    expect(text.stdout).toMatch(/^osdmap\tfull_31\t\(\d+ bytes\)\tOSDMap: epoch 31, max_osd 6 \(0 up, 4 in\), 2 pools, crc 0x[0-9a-f]{8}$/m);
    expect(text.stdout).toMatch(/^monmap\t1\t\(\d+ bytes\)\tMonMap: epoch 1, 1 mons: a$/m);
    expect(text.stdout).toMatch(/^osdmap\t2\t\(\d+ bytes\)\tOSDMap::Incremental: epoch 2, \d+ changes, full_crc 0x[0-9a-f]{8}$/m);
    expect(text.stdout).not.toContain('decoded: error');
    expect(text.stdout).not.toMatch(/\terror: /);
  });

  it('every read command leaves every file of the store byte-identical', async () => {
    const before = hashTree(mon);
    const reads = [
      [StoreList, []],
      [StoreList, ['--json']],
      [StoreCrc, []],
      [StoreDump, []],
      [StoreDump, ['--json']],
      [StoreStats, []],
      [StoreCheck, []],
      [StoreVersions, []],
      [PaxosShow, ['--json']],
      [PaxosVersions, []],
      [StoreGet, ['osdmap', 'full_31']],
    ] as const;
    for (const [cmd, args] of reads) {
      await runCommand(cmd, [...args, '-s', mon]);
      expect(hashTree(mon), `${cmd.name} ${args.join(' ')}`).toEqual(before);
    }
  });
});

/**
 * The committed stores of later releases (Reef 18.2.7 and Tentacle 20.2.4: RocksDB 7.9 with
 * XXH3 tables), against the answers of those releases' own tools, made by the same script.
 */
describe.each(['reef', 'tentacle'] as const)('committed %s fixture', (release) => {
  let mon = '';
  beforeAll(() => {
    mon = extractFixture(release);
  });
  afterAll(() => removeTempDirs());

  goldenChecks(
    () => mon,
    () => join(GOLDEN_DIR, release),
  );

  it('store check finds no problem, and reads leave every file byte-identical', async () => {
    const before = hashTree(mon);
    const r = await runCommand(StoreCheck, ['-s', mon, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, problems: [] });
    for (const [cmd, args] of [[StoreList, []], [StoreCrc, []], [StoreDump, ['--decode']], [StoreStats, []], [PaxosShow, ['--json']], [StoreVersions, []]] as const) {
      const out = await runCommand(cmd, [...args, '-s', mon]);
      expect(out.exitCode, `${cmd.name}: ${out.stderr}`).toBe(0);
      expect(hashTree(mon), `${cmd.name} ${args.join(' ')}`).toEqual(before);
    }
  });
});
