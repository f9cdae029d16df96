import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { diffOSDMaps, type OSDMap } from '../../src/lib/osdmap/index.js';
import { MonStore, copyStore } from '../../src/lib/store/index.js';
import { mulberry32 } from '../../src/lib/random.js';
import { cephAvailable, extractFixture, removeTempDirs, startMon, type Backend } from '../helpers/ceph.js';
import { runAndKill } from '../helpers/crash.js';
import { EDIT_CASES, changedKeys, digestOf, seedLiveState, storeDigest } from '../helpers/osdmap-edit.js';
import { checkStore, readFullMap, verifyHistory } from '../../src/lib/mon/index.js';

/** Runs per edit command: the issue asks for 100; CI stops earlier when the time budget is spent. */
const RUNS = Number(process.env.MONCTL_CRASH_RUNS ?? 100);
const BUDGET_MS = Number(process.env.MONCTL_CRASH_BUDGET_MS ?? 60_000);
const MIN_RUNS = Math.min(RUNS, 5);
const BACKENDS: Backend[] = ['rocksdb', 'leveldb'];

interface Start {
  mon: string;
  digest: Map<string, string>;
  /** An uncut run on a copy: the new state (its `modified` stamp is that run's own). */
  ref: Map<string, string>;
  refFull: OSDMap;
  epoch: number;
  durationMs: number;
}

async function checkAndVerify(mon: string, where: string): Promise<void> {
  await MonStore.with(mon, {}, async (s) => {
    expect((await checkStore(s)).problems, where).toEqual([]);
    expect((await verifyHistory(s)).ok, where).toBe(true);
  });
}

const fullMap = (mon: string): Promise<OSDMap> => MonStore.with(mon, {}, async (s) => (await readFullMap(s)).map);

/**
 * A SIGKILL at any moment of `monctl osdmap edit …` leaves the store exactly as it was or
 * exactly as an uncut run leaves it (up to the epoch's own `modified` stamp, which is in the
 * new full map, the incremental and the paxos value): the epoch is one atomic batch. Every
 * resulting store passes `store check` and `osdmap verify`, and a real ceph-mon starts on one.
 */
describe.skipIf(!cephAvailable())('crash safety: SIGKILL during osdmap edit', () => {
  afterAll(() => removeTempDirs());
  const seed = Number(process.env.MONCTL_SEED ?? Date.now() % 1_000_000);

  for (const c of EDIT_CASES) {
    it(`${c.name}: all-or-nothing (seed ${seed})`, async () => {
      const rnd = mulberry32(seed).next;
      const starts = new Map<Backend, Start>();
      let args: string[] = [];
      for (const backend of BACKENDS) {
        const mon = extractFixture(backend);
        if (c.seeded) await seedLiveState(mon);
        // set-crush's file lies beside the pristine store and stays there for every run.
        args = ['osdmap', 'edit', c.name, ...(await c.args(mon)), '--no-backup'];
        const ref = `${mon}-ref`;
        await copyStore(mon, ref);
        const t0 = Date.now();
        expect(await runAndKill([...args, '-s', ref], 120_000)).toBe('exit 0');
        const durationMs = Date.now() - t0;
        starts.set(backend, { mon, digest: await storeDigest(mon), ref: await storeDigest(ref), refFull: await fullMap(ref), epoch: (await fullMap(ref)).epoch, durationMs });
      }
      for (const st of starts.values()) {
        await checkAndVerify(st.mon, 'pristine');
        await checkAndVerify(`${st.mon}-ref`, 'uncut run');
      }
      const outcomes = { old: 0, new: 0, killed: 0 };
      // The store a real ceph-mon is started on: the first one a killed run left new, else any.
      let sample: { mon: string; epoch: number; isNew: boolean } | undefined;
      const began = Date.now();
      let i = 0;
      for (; i < RUNS && (i < MIN_RUNS || Date.now() - began < BUDGET_MS); i++) {
        const st = starts.get(BACKENDS[i % BACKENDS.length]!)!;
        const dest = `${st.mon}-run-${i}`;
        await copyStore(st.mon, dest);
        // Half the kills land anywhere (some after the end: those runs complete), half near the
        // end of an uncut run's time, where the batch is written.
        const killAt = i % 2 === 0 ? rnd() * 1.3 : 0.75 + rnd() * 0.4;
        const status = await runAndKill([...args, '-s', dest], Math.floor(killAt * st.durationMs));
        const after = await storeDigest(dest);
        if (status === 'SIGKILL') outcomes.killed++;
        const where = `run ${i} (${status}, killed at ${Math.round(killAt * 100)}%), seed ${seed}`;
        const isNew = digestOf(after) !== digestOf(st.digest);
        // A store equal key for key to the pristine one passes check and verify as it does.
        if (isNew) await checkAndVerify(dest, where);
        if (isNew) {
          const written = changedKeys(st.digest, st.ref);
          expect(changedKeys(st.digest, after), where).toEqual(written);
          // Only the values holding the epoch's `modified` stamp may differ from the uncut run.
          const stamped = [`osdmap/full_${st.epoch}`, `osdmap/${st.epoch}`, ...written.filter((k) => /^paxos\/\d+$/.test(k))];
          expect(changedKeys(st.ref, after).filter((k) => !stamped.includes(k)), where).toEqual([]);
          expect(diffOSDMaps(st.refFull, await fullMap(dest)).identical, where).toBe(true);
          outcomes.new++;
        } else outcomes.old++;
        if (sample === undefined || (isNew && !sample.isNew)) {
          if (sample) rmSync(sample.mon, { recursive: true, force: true });
          sample = { mon: dest, epoch: isNew ? st.epoch : st.epoch - 1, isNew };
        } else rmSync(dest, { recursive: true, force: true });
      }
      console.log(`${c.name}: ${i} runs in ${Math.round((Date.now() - began) / 1000)} s, ${outcomes.killed} killed; ${outcomes.old} left the old state, ${outcomes.new} the new one (seed ${seed})`);
      expect(outcomes.old + outcomes.new).toBe(i);
      // A real ceph-mon starts on one of the stores the killed runs left.
      const m = await startMon({ monData: sample!.mon });
      try {
        const r = await m.ceph(['osd', 'dump', '-f', 'json']);
        expect(r.code, r.stderr).toBe(0);
        expect((JSON.parse(r.stdout) as { epoch: number }).epoch).toBeGreaterThanOrEqual(sample!.epoch);
      } finally {
        await m.stop();
      }
    }, BUDGET_MS + 150_000);
  }
});
