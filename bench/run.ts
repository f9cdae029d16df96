/**
 * monctl vs ceph-kvstore-tool on one synthetic LevelDB mon store, plus monctl's cold start;
 * then the same listings on RocksDB stores of Pacific and Reef (bench/store-list.ts, with the
 * same --keys, --runs and --seed; --leveldb-only skips them).
 *
 *   npm run bench                          # 1,000,000 keys (~1 GB), 3 runs each
 *   npm run bench -- --keys 100000 --runs 5
 *   npm run bench -- --dump                # also time `dump` (not the same work; slow)
 *
 * Every timed command writes its stdout to /dev/null; the time is wall clock, median of
 * --runs. ceph-kvstore-tool gets a fresh hard-linked snapshot of the store per run (it
 * rewrites MANIFEST/log files even to read), made outside its timing; monctl is pointed at
 * the store itself and its own internal snapshot counts in its time. An untimed first run
 * of each command warms the page cache and checks that both tools print the same output.
 * Results go to stdout as a table and to .bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { checkBuild, median, percentile, snapshotStore, timeRun, which, type RunResult } from './proc.js';
import { ensureStore, type StoreInfo } from './store-gen.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const LIST_TARGET = 1.0;
const COLD_START_RUNS = 21;
const COLD_START_TARGET_MS = 150;

interface Operation {
  name: string;
  ceph: string;
  monctl: string[];
  /** Compare both tools' stdout (sha256) on the untimed first run. */
  verify: boolean;
  /** target: ratio must be <= LIST_TARGET; compare: ratio shown; info: not the same work. */
  kind: 'target' | 'compare' | 'info';
}

const OPERATIONS: Operation[] = [
  { name: 'list', ceph: 'list', monctl: ['store', 'list'], verify: true, kind: 'target' },
  { name: 'list-crc / store crc', ceph: 'list-crc', monctl: ['store', 'crc'], verify: true, kind: 'compare' },
  { name: 'dump / store dump (not the same work)', ceph: 'dump', monctl: ['store', 'dump'], verify: false, kind: 'info' },
];

interface OpResult {
  name: string;
  kind: Operation['kind'];
  cephMs?: number[];
  monctlMs: number[];
  cephMedianMs?: number;
  monctlMedianMs: number;
  ratio?: number;
  /** Medians of CPU time (user + system) and their ratio: steadier than wall time on a shared machine. */
  cpuMedianMs?: { ceph?: number; monctl: number };
  cpuRatio?: number;
  outputsIdentical?: boolean;
  sha256?: { ceph?: string; monctl: string };
  verdict: string;
}

