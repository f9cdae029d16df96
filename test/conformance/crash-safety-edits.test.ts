import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readPaxosState } from '../../src/lib/mon/paxos/index.js';
import { MonStore, copyStore } from '../../src/lib/store/index.js';
import { mulberry32 } from '../../src/lib/random.js';
import { cephAvailable, copyDir, extractFixture, makeTempDir, removeTempDirs, startMon, type Backend } from '../helpers/ceph.js';
import { runCliAndKill } from '../helpers/crash.js';
import { kvDigest } from '../helpers/store-digest.js';
import { checkStore, planMonmapEdit, readMonMap } from '../../src/lib/mon/index.js';

/**
 * Every write command of the monmap surgery and trimming, SIGKILLed at random moments: each
 * resulting store passes `store check` and holds exactly the old or exactly the new state
 * (a digest of every key and value), and a real ceph-mon starts on a sample of them.
 *
 * The issue asks for 100 runs per command. On a shared 2-core machine a run costs about a
 * second (Node start-up, a store copy, a digest), so each command gets as many runs as fit
 * in MONCTL_CRASH_SECONDS (default 60) up to MONCTL_CRASH_RUNS (default 100); the counts are
 * printed. Runs alternate between a LevelDB and a RocksDB store.
 */
const SECONDS = Number(process.env.MONCTL_CRASH_SECONDS ?? 60);
const MAX_RUNS = Number(process.env.MONCTL_CRASH_RUNS ?? 100);
const seed = Number(process.env.MONCTL_SEED ?? Date.now() % 1_000_000);

interface Case {
  name: string;
  args: string[];
  /** Makes the base store the command runs on (default: the fixture as is). */
  prepare?: (mon: string) => Promise<void>;
  /** Values holding a clock reading (the new monmap epoch and the paxos version holding it). */
  clockKeys?: (mon: string) => Promise<Set<string>>;
  /** The monitors the new state's monmap must name. */
  newMons?: string[];
  /**
   * Which state the live sample starts on (default new): the one whose monmap has one mon,
   * as a lone ceph-mon has no quorum in a two-mon map. (monmap-edit-live.test.ts starts
   * two monitors on an added one.)
   */
  sample?: 'old' | 'new';
}

const NOW = { sec: 1_800_000_000, nsec: 0 };

async function addMonB(mon: string): Promise<void> {
  await MonStore.with(mon, { write: true }, async (s) => {
    await s.apply((await planMonmapEdit(s, { op: 'add', name: 'b', addr: 'v2:127.0.0.1:40021' }, NOW)).transaction);
  });
}

async function monmapClockKeys(mon: string): Promise<Set<string>> {
  return MonStore.with(mon, {}, async (s) => {
    const paxos = (await readPaxosState(s)).last_committed!;
    const epoch = (await readMonMap(s)).epoch;
    return new Set([`paxos/${paxos + 1n}`, `monmap/${epoch + 1}`]);
  });
}

const CASES: Case[] = [
  { name: 'monmap rm', args: ['monmap', 'rm', 'b'], prepare: addMonB, clockKeys: monmapClockKeys, newMons: ['a'] },
  { name: 'monmap add', args: ['monmap', 'add', 'b', '127.0.0.1:40021'], clockKeys: monmapClockKeys, newMons: ['a', 'b'], sample: 'old' },
  { name: 'monmap set-addr', args: ['monmap', 'set-addr', 'a', 'v2:127.0.0.1:40099'], clockKeys: monmapClockKeys, newMons: ['a'] },
  { name: 'monmap inject', args: ['monmap', 'inject'], newMons: ['a'] },
  { name: 'osdmap trim', args: ['osdmap', 'trim', '--keep', '5', '--force'] },
  { name: 'store trim', args: ['store', 'trim', '--keep', '3', '--force'] },
];

