/**
 * The read balance score (OSDMap::calc_read_balance_score) against Reef's and Tentacle's own
 * `osdmaptool --print`, which print it after every replicated pool of any map they read: every
 * corpus OSDMap (MONCTL_CORPUS) and the fixture maps. Tentacle scores a pool with the read_ratio
 * option in another way, which monctl does not model: those pools are left out.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOSDMap, type OSDMap } from '../../src/lib/osdmap/index.js';
import { POOL_OPT_NAMES } from '../../src/lib/osdmap/pool-opts.js';
import { readBalanceScore } from '../../src/lib/osdmap/read-balance.js';
import { FIXTURES_DIR, makeTempDir, removeTempDirs } from '../helpers/ceph.js';
import { corpusAvailable, corpusObjects } from '../helpers/corpus.js';
import { availableReleases, runTool, type Release } from '../helpers/releases.js';

const releases = availableReleases().filter((r): r is Exclude<Release, 'pacific'> => r !== 'pacific');
const READ_RATIO = POOL_OPT_NAMES.indexOf('read_ratio');

interface MapFile {
  name: string;
  path: string;
}

const maps: MapFile[] = [
  ...['reef', 'tentacle'].map((r) => ({ name: `fixture ${r}`, path: join(FIXTURES_DIR, 'maps', `${r}-osdmap.bin`) })),
  ...(corpusAvailable ? corpusObjects('OSDMap').map((o) => ({ name: `${o.version}/${o.hash}`, path: o.path })) : []),
];

/** pool id → the score the tool printed (undefined: none printed). */
function printedScores(text: string): Map<number, string | undefined> {
  const out = new Map<number, string | undefined>();
  for (const line of text.split('\n')) {
    const m = /^pool (\d+) '.*?(?: read_balance_score ([0-9.]+))?$/.exec(line);
    if (m) out.set(Number(m[1]), m[2]);
  }
  return out;
}

function monctlScore(map: OSDMap, id: number): string | undefined {
  if (map.pools.get(id)!.type !== 1) return undefined;
  const { rc, info } = readBalanceScore(map, id);
  return rc >= 0 ? info.actingAdjScore.toFixed(2) : undefined;
}

describe.skipIf(releases.length === 0)('read balance scores against the releases’ osdmaptool', () => {
  const dir = releases.length > 0 ? makeTempDir('monctl-rbs-') : '';
  afterAll(() => removeTempDirs());

  for (const release of releases) {
    it(`${release}: every replicated pool of every map it reads`, () => {
      let compared = 0;
      for (const m of maps) {
        const file = join(dir, 'map');
        copyFileSync(m.path, file);
        const r = runTool(release, 'osdmaptool', [file, '--print'], { binds: [dir] });
        if (r.code !== 0) continue; // a map this release cannot read
        const map = decodeOSDMap(readFileSync(m.path));
        for (const [id, score] of printedScores(r.stdout)) {
          const pool = map.pools.get(id)!;
          if (release === 'tentacle' && pool.opts.opts.some(({ key }) => key === READ_RATIO)) continue;
          expect(monctlScore(map, id), `${m.name} pool ${id}`).toBe(score);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
