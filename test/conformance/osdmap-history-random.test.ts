/**
 * Generated-history differential test: a seeded random sequence of real `ceph osd …` commands
 * (test/helpers/osd-history.ts) against a real ceph-mon of the release under test, then, on
 * the stopped monitor's store:
 *  - `monctl osdmap verify` rebuilds every epoch from the incrementals and matches every stored
 *    full map, bytes and CRC;
 *  - `monctl osdmap get --epoch E` is `ceph-monstore-tool <store> get osdmap -- --version E`,
 *    byte for byte, for every epoch;
 *  - `monctl osdmap print`, `tree` and `dump` are `osdmaptool --print`, `--tree` and
 *    `--dump json` for a sample of epochs.
 *
 *   MONCTL_HISTORY_SEED=N     replay a run (the seed is printed, and in the test name)
 *   MONCTL_HISTORY_STEPS=N    commands to run per release (default 300 on Pacific, about 5 minutes on 2
 *                             cores with the checks; 200 on the chroot releases, about 6 minutes each)
 *   MONCTL_HISTORY_RELEASE=R  the releases' mons and tools, comma-separated (test/helpers/ceph-release.ts;
 *                             default pacific; CI runs pacific,reef,tentacle)
 *   MONCTL_HISTORY_BACKEND=B  Pacific's store, rocksdb or leveldb (default: by the seed's parity; Reef and
 *                             later: rocksdb, the only mon store they have)
 *   MONCTL_HISTORY_KEEP=1     keep the store and the command log, and print where they are
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OsdmapDump from '../../src/commands/osdmap/dump.js';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import OsdmapPrint from '../../src/commands/osdmap/print.js';
import OsdmapTree from '../../src/commands/osdmap/tree.js';
import OsdmapVerify from '../../src/commands/osdmap/verify.js';
import { readIncremental, readOsdmapRange } from '../../src/lib/mon/osd/store.js';
import { mulberry32 } from '../../src/lib/random.js';
import { MonStore } from '../../src/lib/store/index.js';
import { quietToolConf, removeTempDirs, type Backend } from '../helpers/ceph.js';
import { releaseAvailable, releasesFromEnv, runReleaseTool, startReleaseMon, type CephRelease } from '../helpers/ceph-release.js';
import { formatSteps, runHistory, stepAt, type HistoryRun } from '../helpers/osd-history.js';
import { runCommand, type RunnableCommand } from '../helpers/run-command.js';

const SEED = Number(process.env.MONCTL_HISTORY_SEED ?? Math.floor(Math.random() * 0x7fffffff)) >>> 0;
const KEEP = process.env.MONCTL_HISTORY_KEEP === '1';
/** Epochs whose print is compared with osdmaptool's (besides the last). */
const PRINT_SAMPLES = 12;

for (const RELEASE of releasesFromEnv()) historySuite(RELEASE);

