/**
 * Placement against osdmaptool (16.2):
 * - both fixture stores at epoch 31 (the file `ceph-monstore-tool <copy> get osdmap` writes):
 *   `monctl pg dump-map` prints what `osdmaptool F --test-map-pgs-dump` prints, and `monctl pg map`
 *   gives, for every PG of every pool, the up/acting sets and primaries of `--test-map-pg`; the
 *   same again with every OSD marked up and in (`--mark-up-in`, applied to the decoded map here
 *   because osdmaptool does not save that edit by itself);
 * - 20 seeded maps: `osdmaptool --createsimple N --with-default-pool --pg_bits B --pgp_bits P`
 *   with a multi-host CRUSH map from `crushtool --build` imported, some with `--mark-up-in`,
 *   an OSD `--mark-out`, and balancer upmaps (`--upmap F --save`, which also saves the state
 *   edits); `--test-map-pgs-dump` compared line for line, and `monctl osd map` compared with
 *   `--test-map-object NAME --pool 1` for random object names.
 *
 * Replay with PLACEMENT_SEED=<seed printed in the suite name>.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import OsdMapCommand, { type OsdMapJson } from '../../src/commands/osd/map.js';
import PgDumpMap from '../../src/commands/pg/dump-map.js';
import PgMapCommand, { type PgMapJson } from '../../src/commands/pg/map.js';
import { decodeOSDMap, type OSDMap } from '../../src/lib/osdmap/index.js';
import { objectToPg, pgToUpActing } from '../../src/lib/osdmap/placement.js';
import { formatPgStats, formatPgsDump, pgStats, pgsDump } from '../../src/lib/osdmap/pg-stats.js';
import { formatPg } from '../../src/lib/osdmap/pg.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';
import { extractFixture, makeTempDir, quietToolConf, removeTempDirs, runTool, which } from '../helpers/ceph.js';
import { applyEdits, editArgs, type Edits } from '../helpers/osdmap-edits.js';
import { firstPgMismatch, osdmaptoolStdout, savePgRegression } from '../helpers/placement-diff.js';
import { runCommand } from '../helpers/run-command.js';

const haveTools = ['osdmaptool', 'crushtool', 'ceph-monstore-tool'].every((t) => which(t) !== undefined);
const RANDOM_MAPS = 20;
const OBJECTS_PER_MAP = 50;
const BASE_SEED = Number(process.env.PLACEMENT_SEED ?? Math.floor(Math.random() * 0x7fffffff));

function tool(cmd: string, args: string[]): string {
  // crushtool takes its layers as trailing arguments: it gets the config through CEPH_CONF.
  const r = runTool(cmd, cmd === 'crushtool' ? args : [`--conf=${quietToolConf()}`, ...args]);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}`);
  return r.stdout;
}

const osdmaptool = osdmaptoolStdout;

/** `1.7 raw ([1,10,3], p1) up ([6,3], p6) acting ([6,3], p6)` from --test-map-pg. */
function testMapPgLine(file: string, pgid: string, e: Edits): string {
  const lines = osdmaptool([file, ...editArgs(e), '--test-map-pg', pgid]).split('\n');
  return lines.find((l) => l.startsWith(`${pgid} raw`)) ?? `(no line in ${lines.join('|')})`;
}

const vec = (v: readonly number[]): string => `[${v.join(',')}]`;

/** The per-PG lines of `--test-map-pgs-dump-all` (raw, up and acting with their primaries). */
function dumpAllLines(m: OSDMap): string[] {
  const out: string[] = [];
  for (const poolId of [...m.pools.keys()].sort((a, b) => a - b)) {
    out.push(`pool ${poolId} pg_num ${m.pools.get(poolId)!.pgNum}`);
    for (let ps = 0; ps < m.pools.get(poolId)!.pgNum; ps++) {
      const p = pgToUpActing(m, { pool: poolId, seed: ps });
      out.push(
        `${formatPg({ pool: poolId, seed: ps })} raw (${vec(p.raw)}, p${p.rawPrimary}) up (${vec(p.up)}, p${p.upPrimary}) acting (${vec(p.acting)}, p${p.actingPrimary})`,
      );
    }
  }
  return out;
}

/**
 * A dump compared with osdmaptool's; on a mismatch the first differing PG is saved as a regression
 * fixture (map, edits, osdmaptool --test-map-pg output) before the test fails.
 */
function expectSameDump(label: string, seed: number, file: string, e: Edits, ours: string, theirs: string): void {
  if (ours !== theirs) {
    const pg = firstPgMismatch(theirs.split('\n'), ours.split('\n'));
    if (pg !== undefined) {
      const saved = savePgRegression(`placement-seed-${seed}-${pg}`, file, e, pg, `placement-live seed ${seed}: ${label}`);
      label += ` (first differing PG ${pg} saved to ${saved.dir})`;
    }
  }
  expect(ours, label).toBe(theirs);
}

