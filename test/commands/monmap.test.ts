import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MonmapGet from '../../src/commands/monmap/get.js';
import MonmapPrint from '../../src/commands/monmap/print.js';
import StoreDump from '../../src/commands/store/dump.js';
import StoreGet from '../../src/commands/store/get.js';
import { Reader } from '../../src/lib/encoding/index.js';
import { MonctlError } from '../../src/lib/errors.js';
import { decodeMonMap, emptyMonMap, printMonMap, type MonMap } from '../../src/lib/monmap/index.js';
import { DISALLOWED_LEADERS_KEY, dumpMonMap, formatUTimeGmt, monFeatureNames, summarizeMonMap } from '../../src/lib/monmap/dump.js';
import { decodeStoredMonMap, readMonMap } from '../../src/lib/mon/monmap/store.js';
import { parseEntityAddrvec } from '../../src/lib/msg/index.js';
import { MonStore } from '../../src/lib/store/index.js';
import { FIXTURE_FSID, extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree, tempDir } from '../helpers/stores.js';

/** The committed fixture stores hold monmap epoch 1: one mon, `a`, msgr2 only on 127.0.0.1. */
const MON_LINE = /^0: v2:127\.0\.0\.1:\d+\/0 mon\.a$/;

describe.each(['rocksdb', 'leveldb'] as const)('monmap commands on the %s fixture', (backend) => {
  const tmp = tempDir(`monmap-${backend}`);
  let mon = '';
  beforeAll(() => {
    mon = extractFixture(backend);
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('monmap print: monmaptool --print text under a header naming the store key', async () => {
    const r = await runCommand(MonmapPrint, ['-s', mon]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['monctl: monmap key monmap/1', 'epoch 1', `fsid ${FIXTURE_FSID}`]);
    expect(lines[3]).toMatch(/^last_changed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
    expect(lines.slice(5, 7)).toEqual(['min_mon_release 16 (pacific)', 'election_strategy: 1']);
    expect(lines[7]).toMatch(MON_LINE);
    expect(lines).toHaveLength(8);
    const e1 = await runCommand(MonmapPrint, ['-s', mon, '--epoch', '1']);
    expect(e1.stdout).toBe(r.stdout);
  });

  it('monmap print --json has the fields of ceph mon dump -f json', async () => {
    const r = await runCommand(MonmapPrint, ['-s', mon, '--json']);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      'epoch',
      'fsid',
      'modified',
      'created',
      'min_mon_release',
      'min_mon_release_name',
      'election_strategy',
      'disallowed_leaders: ',
      'stretch_mode',
      'tiebreaker_mon',
      'removed_ranks: ',
      'features',
      'mons',
    ]);
    expect(j).toMatchObject({
      epoch: 1,
      fsid: FIXTURE_FSID,
      min_mon_release: 16,
      min_mon_release_name: 'pacific',
      election_strategy: 1,
      stretch_mode: false,
      features: { persistent: ['kraken', 'luminous', 'mimic', 'osdmap-prune', 'nautilus', 'octopus', 'pacific', 'elector-pinging'], optional: [] },
    });
    expect(j.modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const mons = j.mons as Record<string, unknown>[];
    expect(mons).toHaveLength(1);
    expect(Object.keys(mons[0]!)).toEqual(['rank', 'name', 'public_addrs', 'addr', 'public_addr', 'priority', 'weight', 'crush_location']);
    expect(mons[0]).toMatchObject({ rank: 0, name: 'a', priority: 0, weight: 0, crush_location: '{}' });
    expect(mons[0]!.addr).toMatch(/^127\.0\.0\.1:\d+\/0$/);
  });

  it('monmap get writes the raw monmap/<epoch> bytes; print --monmap on that file is monmaptool --print', async () => {
    const out = join(tmp.dir, 'monmap.bin');
    const r = await runCommand(MonmapGet, ['-s', mon, '-o', out]);
    expect(r.stdout).toBe(`wrote monmap epoch 1 to ${out}\n`);
    const raw = join(tmp.dir, 'raw.bin');
    await runCommand(StoreGet, ['monmap', '1', '-s', mon, '-o', raw]);
    expect(readFileSync(out).equals(readFileSync(raw))).toBe(true);
    const j = await runCommand(MonmapGet, ['-s', mon, '-o', out, '--epoch', '1', '--json']);
    expect(JSON.parse(j.stdout)).toEqual({ epoch: 1, key: 'monmap/1', length: readFileSync(raw).length, out });

    const fromStore = await runCommand(MonmapPrint, ['-s', mon]);
    const fromFile = await runCommand(MonmapPrint, ['--monmap', out]);
    expect(fromFile.stdout.split('\n')[0]).toBe(`monmaptool: monmap file ${out}`);
    expect(fromFile.stdout.split('\n').slice(1)).toEqual(fromStore.stdout.split('\n').slice(1));
    const fileJson = await runCommand(MonmapPrint, ['--monmap', out, '--json']);
    const storeJson = await runCommand(MonmapPrint, ['-s', mon, '--json']);
    expect(fileJson.stdout).toBe(storeJson.stdout);
  });

  it('a missing epoch is KEY_NOT_FOUND naming the key and the range the store has', async () => {
    const r = await runCommand(MonmapPrint, ['-s', mon, '--epoch', '5']);
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toContain('KEY_NOT_FOUND (key monmap/5): no monmap epoch 5 in the store: the store has epochs 1 to 1');
    const out = join(tmp.dir, 'none.bin');
    const g = await runCommand(MonmapGet, ['-s', mon, '--epoch', '5', '-o', out, '--json']);
    expect(g.exitCode).toBe(6);
    expect(JSON.parse(g.stdout).error).toMatchObject({ code: 'KEY_NOT_FOUND', key: 'monmap/5' });
    expect(existsSync(out)).toBe(false);
    const bad = await runCommand(MonmapPrint, ['-s', mon, '--epoch', 'latest']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('BAD_ARGUMENT');
  });

  it('store dump --decode summarises monmap/<epoch>', async () => {
    const r = await runCommand(StoreDump, ['-s', mon, '--prefix', 'monmap', '--decode']);
    expect(r.stdout).toMatch(/^monmap\t1\t\(\d+ bytes\)\tMonMap: epoch 1, 1 mons: a$/m);
    expect(r.stdout).toContain('monmap\tlast_committed\t(8 bytes)\t1\n');
    const j = await runCommand(StoreDump, ['-s', mon, '--prefix', 'monmap', '--key', '1', '--decode', '--json']);
    const [entry] = JSON.parse(j.stdout) as { value: { decoder: string; value: { epoch: number } } }[];
    expect(entry!.value.decoder).toBe('MonMap');
    expect(entry!.value.value.epoch).toBe(1);
  });

  it('reading leaves the store byte-identical', async () => {
    const before = hashTree(mon);
    await runCommand(MonmapPrint, ['-s', mon]);
    await runCommand(MonmapGet, ['-s', mon, '-o', join(tmp.dir, 'x.bin')]);
    expect(hashTree(mon)).toEqual(before);
  });

  it('readMonMap returns epoch, key, bytes and the decoded map', async () => {
    const m = await MonStore.with(mon, {}, (s) => readMonMap(s));
    expect(m.epoch).toBe(1);
    expect(m.key).toBe('monmap/1');
    expect(m.map.ranks).toEqual(['a']);
    expect(decodeMonMap(new Reader(m.bytes))).toEqual(m.map);
  });
});

describe('monmap print --monmap and flag handling', () => {
  const tmp = tempDir('monmap-file');
  afterAll(() => tmp.cleanup());

  it('--monmap with --store is refused; $MONCTL_STORE alone does not conflict', async () => {
    const file = join(tmp.dir, 'mm');
    writeFileSync(file, new Uint8Array(0));
    const both = await runCommand(MonmapPrint, ['--monmap', file, '-s', tmp.dir]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--monmap and --store cannot be used together');
    process.env.MONCTL_STORE = tmp.dir;
    try {
      const envOnly = await runCommand(MonmapPrint, ['--monmap', file]);
      expect(envOnly.stderr).toMatch(/^monctl: DECODE_TRUNCATED/); // the empty file, not the flag clash
    } finally {
      delete process.env.MONCTL_STORE;
    }
  });

  it('a missing file is IO_ERROR; a truncated monmap is a decode error', async () => {
    const missing = await runCommand(MonmapPrint, ['--monmap', join(tmp.dir, 'nope')]);
    expect(missing.exitCode).toBe(4);
    expect(missing.stderr).toContain('IO_ERROR');
    const file = join(tmp.dir, 'short');
    writeFileSync(file, Buffer.from([9, 6, 200, 0, 0, 0]));
    const r = await runCommand(MonmapPrint, ['--monmap', file]);
    expect(r.exitCode).toBe(7);
  });

  it('-o is required for monmap get', async () => {
    const r = await runCommand(MonmapGet, ['-s', tmp.dir]);
    expect(r.exitCode).toBe(2);
  });
});

describe('MonMap dump and store helpers', () => {
  function sample(): MonMap {
    const m = emptyMonMap('6d3f2a1e-8a4b-4c1e-9a57-0b5c3e2d1f00');
    m.epoch = 3;
    m.lastChanged = { sec: 1700000000, nsec: 5_000 };
    m.created = { sec: 12, nsec: 340_000_000 };
    m.minMonRelease = 17;
    m.persistentFeatures = (1n << 0n) | (1n << 7n) | (1n << 8n) | (1n << 63n);
    m.strategy = 2;
    m.disallowedLeaders = ['c', 'b'];
    m.removedRanks = [3, 1];
    for (const [name, addr] of [
      ['b', '[v2:10.0.0.2:3300/0,v1:10.0.0.2:6789/0]'],
      ['c', 'v2:[::1]:3300/7'],
    ] as const) {
      m.monInfo.set(name, { name, publicAddrs: parseEntityAddrvec(addr), priority: 1, weight: 10, crushLoc: new Map() });
    }
    m.monInfo.get('c')!.crushLoc = new Map([
      ['host', 'h'],
      ['datacenter', 'd'],
    ]);
    m.ranks = ['c', 'b'];
    return m;
  }

  it('dumps with Ceph\'s names, quirks and formats', () => {
    // As Pacific's `ceph mon dump` (Tentacle's differs: osdmap-releases-mon conformance).
    const d = dumpMonMap(sample(), 16);
    expect(d.modified).toBe('2023-11-14T22:13:20.000005Z');
    expect(d.created).toBe('12.340000');
    expect(d.min_mon_release_name).toBe('unknown');
    expect(d[DISALLOWED_LEADERS_KEY]).toBe('b,c');
    expect(d['removed_ranks: ']).toBe('1,3');
    expect(d.features.persistent).toEqual(['kraken', 'elector-pinging', 'unknown', 'reserved']);
    expect(d.mons[0]).toEqual({
      rank: 0,
      name: 'c',
      public_addrs: { addrvec: [{ type: 'v2', addr: '[::1]:3300', nonce: 7 }] },
      addr: '[::1]:3300/7',
      public_addr: '[::1]:3300/7',
      priority: 1,
      weight: 10,
      crush_location: '{datacenter=d,host=h}',
    });
    expect(d.mons[1]!.addr).toBe('10.0.0.2:6789/0');
    expect(summarizeMonMap(sample())).toBe('epoch 3, 2 mons: c,b');
    expect(printMonMap(sample())).toContain('0: v2:[::1]:3300/7 mon.c; crush_location {datacenter=d,host=h}\n');
  });

  it('names Pacific\'s mon features and nothing newer', () => {
    expect(monFeatureNames(0xffn)).toEqual(['kraken', 'luminous', 'mimic', 'osdmap-prune', 'nautilus', 'octopus', 'pacific', 'elector-pinging']);
    expect(monFeatureNames(0n)).toEqual([]);
    expect(formatUTimeGmt({ sec: 0, nsec: 0 })).toBe('0.000000');
  });

  it('decode errors carry the store key', () => {
    let err: unknown;
    try {
      decodeStoredMonMap(new Uint8Array([9, 6, 200, 0, 0, 0]), 'monmap/3');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MonctlError);
    expect((err as MonctlError).key).toBe('monmap/3');
    expect((err as MonctlError).describe()).toMatch(/^DECODE_\w+ \(key monmap\/3/);
  });
});