function historySuite(RELEASE: CephRelease): void {
  const BACKEND: Backend = RELEASE.backends.length === 1 ? RELEASE.backends[0]! : ((process.env.MONCTL_HISTORY_BACKEND as Backend | undefined) ?? (SEED % 2 === 1 ? 'leveldb' : 'rocksdb'));
  const available = releaseAvailable(RELEASE);
  const STEPS = Number(process.env.MONCTL_HISTORY_STEPS ?? (RELEASE.name === 'pacific' ? 300 : 200));

  describe.skipIf(!available)(`random osd command history on a real ${RELEASE.name} ceph-mon (seed ${SEED}, ${STEPS} steps, ${BACKEND})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'monctl-osd-history-'));
    let monData = '';
    let run: HistoryRun | undefined;
    let epochs: number[] = [];
    const replay = `MONCTL_HISTORY_SEED=${SEED} MONCTL_HISTORY_STEPS=${STEPS} MONCTL_HISTORY_RELEASE=${RELEASE.name} MONCTL_HISTORY_BACKEND=${BACKEND}`;

    /** The commands around the one that committed `epoch` (by the incremental's modified stamp). */
    async function around(epoch: number): Promise<string> {
      if (!run) return '';
      const inc = await MonStore.with(monData, {}, async (s) => (await readIncremental(s, epoch)).inc);
      const at = stepAt(run.steps, inc.modified.sec * 1000 + Math.floor(inc.modified.nsec / 1e6));
      const i = at ? run.steps.indexOf(at) : run.steps.length - 1;
      return `epoch ${epoch} was committed by step ${at?.step ?? '?'}; the commands around it:\n${formatSteps(run.steps.slice(Math.max(0, i - 6), i + 3))}\nreplay: ${replay}`;
    }

    beforeAll(async () => {
      console.log(`osd command history: ${RELEASE.name} on ${BACKEND}, seed ${SEED}, ${STEPS} steps (replay: ${replay})`);
      const t0 = Date.now();
      const mon = await startReleaseMon(RELEASE, { dir, backend: BACKEND });
      monData = mon.monData;
      try {
        run = await runHistory(mon, { steps: STEPS, rng: mulberry32(SEED) });
      } finally {
        await mon.stop();
        if (run) writeFileSync(join(dir, 'history.txt'), `${formatSteps(run.steps)}\n`);
        if (KEEP) {
          copyFileSync(mon.conf, join(dir, 'ceph.conf'));
          console.log(`kept: ${monData} (commands in ${join(dir, 'history.txt')})`);
        }
      }
      const range = await MonStore.with(monData, {}, (s) => readOsdmapRange(s));
      epochs = Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
      console.log(
        `history: ${run.accepted} commands taken, ${run.refused} refused, ${run.refreshes} read-backs, osdmap epochs ${range.first}..${range.last}, ${Math.round((Date.now() - t0) / 1000)} s`,
      );
      // Ceph bugs met on the way (the mon was restarted on its store each time).
      for (const c of run.cephCrashes) console.log(`the ${RELEASE.name} ceph-mon aborted at step ${c.step} (ceph ${c.args.join(' ')}): ${c.assertion}`);
    }, 120_000 + STEPS * 2_000);

    afterAll(() => {
      if (!KEEP) rmSync(dir, { recursive: true, force: true });
      removeTempDirs();
    });

    it('the history made epochs', () => {
      expect(run!.accepted).toBeGreaterThan(STEPS / 2);
      expect(epochs.length).toBeGreaterThan(STEPS / 3);
    });

    it('osdmap verify: every epoch rebuilt from the incrementals is the stored full map', async () => {
      const r = await runCommand(OsdmapVerify, ['-s', monData, '--json']);
      if (r.exitCode !== 0) {
        // The epoch of a mismatch, or of the value that did not decode.
        const m = /MISMATCH at epoch (\d+)/.exec(r.stdout) ?? /"key": "osdmap\/(?:full_)?(\d+)"/.exec(r.stdout + r.stderr);
        expect.fail(`${r.stdout}\n${r.stderr}\n${m ? await around(Number(m[1])) : `replay: ${replay}`}`);
      }
      const report = JSON.parse(r.stdout) as { ok: boolean; from: number; to: number; rebuilt: number; missing_full: number[] };
      expect(report.ok).toBe(true);
      expect([report.from, report.to]).toEqual([epochs[0], epochs.at(-1)]);
      expect(report.rebuilt + report.missing_full.length).toBe(epochs.length - 1);
    }, 120_000);

    it('osdmap get --epoch E = ceph-monstore-tool get osdmap -- --version E, every epoch', async () => {
      const bad: number[] = [];
      const samples = sampled();
      for (const e of epochs) {
        const theirs = join(dir, `ceph-${e}`);
        const ours = join(dir, `monctl-${e}`);
        const t = runReleaseTool(RELEASE, 'ceph-monstore-tool', [monData, `--conf=${quietToolConf()}`, 'get', 'osdmap', '--', '--version', String(e), '--out', theirs], { binds: [dir] });
        expect(t.code, `ceph-monstore-tool get osdmap --version ${e}: ${t.stderr.slice(-500)}`).toBe(0);
        const o = await runCommand(OsdmapGet, ['-s', monData, '--epoch', String(e), '-o', ours]);
        expect(o.exitCode, o.stderr).toBe(0);
        if (!readFileSync(ours).equals(readFileSync(theirs))) bad.push(e);
        rmSync(ours);
        if (!samples.includes(e)) rmSync(theirs);
      }
      if (bad.length > 0) expect.fail(`monctl osdmap get differs from ceph-monstore-tool at epochs ${bad.join(', ')}\n${await around(bad[0]!)}`);
    }, 60_000 + 600 * 1_000);

    /** A seeded sample of epochs (the last always) for the text comparisons. */
    function sampled(): number[] {
      const rng = mulberry32(SEED ^ 0x5eed);
      const pick = new Set<number>([epochs.at(-1)!]);
      while (pick.size < Math.min(PRINT_SAMPLES + 1, epochs.length)) pick.add(epochs[rng.int(0, epochs.length - 1)]!);
      return [...pick].sort((a, b) => a - b);
    }

    /** monctl's text for one view against osdmaptool's, on the sampled epochs. */
    async function sameView(cmd: RunnableCommand, toolArgs: string[], what: string, adjust: (s: string) => string = (s) => s): Promise<void> {
      for (const e of sampled()) {
        const file = join(dir, `ceph-${e}`);
        const theirs = runReleaseTool(RELEASE, 'osdmaptool', [`--conf=${quietToolConf()}`, file, ...toolArgs], { binds: [dir] });
        expect(theirs.code, theirs.stderr).toBe(0);
        const ours = await runCommand(cmd, ['-s', monData, '--epoch', String(e)]);
        expect(ours.exitCode, ours.stderr).toBe(0);
        if (ours.stdout !== adjust(theirs.stdout)) expect(ours.stdout, `epoch ${e}: ${what}\n${await around(e)}`).toBe(adjust(theirs.stdout));
      }
    }

    it(`osdmap print = osdmaptool --print, on ${PRINT_SAMPLES + 1} sampled epochs`, () => sameView(OsdmapPrint, ['--print'], 'osdmap print'), 120_000);

    it('osdmap tree = osdmaptool --tree, on the same epochs', () => sameView(OsdmapTree, ['--tree'], 'osdmap tree'), 120_000);

    // osdmaptool ends the JSON without a newline; monctl ends the line.
    it('osdmap dump = osdmaptool --dump json, on the same epochs', () => sameView(OsdmapDump, ['--dump', 'json'], 'osdmap dump', (s) => `${s}\n`), 120_000);
  });

  if (!available) {
    describe('random osd command history', () => {
      it.skip(`needs the ${RELEASE.name} Ceph tools (ceph-mon, ceph, monmaptool, ceph-monstore-tool, osdmaptool)`, () => {});
    });
  }
}