/** What was compared, printed at the end. */
const tally = { pgLines: 0, dumps: 0, stats: 0, objects: 0, upmapMaps: 0 };

describe.skipIf(!haveTools)('placement against osdmaptool', () => {
  const dir = haveTools ? makeTempDir('monctl-placement-') : '';
  afterAll(() => {
    removeTempDirs();
    console.log(`placement-live (PLACEMENT_SEED=${BASE_SEED}): ${tally.dumps} dumps, ${tally.stats} --test-map-pgs, ${tally.pgLines} PG lines, ${tally.objects} objects compared, ${tally.upmapMaps} maps with balancer upmaps`);
  });

  /** osdmap epoch 31 of a fresh copy of the fixture store, as ceph-monstore-tool writes it (once per backend). */
  const fixtureMap = (backend: 'rocksdb' | 'leveldb'): string => {
    const file = join(dir, `${backend}-31`);
    if (!existsSync(file)) tool('ceph-monstore-tool', [extractFixture(backend), 'get', 'osdmap', '--', '--version', '31', '--out', file]);
    return file;
  };

  describe.each(['rocksdb', 'leveldb'] as const)('%s fixture, epoch 31', (backend) => {
    const file = join(dir, `${backend}-31`);
    const getMap = (): string => fixtureMap(backend);

    it('pg dump-map equals --test-map-pgs-dump (also per pool)', async () => {
      getMap();
      const r = await runCommand(PgDumpMap, ['--osdmap', file]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(osdmaptool([file, '--test-map-pgs-dump']));
      tally.dumps++;
      for (const pool of [1, 2]) {
        const p = await runCommand(PgDumpMap, ['--osdmap', file, '--pool', String(pool)]);
        expect(p.stdout, `--pool ${pool}`).toBe(osdmaptool([file, '--test-map-pgs-dump', '--pool', String(pool)]));
      }
    });

    it('pg map equals --test-map-pg for every PG of every pool', async () => {
      const map = decodeOSDMap(readFileSync(file));
      let checked = 0;
      for (const [poolId, pool] of map.pools) {
        for (let ps = 0; ps < pool.pgNum; ps++) {
          const pgid = formatPg({ pool: poolId, seed: ps });
          const r = await runCommand<PgMapJson>(PgMapCommand, ['--osdmap', file, pgid, '--json']);
          const j = r.result!;
          const p = pgToUpActing(map, { pool: poolId, seed: ps });
          const ours = `${pgid} raw (${vec(p.raw)}, p${p.rawPrimary}) up (${vec(j.up)}, p${j.up_primary}) acting (${vec(j.acting)}, p${j.acting_primary})`;
          expect(ours).toBe(testMapPgLine(file, pgid, { upIn: false }));
          checked++;
          tally.pgLines++;
        }
      }
      expect(checked).toBe(48);
    });

    it('with every OSD marked up and in: --test-map-pg and --test-map-pgs-dump', () => {
      const e = { upIn: true };
      const map = applyEdits(decodeOSDMap(readFileSync(file)), e);
      expect(formatPgsDump(pgsDump(map))).toBe(osdmaptool([file, ...editArgs(e), '--test-map-pgs-dump']));
      tally.dumps++;
      for (const [poolId, pool] of map.pools) {
        for (let ps = 0; ps < pool.pgNum; ps++) {
          const pgid = formatPg({ pool: poolId, seed: ps });
          const p = pgToUpActing(map, { pool: poolId, seed: ps });
          const ours = `${pgid} raw (${vec(p.raw)}, p${p.rawPrimary}) up (${vec(p.up)}, p${p.upPrimary}) acting (${vec(p.acting)}, p${p.actingPrimary})`;
          expect(ours).toBe(testMapPgLine(file, pgid, e));
          tally.pgLines++;
        }
      }
    });
  });

  describe.each(['rocksdb', 'leveldb'] as const)('%s fixture, epoch 31, with OSDs marked out', (backend) => {
    it.each([{ upIn: true, out: 2 }, { upIn: true, out: 4 }, { upIn: false, out: 0 }, { upIn: false, out: 3 }])('%j: --test-map-pgs-dump(-all)', (e: Edits) => {
      const file = fixtureMap(backend);
      const map = applyEdits(decodeOSDMap(readFileSync(file)), e);
      expect(formatPgsDump(pgsDump(map))).toBe(osdmaptool([file, ...editArgs(e), '--test-map-pgs-dump']));
      const ours = dumpAllLines(map);
      expect(osdmaptool([file, ...editArgs(e), '--test-map-pgs-dump-all']).split('\n').slice(0, ours.length)).toEqual(ours);
      tally.dumps += 2;
      tally.pgLines += (ours.length - map.pools.size) * 2;
    });
  });

  describe(`osdmaptool --createsimple maps (base seed ${BASE_SEED})`, () => {
    const seeds = Array.from({ length: RANDOM_MAPS }, (_, i) => (BASE_SEED + i) >>> 0);
    const objectName = (rng: Prng): string => {
      const chars = 'abcdefghijklmnopqrstuvwxyz0123456789._-';
      const n = rng.int(1, 40);
      let s = '';
      for (let i = 0; i < n; i++) s += rng.pick([...chars]);
      // osdmaptool takes a name like `-d` for an option ("too many arguments").
      return s.startsWith('-') ? `o${s}` : s;
    };

    it.each(seeds)('seed %i', async (seed) => {
      const rng = mulberry32(seed);
      const osds = rng.int(3, 40);
      const file = join(dir, `simple-${seed}`);
      const bits = rng.int(0, 5);
      tool('osdmaptool', ['--createsimple', String(osds), '--with-default-pool', '--pg_bits', String(bits), '--pgp_bits', String(rng.int(0, bits)), '--clobber', file]);
      // Several hosts, so that PGs get whole sets.
      const crush = join(dir, `crush-${seed}`);
      const alg = rng.pick(['straw2', 'straw2', 'straw', 'list', 'uniform', 'tree']);
      tool('crushtool', ['--outfn', crush, '--build', '--num_osds', String(osds), 'host', alg, String(rng.int(1, 4)), 'root', 'straw2', '0']);
      tool('osdmaptool', [file, '--import-crush', crush]);
      const e: Edits = { upIn: rng.chance(0.7) };
      if (rng.chance(0.5)) e.out = rng.int(0, osds - 1);
      if (e.upIn && rng.chance(0.6)) {
        // Balancer upmaps; --save writes the map with them and the state edits.
        tool('osdmaptool', [file, ...editArgs(e), '--upmap', join(dir, `upmap-${seed}`), '--upmap-deviation', '1', '--save']);
      }
      const label = `seed ${seed}: ${osds} osds, ${alg} hosts, ${JSON.stringify(e)}`;
      const map = applyEdits(decodeOSDMap(readFileSync(file)), e);
      expectSameDump(`${label}: --test-map-pgs-dump`, seed, file, e, formatPgsDump(pgsDump(map)), osdmaptool([file, ...editArgs(e), '--test-map-pgs-dump']));
      // --test-map-pgs (pg stats), sometimes for --pool 1 or with a --pg_num override.
      const pgNum = rng.chance(0.3) ? rng.int(1, 200) : undefined;
      const statsArgs = [...(rng.chance(0.5) ? ['--pool', '1'] : []), ...(pgNum !== undefined ? ['--pg_num', String(pgNum)] : [])];
      expect(formatPgStats(pgStats(map, { pool: statsArgs.includes('--pool') ? 1 : undefined, pgNum })), `${label}: --test-map-pgs ${statsArgs.join(' ')}`).toBe(
        osdmaptool([file, ...editArgs(e), '--test-map-pgs', ...statsArgs]),
      );
      tally.stats++;
      const all = osdmaptool([file, ...editArgs(e), '--test-map-pgs-dump-all']).split('\n');
      const ours = dumpAllLines(map);
      expectSameDump(`${label}: --test-map-pgs-dump-all`, seed, file, e, ours.join('\n'), all.slice(0, ours.length).join('\n'));
      tally.dumps += 2;
      tally.pgLines += (ours.length - map.pools.size) * 2;
      if (map.pgUpmapItems.size > 0 || map.pgUpmap.size > 0) tally.upmapMaps++;
      if (!e.upIn && e.out === undefined) {
        const r = await runCommand(PgDumpMap, ['--osdmap', file]);
        expect(r.stdout, `${label}: command`).toBe(osdmaptool([file, '--test-map-pgs-dump']));
      }
      for (let i = 0; i < OBJECTS_PER_MAP; i++) {
        const name = objectName(rng);
        const theirs = osdmaptool([file, ...editArgs(e), '--test-map-object', name, '--pool', '1']).trim();
        let ours: string;
        if (!e.upIn && e.out === undefined) {
          const r = await runCommand<OsdMapJson>(OsdMapCommand, ['--osdmap', file, '--json', '--', 'rbd', name]);
          ours = `object '${name}' -> ${r.result!.pgid} -> ${vec(r.result!.acting)}`;
        } else {
          const located = objectToPg(map, 1, name)!;
          ours = `object '${name}' -> ${formatPg(located.pgid)} -> ${vec(pgToUpActing(map, located.pgid).acting)}`;
        }
        expect(ours, `${label}: object ${name}`).toBe(theirs);
        tally.objects++;
      }
    });
  });
});