function parseOptions(): { keys: number; runs: number; seed: number; dump: boolean; leveldbOnly: boolean } {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      // `ceph-kvstore-tool dump` hexdumps every value: ~100 s a run on 1 GB, so opt-in.
      dump: { type: 'boolean', default: false },
      'leveldb-only': { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  return { keys: int('keys', values.keys!, 100), runs: int('runs', values.runs!, 1), seed: int('seed', values.seed!, 0), dump: values.dump === true, leveldbOnly: values['leveldb-only'] === true };
}

function runCeph(cephTool: string, store: StoreInfo, command: string, hash = false): Promise<RunResult> {
  const snap = snapshotStore(store.dbDir);
  return timeRun(cephTool, ['leveldb', snap.dbDir, command], { hash }).finally(snap.dispose);
}

function runMonctl(store: StoreInfo, args: string[], hash = false): Promise<RunResult> {
  return timeRun(process.execPath, [CLI, ...args, '-s', store.monDir], { hash, cwd: ROOT });
}

async function benchOperation(op: Operation, store: StoreInfo, runs: number, cephTool: string | undefined): Promise<OpResult> {
  const say = (s: string) => process.stderr.write(`  ${op.name}: ${s}\n`);
  // Untimed first run: warms the page cache and, where the output should match, hashes it.
  const firstMonctl = await runMonctl(store, op.monctl, op.verify);
  const firstCeph = cephTool ? await runCeph(cephTool, store, op.ceph, op.verify) : undefined;
  const cephMs: number[] = [];
  const monctlMs: number[] = [];
  const cephCpu: number[] = [];
  const monctlCpu: number[] = [];
  for (let i = 1; i <= runs; i++) {
    if (cephTool) {
      const r = await runCeph(cephTool, store, op.ceph);
      cephMs.push(r.ms);
      if (r.cpuMs !== undefined) cephCpu.push(r.cpuMs);
    }
    const r = await runMonctl(store, op.monctl);
    monctlMs.push(r.ms);
    if (r.cpuMs !== undefined) monctlCpu.push(r.cpuMs);
    say(`run ${i}/${runs}: ceph ${cephTool ? fmtMs(cephMs.at(-1)!) : 'n/a'}, monctl ${fmtMs(monctlMs.at(-1)!)}`);
  }
  const cpuMedianMs = monctlCpu.length > 0 ? { ceph: cephCpu.length > 0 ? median(cephCpu) : undefined, monctl: median(monctlCpu) } : undefined;
  const cpuRatio = cpuMedianMs?.ceph ? cpuMedianMs.monctl / cpuMedianMs.ceph : undefined;
  const monctlMedianMs = median(monctlMs);
  const cephMedianMs = cephTool ? median(cephMs) : undefined;
  const ratio = cephMedianMs ? monctlMedianMs / cephMedianMs : undefined;
  const outputsIdentical = op.verify && firstCeph ? firstCeph.sha256 === firstMonctl.sha256 : undefined;
  let verdict: string;
  if (ratio === undefined) verdict = 'not measured (no ceph-kvstore-tool)';
  else if (op.kind === 'target') verdict = ratio <= LIST_TARGET ? 'PASS' : 'FAIL';
  else if (op.kind === 'compare') verdict = ratio <= 1 ? 'faster' : 'slower';
  else verdict = 'info';
  if (outputsIdentical === false) verdict += ', OUTPUT DIFFERS';
  const sha256 = op.verify ? { monctl: firstMonctl.sha256!, ceph: firstCeph?.sha256 } : undefined;
  return { name: op.name, kind: op.kind, cephMs: cephTool ? cephMs : undefined, monctlMs, cephMedianMs, monctlMedianMs, ratio, cpuMedianMs, cpuRatio, outputsIdentical, sha256, verdict };
}

async function coldStart(): Promise<{ samplesMs: number[]; medianMs: number; p90Ms: number; nodeFloorMedianMs: number; verdict: string }> {
  const sample = async (args: string[]) => {
    await timeRun(process.execPath, args, { cwd: ROOT }); // untimed warm-up
    const ms: number[] = [];
    for (let i = 0; i < COLD_START_RUNS; i++) ms.push((await timeRun(process.execPath, args, { cwd: ROOT })).ms);
    return ms;
  };
  const samplesMs = await sample([CLI, '--version']);
  // What any Node program pays before its first line runs: the floor for the figure above.
  const nodeFloorMedianMs = median(await sample(['-e', '0']));
  const medianMs = median(samplesMs);
  return { samplesMs, medianMs, p90Ms: percentile(samplesMs, 90), nodeFloorMedianMs, verdict: medianMs <= COLD_START_TARGET_MS ? 'PASS' : 'FAIL' };
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function printReport(store: StoreInfo, runs: number, results: OpResult[], cold: Awaited<ReturnType<typeof coldStart>>, cephTool?: string): void {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  console.log(`\nstore: ${store.monDir} (${store.keys.toLocaleString('en-US')} keys, values ${mib(store.valueBytes)}, ${mib(store.diskBytes)} on disk; ` +
    `generated in ${store.generateSeconds.toFixed(1)} s${store.reused ? ', reused from cache' : ''})`);
  console.log(`medians of ${runs} run(s), stdout to /dev/null; ceph tool: ${cephTool ?? 'not on PATH, ratios not measured'}\n`);
  const table = new Table({ head: ['operation', 'ceph-kvstore-tool', 'monctl', 'ratio monctl/ceph', 'CPU time ceph / monctl (ratio)', 'verdict'], style: { head: [], border: [] } });
  for (const r of results) {
    const ratio = r.ratio === undefined ? 'not measured' : `${r.ratio.toFixed(2)}${r.kind === 'target' ? ` (target ≤ ${LIST_TARGET.toFixed(1)})` : ''}`;
    const cpu = r.cpuMedianMs
      ? `${r.cpuMedianMs.ceph === undefined ? 'n/a' : fmtMs(r.cpuMedianMs.ceph)} / ${fmtMs(r.cpuMedianMs.monctl)}${r.cpuRatio === undefined ? '' : ` (${r.cpuRatio.toFixed(2)})`}`
      : 'n/a';
    table.push([r.name, r.cephMedianMs === undefined ? 'n/a' : fmtMs(r.cephMedianMs), fmtMs(r.monctlMedianMs), ratio, cpu, r.verdict]);
  }
  for (const r of results.filter((x) => x.outputsIdentical !== undefined)) {
    const what = r.name.split(' ')[0];
    table.push([`${what}: output identical (sha256)`, r.sha256!.ceph!.slice(0, 12), r.sha256!.monctl.slice(0, 12), '', '', r.outputsIdentical ? 'PASS' : 'FAIL']);
  }
  table.push([`cold start: --version (${COLD_START_RUNS} runs)`, '', `median ${fmtMs(cold.medianMs)}, p90 ${fmtMs(cold.p90Ms)} (node -e 0: ${fmtMs(cold.nodeFloorMedianMs)})`, `target ≤ ${COLD_START_TARGET_MS} ms`, '', cold.verdict]);
  console.log(table.toString());
}

function writeResults(data: unknown): string {
  const dir = join(ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'results.json');
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

async function main(): Promise<void> {
  const opts = parseOptions();
  checkBuild(ROOT);
  const cephTool = which('ceph-kvstore-tool');
  if (!cephTool) process.stderr.write('warning: ceph-kvstore-tool is not on PATH; timing monctl only, ratios cannot be measured\n');
  const store = await ensureStore(opts.keys, opts.seed);
  const results: OpResult[] = [];
  for (const op of OPERATIONS.filter((o) => opts.dump || o.kind !== 'info')) results.push(await benchOperation(op, store, opts.runs, cephTool));
  const cold = await coldStart();
  printReport(store, opts.runs, results, cold, cephTool);
  const file = writeResults({
    date: new Date().toISOString(),
    node: process.version,
    options: opts,
    store: { keys: store.keys, seed: store.seed, valueBytes: store.valueBytes, diskBytes: store.diskBytes, generateSeconds: store.generateSeconds, reused: store.reused },
    cephKvstoreTool: cephTool ?? null,
    operations: results,
    coldStart: { runs: COLD_START_RUNS, targetMs: COLD_START_TARGET_MS, ...cold },
  });
  console.log(`\nresults: ${file}`);
  let failed = results.some((r) => r.verdict.startsWith('FAIL') || r.outputsIdentical === false) || cold.verdict === 'FAIL';
  if (!opts.leveldbOnly) {
    console.log('\nRocksDB stores (Pacific and Reef): bench/store-list.ts\n');
    const args = ['--import', 'tsx', join(ROOT, 'bench', 'store-list.ts'), '--keys', String(opts.keys), '--runs', String(opts.runs), '--seed', String(opts.seed)];
    failed = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT }).status !== 0 || failed;
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
