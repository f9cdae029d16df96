/**
 * `npm run sim -- --seeds N [--seed S] [--chaos-ticks T]`: runs seeds S..S+N-1 (S defaults
 * to 1) and prints one line per failure with the seed that replays it; exit 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { runSeed } from './run.js';

const { values } = parseArgs({
  options: { seeds: { type: 'string' }, seed: { type: 'string' }, 'chaos-ticks': { type: 'string' }, verbose: { type: 'boolean' } },
});
const first = Number(values.seed ?? 1);
const count = Number(values.seeds ?? (values.seed !== undefined ? 1 : 100));
const chaosTicks = values['chaos-ticks'] !== undefined ? Number(values['chaos-ticks']) : undefined;
let failed = 0;
let versions = 0;
for (let s = first; s < first + count; s++) {
  const r = runSeed(s, chaosTicks === undefined ? {} : { chaosTicks });
  versions += r.committedVersions;
  if (!r.ok) {
    failed++;
    console.log(`seed ${s} FAILED: ${r.error}`);
  } else if (values.verbose) {
    console.log(`seed ${s} ok: ${r.size} mons, ${r.ticks} ticks, ${r.committedVersions} versions, ${r.crashes} crashes, ${r.acked} acks, ${r.delivered} msgs (${r.dropped} dropped)`);
  }
}
console.log(`${count} seeds, ${failed} failed, ${versions} paxos versions committed`);
process.exitCode = failed > 0 ? 1 : 0;
