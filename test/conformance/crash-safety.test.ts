import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPaxosState } from '../../src/lib/mon/paxos/index.js';
import { MonStore, copyStore } from '../../src/lib/store/index.js';
import { runAndKill } from '../helpers/crash.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { mulberry32 } from '../../src/lib/random.js';
import { checkStore } from '../../src/lib/mon/index.js';

async function paxosKeys(mon: string): Promise<{ first: bigint; versions: string[] }> {
  return MonStore.with(mon, {}, async (s) => {
    const versions: string[] = [];
    for await (const e of s.entries({ prefix: 'paxos', values: false })) if (/^\d+$/.test(e.key)) versions.push(e.key);
    return { first: (await readPaxosState(s)).first_committed ?? 0n, versions: versions.sort((a, b) => Number(a) - Number(b)) };
  });
}

/**
 * A write killed at any moment leaves exactly the old state or exactly the new one: the
 * edit is one atomic batch. `paxos trim` is the biggest batch the foundation writes.
 */
describe.each(['leveldb', 'rocksdb'] as const)('crash safety on %s: SIGKILL during paxos trim', (backend) => {
  afterAll(() => removeTempDirs());
  const seed = Number(process.env.MONCTL_SEED ?? Date.now() % 1_000_000);

  it(`is all-or-nothing (seed ${seed})`, async () => {
    const rnd = mulberry32(seed).next;
    const pristine = extractFixture(backend);
    const old = await paxosKeys(pristine);
    const runs = 15;
    const outcomes = { old: 0, new: 0 };
    for (let i = 0; i < runs; i++) {
      const mon = join(pristine, '..', `run-${i}`);
      await copyStore(pristine, mon);
      const status = await runAndKill(['paxos', 'trim', '--keep', '2', '--no-backup', '-s', mon], Math.floor(rnd() * 1500));
      const after = await paxosKeys(mon);
      const report = await MonStore.with(mon, {}, (s) => checkStore(s));
      expect(report.problems, `run ${i} (${status}), seed ${seed}`).toEqual([]);
      if (after.first === old.first) {
        expect(after.versions, `run ${i}: old first_committed but versions changed`).toEqual(old.versions);
        outcomes.old++;
      } else {
        expect(after.versions, `run ${i}`).toEqual(old.versions.slice(-2));
        outcomes.new++;
      }
    }
    console.log(`${backend}: ${outcomes.old} runs left the old state, ${outcomes.new} the new one (seed ${seed})`);
    expect(outcomes.old + outcomes.new).toBe(runs);
  }, 120_000);
});
