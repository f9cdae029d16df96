/**
 * Seeded differential test against the real osdmaptool: random maps from
 * `osdmaptool --createsimple N --with-default-pool --pg_bits B --pgp_bits P` must decode and
 * re-encode to the same bytes, and our dump must deep-equal `osdmaptool F --dump json`.
 *
 * Replay a failure with OSDMAP_LIVE_SEED=<seed printed in the test name>.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOSDMap, dumpOSDMap, encodeOSDMap } from '../../src/lib/osdmap/index.js';
import { toJson } from '../../src/lib/render/json.js';
import { runTool } from '../helpers/ceph.js';
import { mulberry32 } from '../../src/lib/random.js';

const MAPS = Math.max(30, Number(process.env.OSDMAP_LIVE_MAPS ?? 30));
const BASE_SEED = Number(process.env.OSDMAP_LIVE_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const haveOsdmaptool = spawnSync('osdmaptool', ['--help'], { stdio: 'ignore' }).error === undefined;

const prng = mulberry32;

describe.skipIf(!haveOsdmaptool)(`osdmaptool --createsimple maps (base seed ${BASE_SEED})`, () => {
  const dir = haveOsdmaptool ? mkdtempSync(join(tmpdir(), 'monctl-osdmap-live-')) : '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = Array.from({ length: MAPS }, (_, i) => (BASE_SEED + i) >>> 0);
  it.each(cases)('seed %i: round trip and dump match (some with crushtool --build maps imported)', (seed) => {
    const rng = prng(seed);
    const osds = rng.int(1, 200);
    const pgBits = rng.int(0, 6);
    const pgpBits = rng.int(0, pgBits);
    const file = join(dir, `om-${seed}`);
    const args = ['--createsimple', String(osds), '--with-default-pool', '--pg_bits', String(pgBits), '--pgp_bits', String(pgpBits), '--clobber', file];
    const made = runTool('osdmaptool', args);
    expect(made.code, `seed ${seed}: osdmaptool ${args.join(' ')}\n${made.stderr}`).toBe(0);
    // Half the maps carry a CRUSH map built by crushtool (hosts and racks, straw2 or straw).
    let crushNote = 'default crush';
    if (rng.chance(0.5)) {
      const perHost = rng.int(1, 8);
      const alg = rng.pick(['straw2', 'straw']);
      const layers = rng.chance(0.5) ? ['host', alg, String(perHost), 'root', alg, '0'] : ['host', alg, String(perHost), 'rack', alg, String(rng.int(1, 4)), 'root', alg, '0'];
      const crush = join(dir, `crush-${seed}`);
      const built = runTool('crushtool', ['--build', '--num_osds', String(osds), ...layers, '-o', crush]);
      expect(built.code, `seed ${seed}: crushtool --build ${layers.join(' ')}\n${built.stderr}`).toBe(0);
      const imported = runTool('osdmaptool', [file, '--import-crush', crush]);
      expect(imported.code, `seed ${seed}: --import-crush\n${imported.stderr}`).toBe(0);
      crushNote = `crushtool --build ${layers.join(' ')}`;
    }
    const bytes = new Uint8Array(readFileSync(file));
    const map = decodeOSDMap(bytes);
    expect(Buffer.from(encodeOSDMap(map)).toString('hex'), `seed ${seed}: re-encode`).toBe(Buffer.from(bytes).toString('hex'));
    const dumped = runTool('osdmaptool', [file, '--dump', 'json']);
    expect(dumped.code, `seed ${seed}: osdmaptool --dump json\n${dumped.stderr}`).toBe(0);
    const expected = JSON.parse(dumped.stdout.slice(dumped.stdout.indexOf('{'))) as unknown;
    expect(JSON.parse(toJson(dumpOSDMap(map), 0)), `seed ${seed}: dump (${osds} osds, pg_bits ${pgBits}, pgp_bits ${pgpBits}, ${crushNote})`).toEqual(expected);
  });
});

if (!haveOsdmaptool) {
  describe('osdmaptool --createsimple maps', () => {
    it.skip('needs osdmaptool on PATH', () => {});
  });
}
