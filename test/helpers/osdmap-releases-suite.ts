/**
 * The body of test/conformance/osdmap-releases-{pacific,reef,tentacle}.test.ts: monctl's
 * `osdmap print`, `tree`, `dump` (as `--release N`) and `pg dump-map` (of the map as that release
 * decodes it) against that release's osdmaptool `--print`, `--tree`, `--dump json` and
 * `--test-map-pgs-dump`, on every map releaseCases() gives, byte for byte.
 *
 * Counted apart, never hidden:
 * - maps the release's osdmaptool cannot decode (Pacific and Reef refuse Tentacle's maps): there is
 *   no text to compare;
 * - `--dump json` crashing (Reef's and Tentacle's osdmaptool segfault on some maps with read
 *   balance scores): an epoch of the release's own fixture store is compared with that
 *   release's live mon (`ceph osd dump E -f json`) instead; another map is reported, not
 *   compared (none crashed on these maps when this was written: `dumpCrashed` counts them);
 * - PGs of MSR pools (Tentacle's msr rules): monctl's CRUSH mapper does not run `choose_msr`
 *   yet, so their placement differs from Tentacle's — the one known remaining cause, listed.
 *
 * Replay with OSDMAP_RELEASES_SEED=<seed printed in the suite name>.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOSDMap } from '../../src/lib/osdmap/osdmap.js';
import { dumpOSDMap } from '../../src/lib/osdmap/dump.js';
import { cephJsonText } from '../../src/lib/osdmap/print.js';
import { extractFixture, makeTempDir, removeTempDirs, type FixtureName } from './ceph.js';
import { releaseAvailable, startMon, type Release } from './releases.js';
import {
  RELEASE_NUMBER,
  VIEWS,
  differingPgLines,
  monctlAnswer,
  msrPools,
  pgSummaryLines,
  releaseCases,
  toolAnswers,
  type View,
} from './osdmap-releases.js';

/** The fixture store each release's own mon runs. */
const OWN_STORE: Record<Release, FixtureName> = { pacific: 'rocksdb', reef: 'reef', tentacle: 'tentacle' };
const SEED = Number(process.env.OSDMAP_RELEASES_SEED ?? Math.floor(Math.random() * 0x7fffffff));
const VARIATIONS = Number(process.env.OSDMAP_RELEASES_VARIATIONS ?? 60);

/** The first line (or, for one-line JSON, the first character) where two texts part. */
function firstDifference(theirs: string, ours: string, release: string, n: number): string {
  const a = theirs.split('\n');
  const b = ours.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  const line = i < 0 ? a.length : i;
  const x = a[line] ?? '(end)';
  const y = b[line] ?? '(end)';
  let at = 0;
  while (at < x.length && x[at] === y[at]) at++;
  const from = Math.max(0, at - 80);
  return `line ${line + 1}, column ${at + 1}:\n  ${release}: …${x.slice(from, at + 120)}\n  monctl --release ${n}: …${y.slice(from, at + 120)}`;
}

