/**
 * The read balance score (OSDMap::calc_read_balance_score) against Reef's and Tentacle's own
 * `osdmaptool --print`, which print it after every replicated pool of any map they read: every
 * corpus OSDMap (MONCTL_CORPUS) and the fixture maps, monctl scoring as that release (Tentacle
 * scores a pool with the read_ratio option by OSD load: the size-aware score).
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOSDMap, type OSDMap } from '../../src/lib/osdmap/index.js';
import { readBalanceScore } from '../../src/lib/osdmap/read-balance.js';
import { FIXTURES_DIR, makeTempDir, removeTempDirs } from '../helpers/ceph.js';
import { corpusAvailable, corpusObjects } from '../helpers/corpus.js';
import { RELEASE_NUMBER } from '../helpers/osdmap-releases.js';
import { availableReleases, runTool, type Release } from '../helpers/releases.js';

const releases = availableReleases().filter((r): r is Exclude<Release, 'pacific'> => r !== 'pacific');

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

function monctlScore(map: OSDMap, id: number, release: number): string | undefined {
  if (map.pools.get(id)!.type !== 1) return undefined;
  const { rc, info } = readBalanceScore(map, id, release);
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
          expect(monctlScore(map, id, RELEASE_NUMBER[release]), `${m.name} pool ${id}`).toBe(score);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