describe.skipIf(!cephAvailable())(`crash safety of the monmap and trim commands: SIGKILL at random moments (seed ${seed})`, () => {
  const work = makeTempDir('monctl-crash-edits-');
  const bases: Record<Backend, string> = { leveldb: '', rocksdb: '' };
  beforeAll(() => {
    for (const b of ['leveldb', 'rocksdb'] as Backend[]) bases[b] = extractFixture(b);
  });
  afterAll(() => removeTempDirs());

  for (const [i, c] of CASES.entries()) {
    it(`${c.name}: every killed run leaves the old or the new state, and the store checks clean`, async () => {
      const rnd = mulberry32(seed + i).next;
      const prepared: Record<Backend, { base: string; ref: string; args: string[]; old: string; new: string; ms: number; clock: Set<string> }> = {} as never;
      for (const b of ['leveldb', 'rocksdb'] as Backend[]) {
        const base = join(work, `${i}-${b}-base`);
        await copyStore(bases[b], base);
        await c.prepare?.(base);
        const args = [...c.args, '--no-backup'];
        if (c.name === 'monmap inject') {
          const file = join(work, `${i}-${b}.monmap`);
          writeFileSync(file, (await MonStore.with(base, {}, (s) => readMonMap(s))).bytes);
          args.push('--monmap', file);
        }
        const clock = (await c.clockKeys?.(base)) ?? new Set<string>();
        const ref = join(work, `${i}-${b}-ref`);
        await copyStore(base, ref);
        const full = await runCliAndKill([...args, '-s', ref]);
        expect(full.status, `${c.name} on ${b} did not complete`).toBe('exit 0');
        prepared[b] = { base, ref, args, old: await kvDigest(base, clock), new: await kvDigest(ref, clock), ms: full.ms, clock };
        expect(prepared[b].new).not.toBe(prepared[b].old);
      }

      const outcomes = { old: 0, new: 0 };
      const sampled: Partial<Record<'old' | 'new', string>> = {};
      const deadline = Date.now() + SECONDS * 1000;
      let runs = 0;
      for (; runs < MAX_RUNS && Date.now() < deadline; runs++) {
        const b: Backend = runs % 2 === 0 ? 'rocksdb' : 'leveldb';
        const p = prepared[b];
        const mon = copyDir(p.base, join(work, `${i}-run-${runs}`));
        // Half the kills anywhere in the run, half in its last third, where the store is
        // opened, planned on and written (Node's start-up takes most of a run).
        const killAt = Math.floor(p.ms * (runs % 4 < 2 ? rnd() * 1.1 : 0.7 + rnd() * 0.4));
        const { status } = await runCliAndKill([...p.args, '-s', mon], killAt);
        const report = await MonStore.with(mon, {}, (s) => checkStore(s));
        expect(report.problems, `${c.name} run ${runs} on ${b} (${status} after ${killAt} ms), seed ${seed}`).toEqual([]);
        const digest = await kvDigest(mon, p.clock);
        const state = digest === p.old ? 'old' : digest === p.new ? 'new' : 'neither';
        expect(state, `${c.name} run ${runs} on ${b} (${status} after ${killAt} ms), seed ${seed}`).not.toBe('neither');
        if (state === 'new' && c.newMons) {
          expect((await MonStore.with(mon, {}, (s) => readMonMap(s))).map.ranks).toEqual(c.newMons);
        }
        outcomes[state as 'old' | 'new']++;
        if (sampled[state as 'old' | 'new'] === undefined) sampled[state as 'old' | 'new'] = mon;
        else rmSync(mon, { recursive: true, force: true });
      }
      console.log(`${c.name}: ${runs} runs in ${SECONDS} s budget, ${outcomes.old} left the old state, ${outcomes.new} the new one (seed ${seed})`);
      expect(outcomes.old + outcomes.new).toBe(runs);
      expect(runs).toBeGreaterThan(0);

      // A real ceph-mon starts on a killed run's store in the sampled state (on the completed
      // reference run or the base when no killed run ended there).
      const want = c.sample ?? 'new';
      const sample = sampled[want] ?? (want === 'new' ? prepared.rocksdb.ref : prepared.rocksdb.base);
      const live = await startMon({ monData: sample, readyTimeoutMs: 60_000 });
      try {
        expect((await live.ceph(['osd', 'dump', '-f', 'json'])).code).toBe(0);
      } finally {
        await live.stop();
      }
    }, (SECONDS + 150) * 1000);
  }
});
