/**
 * monctl's osdmap commands against the real tools, on fresh copies of both fixture stores
 * (Ceph's tools rewrite a store's MANIFEST even to read it):
 * - for every epoch 1..31, `monctl osdmap get` writes the bytes `ceph-monstore-tool <store> get
 *   osdmap -- --version E --out F` writes;
 * - `osdmap print`, `tree` and `dump` of that file print what `osdmaptool F --print`, `--tree`
 *   and `--dump json` print (dump: the same text, floats included);
 * - the same for 20 seeded `osdmaptool --createsimple N` maps, some with CRUSH weights changed
 *   by `osdmaptool --adjust-crush-weight … --save` (osdmaptool's --mark-out/--mark-up-in edits
 *   live in memory only and cannot be saved to a file).
 *
 * Replay the random maps with OSDMAP_TOOLS_SEED=<seed printed in the suite name>.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OsdmapDump from '../../src/commands/osdmap/dump.js';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import OsdmapPrint from '../../src/commands/osdmap/print.js';
import OsdmapTree from '../../src/commands/osdmap/tree.js';
import { mulberry32 } from '../../src/lib/random.js';
import { extractFixture, makeTempDir, quietToolConf, removeTempDirs, runTool, which } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';

const haveTools = which('osdmaptool') !== undefined && which('ceph-monstore-tool') !== undefined;
const EPOCHS = Array.from({ length: 31 }, (_, i) => i + 1);
const RANDOM_MAPS = 20;
const BASE_SEED = Number(process.env.OSDMAP_TOOLS_SEED ?? Math.floor(Math.random() * 0x7fffffff));

function osdmaptool(args: string[]): string {
  const r = runTool('osdmaptool', [`--conf=${quietToolConf()}`, ...args]);
  if (r.code !== 0) throw new Error(`osdmaptool ${args.join(' ')} failed (code ${r.code}):\n${r.stderr}`);
  return r.stdout;
}

/** print, tree and dump of a map file: monctl's text against osdmaptool's. */
async function expectSameViews(file: string, label: string): Promise<void> {
  const print = await runCommand(OsdmapPrint, ['--osdmap', file]);
  expect(print.stdout, `${label}: --print`).toBe(osdmaptool([file, '--print']));
  const tree = await runCommand(OsdmapTree, ['--osdmap', file]);
  expect(tree.stdout, `${label}: --tree`).toBe(osdmaptool([file, '--tree']));
  const dump = await runCommand(OsdmapDump, ['--osdmap', file]);
  // osdmaptool ends the JSON without a newline; monctl ends the line.
  expect(dump.stdout, `${label}: --dump json`).toBe(`${osdmaptool([file, '--dump', 'json'])}\n`);
}

describe.skipIf(!haveTools)('osdmap get/print/tree/dump against ceph-monstore-tool and osdmaptool', () => {
  const dir = haveTools ? makeTempDir('monctl-osdmap-tools-') : '';
  afterAll(() => removeTempDirs());

  describe.each(['rocksdb', 'leveldb'] as const)('%s fixture, every epoch', (backend) => {
    let toolCopy = '';
    let ourCopy = '';
    beforeAll(() => {
      toolCopy = extractFixture(backend);
      ourCopy = extractFixture(backend);
    });

    it.each(EPOCHS)('epoch %i', async (epoch) => {
      const theirs = join(dir, `${backend}-${epoch}.ceph`);
      const ours = join(dir, `${backend}-${epoch}.monctl`);
      const got = runTool('ceph-monstore-tool', [toolCopy, `--conf=${quietToolConf()}`, 'get', 'osdmap', '--', '--version', String(epoch), '--out', theirs]);
      expect(got.code, got.stderr).toBe(0);
      const r = await runCommand(OsdmapGet, ['-s', ourCopy, '--epoch', String(epoch), '-o', ours]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(Buffer.from(readFileSync(ours)).equals(readFileSync(theirs)), `${backend} epoch ${epoch}: bytes`).toBe(true);
      await expectSameViews(ours, `${backend} epoch ${epoch}`);
    });
  });

  describe(`osdmaptool --createsimple maps (base seed ${BASE_SEED})`, () => {
    const seeds = Array.from({ length: RANDOM_MAPS }, (_, i) => (BASE_SEED + i) >>> 0);
    it.each(seeds)('seed %i', async (seed) => {
      const rng = mulberry32(seed);
      const osds = rng.int(1, 100);
      const file = join(dir, `simple-${seed}`);
      const args = ['--createsimple', String(osds), '--clobber', file];
      if (rng.chance(0.5)) args.push('--with-default-pool');
      const bits = rng.int(0, 6);
      args.push('--pg_bits', String(bits), '--pgp_bits', String(rng.int(0, bits)));
      osdmaptool(args);
      const edits: string[] = [];
      if (rng.chance(0.6)) {
        const n = rng.int(1, Math.min(5, osds));
        for (let k = 0; k < n; k++) edits.push(`${rng.int(0, osds - 1)}:${(rng.int(0, 4000) / 1000).toFixed(3)}`);
        osdmaptool([file, '--adjust-crush-weight', edits.join(','), '--save']);
      }
      await expectSameViews(file, `seed ${seed}: ${args.join(' ')}${edits.length ? ` then weights ${edits.join(',')}` : ''}`);
    });
  });
});

if (!haveTools) {
  describe('osdmap tools live', () => {
    it.skip('needs osdmaptool and ceph-monstore-tool on PATH', () => {});
  });
}
