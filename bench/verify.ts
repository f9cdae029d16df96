/**
 * `monctl osdmap verify` on a synthetic 1,000-OSD, 10,001-epoch LevelDB history (target
 * ≤ 10 s), through the built CLI, median of --runs after one untimed warm-up run (which also
 * checks the result); CPU time (user + sys, summed over verify's threads: it splits the epochs
 * over two) is reported too, the figure to trust on a busy machine. The store is generated once (several minutes) and cached under
 * os.tmpdir(); a sample of its full maps is checked with `osdmaptool --print` (which decodes
 * the map and checks its CRC) when osdmaptool is installed.
 *
 *   npm run bench:verify [-- --osds 1000 --epochs 10000 --runs 3 --seed 1]
 *
 * Results go to stdout and .bench/verify.json. Needs crushtool and osdmaptool to build the base map.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median, timeWithCpu, which } from './proc.js';
import { ensureHistoryStore, type HistoryStoreInfo } from './verify-store.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const TARGET_SECONDS = 10;

function options(): { osds: number; epochs: number; runs: number; seed: number } {
  const { values } = parseArgs({ options: { osds: { type: 'string' }, epochs: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' } } });
  return { osds: Number(values.osds ?? 1000), epochs: Number(values.epochs ?? 10_000), runs: Number(values.runs ?? 3), seed: Number(values.seed ?? 1) };
}

/** osdmaptool --print on a few epochs: each must decode and pass osdmaptool's CRC check. */
function sampleWithOsdmaptool(store: HistoryStoreInfo): number[] {
  if (!which('osdmaptool')) return [];
  const dir = mkdtempSync(join(tmpdir(), 'monctl-verify-sample-'));
  const span = store.last - store.first;
  const epochs = [store.first, store.first + 1, ...[0.1, 0.5, 0.9].map((f) => store.first + Math.round(span * f)), store.last];
  try {
    for (const e of epochs) {
      const file = join(dir, `full_${e}`);
      execFileSync(process.execPath, [CLI, 'osdmap', 'get', '-s', store.monDir, '--epoch', String(e), '-o', file], { stdio: 'ignore' });
      const text = execFileSync('osdmaptool', [file, '--print'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (!text.startsWith(`epoch ${e}\n`)) throw new Error(`osdmaptool --print of epoch ${e} starts ${JSON.stringify(text.slice(0, 40))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return epochs;
}

async function main(): Promise<void> {
  const o = options();
  const store = await ensureHistoryStore(o.osds, o.epochs, o.seed);
  const gb = (n: number) => (n / 2 ** 30).toFixed(2);
  console.log(`store ${store.monDir}: epochs ${store.first}..${store.last}, ${o.osds} OSDs, full maps ${gb(store.fullBytes)} GiB, incrementals ${(store.incBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log(store.reused ? 'reused the cached store' : `generated in ${store.generateSeconds.toFixed(1)} s`);
  const sampled = sampleWithOsdmaptool(store);
  if (sampled.length > 0) console.log(`osdmaptool --print decodes (CRC checked) epochs ${sampled.join(', ')}`);

  const args = [CLI, 'osdmap', 'verify', '-s', store.monDir];
  const check = execFileSync(process.execPath, args, { encoding: 'utf8' });
  if (!check.startsWith(`verified epochs ${store.first}..${store.last}:`)) throw new Error(`unexpected verify output: ${check}`);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const t = timeWithCpu(process.execPath, args);
    ms.push(t.wallMs);
    cpuMs.push(t.cpuMs);
  }
  const seconds = median(ms) / 1000;
  const cpuSeconds = median(cpuMs) / 1000;
  const verdict = seconds <= TARGET_SECONDS ? 'meets' : 'misses';
  console.log(`${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} (wall times on a loaded machine are not the target's)`);
  console.log(`osdmap verify: ${ms.map((m) => (m / 1000).toFixed(2)).join(' / ')} s wall, median ${seconds.toFixed(2)} s (${verdict} the ${TARGET_SECONDS} s target); CPU median ${cpuSeconds.toFixed(2)} s`);
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const result = { osds: o.osds, epochs: store.last - store.first + 1, fullBytes: store.fullBytes, runsMs: ms, runsCpuMs: cpuMs, medianSeconds: seconds, medianCpuSeconds: cpuSeconds, targetSeconds: TARGET_SECONDS, sampledWithOsdmaptool: sampled };
  writeFileSync(join(ROOT, '.bench', 'verify.json'), JSON.stringify(result, null, 2) + '\n');
}

await main();