export function osdmapReleaseSuite(release: Release): void {
  describe.skipIf(!releaseAvailable(release))(`osdmap print/tree/dump and placement as ${release} (seed ${SEED})`, () => {
    afterAll(() => removeTempDirs());

    it(`equal ${release}'s osdmaptool on every fixture map, store epoch and ${VARIATIONS} variations`, async () => {
      const cases = await releaseCases(SEED, VARIATIONS);
      const dir = makeTempDir(`monctl-osdmap-${release}-`);
      const answers = toolAnswers(release, dir, cases);
      const n = RELEASE_NUMBER[release];
      const counts = { maps: cases.length, compared: 0, refused: 0, dumpCrashed: 0, views: 0, pgLines: 0, msrPgDiffs: 0 } as Record<string, number>;
      const failures: string[] = [];
      const msrNotes: string[] = [];
      const crashedEpochs: { epoch: number; ours: Record<string, unknown> }[] = [];
      for (const c of cases) {
        const tool = answers.get(c.file)!;
        if (tool.print.code !== 0) {
          counts.refused!++;
          continue;
        }
        counts.compared!++;
        const m = decodeOSDMap(c.bytes);
        for (const v of VIEWS as readonly View[]) {
          const t = tool[v];
          if (v === 'dump' && t.code !== 0) {
            // Reef's and Tentacle's osdmaptool --dump json can segfault (maps with read balance
            // scores): an epoch of the release's own fixture store is compared with its live
            // mon's `ceph osd dump E -f json` below; any other map has no answer to compare.
            counts.dumpCrashed!++;
            if (c.store?.fixture === OWN_STORE[release]) crashedEpochs.push({ epoch: c.store.epoch, ours: dumpOSDMap(m, n) });
            else console.log(`${release}: osdmaptool --dump json exited ${t.code} on ${c.label}; no mon serves that map, not compared`);
            continue;
          }
          const ours = monctlAnswer(m, n, v);
          counts.views!++;
          if (v !== 'pgs') {
            if (ours !== t.out) failures.push(`${c.label}: ${v} differs: ${firstDifference(t.out, ours, release, n)}`);
            continue;
          }
          const msr = msrPools(m);
          const diffs = differingPgLines(t.out, ours);
          counts.pgLines! += t.out.split('\n').filter((l) => /^\d+\.[0-9a-f]+\t/.test(l)).length;
          const msrDiffs = diffs.filter((d) => msr.has(Number(d.pgid.split('.')[0])));
          const other = diffs.filter((d) => !msrDiffs.includes(d));
          counts.msrPgDiffs! += msrDiffs.length;
          if (msrDiffs.length > 0) msrNotes.push(`${c.label}: ${msrDiffs.length} PGs of MSR pools differ (known: CRUSH choose_msr not in monctl's mapper yet), e.g. ${msrDiffs[0]!.theirs} vs monctl ${msrDiffs[0]!.ours}`);
          for (const d of other) failures.push(`${c.label}: --test-map-pgs-dump ${d.pgid}: ${release} ${d.theirs} / monctl ${d.ours}`);
          // The per-OSD table and summary count every pool's PGs: comparable when no MSR PG differs.
          if (msrDiffs.length === 0 && other.length === 0) {
            const a = pgSummaryLines(t.out, new Set());
            const b = pgSummaryLines(ours, new Set());
            if (a.join('\n') !== b.join('\n')) failures.push(`${c.label}: --test-map-pgs-dump summary differs\n${a.join('\n')}\n--- monctl\n${b.join('\n')}`);
          }
        }
      }
      if (crashedEpochs.length > 0) {
        const mon = await startMon(release, { monData: extractFixture(OWN_STORE[release]) });
        try {
          for (const { epoch, ours } of crashedEpochs) {
            const theirs = await mon.cephJson(['osd', 'dump', String(epoch)]);
            if (JSON.stringify(JSON.parse(cephJsonText(ours))) !== JSON.stringify(theirs)) failures.push(`${OWN_STORE[release]} store epoch ${epoch}: dump differs from the live mon's ceph osd dump ${epoch} -f json`);
            counts.dumpFromMon = (counts.dumpFromMon ?? 0) + 1;
          }
        } finally {
          await mon.stop();
        }
      }
      console.log(`${release} (seed ${SEED}): ${JSON.stringify(counts)}`);
      if (msrNotes.length > 0) console.log(`${release}: known remaining cause, MSR pools (${counts.msrPgDiffs} PG lines):\n${msrNotes.slice(0, 5).join('\n')}`);
      if (process.env.OSDMAP_RELEASES_REPORT) writeFileSync(process.env.OSDMAP_RELEASES_REPORT, failures.join('\n\n'));
      expect(failures.slice(0, 10), `${failures.length} differences (seed ${SEED})`).toEqual([]);
      expect(counts.compared).toBeGreaterThan(0);
    }, 600_000);
  });
}
