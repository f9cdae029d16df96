/**
 * The OSDMap histories of the Reef (18.2.7) and Tentacle (20.2) fixture stores
 * (test/fixtures/mon-reef.tar.gz, mon-tentacle.tar.gz; commands in test/fixtures/maps/*-history.txt),
 * and of the Pacific ones: every epoch rebuilds byte for byte from the incrementals, the features
 * each incremental records are what osdmapEncodingFeatures computes from require_osd_release, a
 * decoded map or incremental re-encodes as it was without features, and an edit on top writes
 * the encodings the release's monitor writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SetFlag from '../../../src/commands/osdmap/edit/set-flag.js';
import IncShow from '../../../src/commands/osdmap/inc/show.js';
import PgDumpMap from '../../../src/commands/pg/dump-map.js';
import OsdmapVerify from '../../../src/commands/osdmap/verify.js';
import { applyIncremental, decodeIncremental, decodeOSDMap, effectiveRequireOsdRelease, encodeIncremental, encodeOSDMap, osdmapEncodingFeatures, printOSDMap, RELEASE, releaseFromName, releaseName } from '../../../src/lib/osdmap/index.js';
import { readBalanceScore } from '../../../src/lib/osdmap/read-balance.js';
import { MonStore } from '../../../src/lib/store/index.js';
import { extractFixture, FIXTURES_DIR, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';
import { runCommand } from '../../helpers/run-command.js';
import { verifyHistory, verifyHistoryParallel } from '../../../src/lib/mon/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Epoch {
  epoch: number;
  incBytes: Uint8Array;
  fullBytes: Uint8Array;
}

async function readHistory(mon: string): Promise<Epoch[]> {
  return MonStore.with(mon, {}, async (s) => {
    const first = Number((await s.getVersion('osdmap', 'first_committed')) ?? 0n);
    const last = Number((await s.getVersion('osdmap', 'last_committed')) ?? 0n);
    const out: Epoch[] = [];
    for (let e = first; e <= last; e++) {
      out.push({ epoch: e, incBytes: await s.require('osdmap', String(e)), fullBytes: await s.require('osdmap', `full_${e}`) });
    }
    return out;
  });
}

afterAll(() => removeTempDirs());

describe('release names', () => {
  it('names ceph_release_t through umbrella (21), and nothing after it', () => {
    expect([17, 18, 19, 20, 21].map(releaseName)).toEqual(['quincy', 'reef', 'squid', 'tentacle', 'umbrella']);
    expect(releaseName(16)).toBe('pacific');
    expect(releaseName(22)).toBe('unknown');
    expect(releaseName(0xff)).toBe('unknown');
    expect(['reef', 'squid', 'tentacle', 'umbrella', 'vN'].map(releaseFromName)).toEqual([18, 19, 20, 21, 0]);
  });

  it('OSDMap::get_encoding_features for every release from Pacific to Tentacle', () => {
    const f = (r: number) => `0x${osdmapEncodingFeatures(r).toString(16).padStart(16, '0')}`;
    expect([RELEASE.PACIFIC, RELEASE.QUINCY].map(f)).toEqual(['0x0f00088010212a04', '0x0f00088010212a04']);
    expect([RELEASE.REEF, RELEASE.SQUID].map(f)).toEqual(['0x0f00088090212a04', '0x0f00088090212a04']);
    expect([RELEASE.TENTACLE, RELEASE.UMBRELLA].map(f)).toEqual(['0x0f04088090212a04', '0x0f04088090212a04']);
  });
});

const STORES: Array<[FixtureName, number, string]> = [
  ['reef', 71, 'verified epochs 1..71: 70 full maps rebuilt from incrementals, all bytes and CRCs match\n'],
  ['tentacle', 96, 'verified epochs 1..96: 95 full maps rebuilt from incrementals, all bytes and CRCs match\n'],
  ['rocksdb', 31, 'verified epochs 1..31: 30 full maps rebuilt from incrementals, all bytes and CRCs match\n'],
  ['leveldb', 31, 'verified epochs 1..31: 30 full maps rebuilt from incrementals, all bytes and CRCs match\n'],
];

describe.each(STORES)('the %s fixture store', (name, last, verified) => {
  let mon: string;
  let history: Epoch[];
  beforeAll(async () => {
    mon = extractFixture(name);
    history = await readHistory(mon);
  });

  it('osdmap verify: every epoch rebuilt from the incrementals matches (library, both verifiers, and the command)', async () => {
    const report = await MonStore.with(mon, {}, (s) => verifyHistory(s));
    expect(report).toEqual({ from: 1, to: last, rebuilt: last - 1, missingFull: [], ok: true });
    const parallel = await MonStore.with(mon, {}, (s) => verifyHistoryParallel(s, { threads: 2, minEpochs: 2 }));
    expect(parallel.ok).toBe(true);
    const r = await runCommand(OsdmapVerify, ['-s', mon]);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, verified, '']);
  });

  it('each incremental records the features get_encoding_features gives for its map’s require_osd_release', () => {
    for (const { epoch, incBytes, fullBytes } of history) {
      const release = effectiveRequireOsdRelease(decodeOSDMap(fullBytes));
      expect(`e${epoch} 0x${decodeIncremental(incBytes).encodeFeatures.toString(16)}`).toBe(`e${epoch} 0x${osdmapEncodingFeatures(release).toString(16)}`);
    }
  });

  it('decode → encode without features gives every stored full map and incremental back', () => {
    for (const { epoch, incBytes, fullBytes } of history) {
      expect(hex(encodeOSDMap(decodeOSDMap(fullBytes))), `full_${epoch}`).toBe(hex(fullBytes));
      const inc = decodeIncremental(incBytes);
      expect(hex(encodeIncremental(inc)), `inc ${epoch}`).toBe(hex(incBytes));
      // The monitor's own encoding: the same bytes from the recorded features.
      expect(hex(encodeIncremental(inc, inc.encodeFeatures)), `inc ${epoch} with its features`).toBe(hex(incBytes));
    }
  });
});

describe('Reef and Tentacle encodings', () => {
  it('Reef: client v9 / Incremental v8 until require_osd_release reef, then v10 / v9; inc show names the release', async () => {
    const mon = extractFixture('reef');
    const history = await readHistory(mon);
    const versions = (e: number) => {
      const h = history.find((x) => x.epoch === e)!;
      return [decodeOSDMap(h.fullBytes).clientV, decodeIncremental(h.incBytes).clientV];
    };
    expect(versions(33)).toEqual([9, 8]);
    expect(versions(34)).toEqual([10, 9]);
    const show = async (e: number) => (await runCommand(IncShow, [String(e), '-s', mon])).stdout.split('\n').slice(1).join('\n');
    expect(await show(34)).toBe('  require_osd_release reef\n');
    expect(await show(65)).toBe('  pg_upmap_primary 1.1 4\n');
    expect(await show(68)).toBe('  osd.0 up_thru 67\n  pg_upmap_primary 1.2 removed\n');
    expect(await show(71)).toMatch(/^ {2}range blocklist cidr:192\.168\.1\.0:0\/24 expires \S+\n$/);
  });

  it('18.2.0/18.2.1 wrote the Reef sections whatever the features: an Incremental at client v9 without SERVER_REEF gives a v10 full map', async () => {
    const history = await readHistory(extractFixture('reef'));
    const base = decodeOSDMap(history.find((h) => h.epoch === 19)!.fullBytes);
    const inc = decodeIncremental(history.find((h) => h.epoch === 20)!.incBytes);
    expect([base.clientV, inc.clientV, osdmapEncodingFeatures(effectiveRequireOsdRelease(base)) === inc.encodeFeatures]).toEqual([9, 8, true]);
    expect(applyIncremental(base, inc).clientV).toBe(9);
    const early = { ...inc, clientV: 9 };
    const applied = applyIncremental(base, early);
    expect(applied.clientV).toBe(10);
    expect(decodeOSDMap(encodeOSDMap(applied, inc.encodeFeatures)).clientV).toBe(10);
    expect(decodeIncremental(encodeIncremental(early, inc.encodeFeatures)).clientV).toBe(9);
  });

  it('Tentacle: pools at v32 keep nonprimary_shards; the full map’s CRUSH has no msr tunables, the incremental’s has', async () => {
    const mon = extractFixture('tentacle');
    const history = await readHistory(mon);
    const last = decodeOSDMap(history.at(-1)!.fullBytes);
    expect([...last.pools.values()].map((p) => [p.structV, p.nonprimaryShards, p.tail])).toEqual([
      [32, [], undefined],
      [32, [1], undefined],
      [32, [], undefined],
    ]);
    const crushEpoch = history.find((h) => h.epoch === 3)!;
    expect(decodeIncremental(crushEpoch.incBytes).crush.length - decodeOSDMap(crushEpoch.fullBytes).crushBytes.length).toBe(8);
  });

  it('Reef: osdmap print is Reef’s osdmaptool --print, read balance score included', () => {
    const map = decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', 'reef-osdmap.bin')));
    expect(printOSDMap(map)).toBe(readFileSync(join(FIXTURES_DIR, 'maps', 'reef-osdmap.print.txt'), 'utf8'));
    // The read_balance object of Reef's `--dump json` for the pool, field by field.
    const { rc, info } = readBalanceScore(map, 1);
    expect([rc, info.actingAdjScore, info.adjustedScore, info.optimalScore, info.rawScore, info.actingRawScore]).toEqual([
      0, 1.7000000476837158, 1.7000000476837158, 0.8299999833106995, 1.409999966621399, 1.409999966621399,
    ]);
    expect([info.paWeighted, info.paAvg, info.paWeightedAvg]).toEqual([0.9137929677963257, 0.9200000166893005, 0.9100000262260437]);
  });

  it('Tentacle: osdmap print is Tentacle’s osdmaptool --print, the size-aware score of the pool with read_ratio included', () => {
    const map = decodeOSDMap(readFileSync(join(FIXTURES_DIR, 'maps', 'tentacle-osdmap.bin')));
    expect(printOSDMap(map)).toBe(readFileSync(join(FIXTURES_DIR, 'maps', 'tentacle-osdmap.print.txt'), 'utf8'));
  });

  it.each(['reef', 'tentacle'] as const)('%s: pg dump-map is the release’s osdmaptool --test-map-pgs-dump', async (release) => {
    const r = await runCommand(PgDumpMap, ['--osdmap', join(FIXTURES_DIR, 'maps', `${release}-osdmap.bin`)]);
    expect(r.stdout).toBe(readFileSync(join(FIXTURES_DIR, 'maps', `${release}-osdmap.test-map-pgs-dump.txt`), 'utf8'));
  });

  it.each(['reef', 'tentacle'] as const)('%s: an edit writes the encodings of the store’s monitor, and verifies', async (release) => {
    const mon = extractFixture(release);
    const before = await readHistory(mon);
    const r = await runCommand(SetFlag, ['noup', '-s', mon, '--no-backup']);
    expect(r.exitCode, r.stderr).toBe(0);
    const after = await readHistory(mon);
    const [prev, next] = [before.at(-1)!, after.at(-1)!];
    expect(next.epoch).toBe(prev.epoch + 1);
    const [pi, ni] = [decodeIncremental(prev.incBytes), decodeIncremental(next.incBytes)];
    const [pm, nm] = [decodeOSDMap(prev.fullBytes), decodeOSDMap(next.fullBytes)];
    // The last epoch added a range blocklist (osd-only v11); the edit's incremental changes none.
    expect([ni.encodeFeatures, ni.clientV, pi.osdV, ni.osdV]).toEqual([pi.encodeFeatures, pi.clientV, 11, 9]);
    expect([nm.clientV, nm.osdV, [...nm.pools.values()].map((p) => p.structV)]).toEqual([pm.clientV, pm.osdV, [...pm.pools.values()].map((p) => p.structV)]);
    expect(hex(nm.crushBytes)).toBe(hex(pm.crushBytes));
    const v = await runCommand(OsdmapVerify, ['-s', mon, '--from', String(prev.epoch)]);
    expect(v.exitCode, v.stderr).toBe(0);
  });
});
