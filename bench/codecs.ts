/**
 * OSDMap codec benchmark: in-process decode + re-encode of a 10,000-OSD map (target ≤ 50 ms,
 * median of 20 runs after warm-up; the bytes must come back identical), and
 * `osdmaptool F --dump json` against monctl's dumpOSDMap + JSON text, in-process and through
 * the built CLI (`osdmap dump --osdmap F`, when dist has it). Maps come from
 * `osdmaptool --createsimple N --with-default-pool` (10,000 and 2,000 OSDs) in a temp dir.
 *
 *   node --import tsx bench/codecs.ts [--runs 20] [--cli-runs 5]
 *
 * Results go to stdout as a table and to .bench/codecs.json. Needs osdmaptool (ceph-base).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { decodeOSDMap, dumpOSDMap, encodeOSDMap } from '../src/lib/osdmap/index.js';
import { toJson } from '../src/lib/render/json.js';
import { median, timeRun, which } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');
const DECODE_ENCODE_TARGET_MS = 50;
const SIZES = [10_000, 2_000];

interface SizeResult {
  osds: number;
  bytes: number;
  decodeMs: number;
  encodeMs: number;
  decodeEncodeMs: number;
  identical: boolean;
  dumpInProcessMs: number;
  osdmaptoolDumpMs?: number;
  cliDumpMs?: number;
  /** monctl / osdmaptool; below 1 means monctl is faster. */
  ratioInProcess?: number;
  ratioCli?: number;
  /** Whether monctl's dump text equals osdmaptool's (trailing newline aside). */
  dumpIdentical?: boolean;
  verdict?: string;
}

function options(): { runs: number; cliRuns: number } {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, 'cli-runs': { type: 'string' } } });
  return { runs: Number(values.runs ?? 20), cliRuns: Number(values['cli-runs'] ?? 5) };
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median of `runs` timings after `warm` untimed runs. */
function medianOf(runs: number, warm: number, fn: () => void): number {
  for (let i = 0; i < warm; i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(timeIt(fn));
  return median(ms);
}

async function medianRun(runs: number, cmd: string, args: string[]): Promise<number> {
  await timeRun(cmd, args); // warm the page cache and the module cache
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timeRun(cmd, args)).ms);
  return median(ms);
}

function cliHasOsdmapDump(): boolean {
  return existsSync(CLI) && existsSync(join(ROOT, 'dist', 'commands', 'osdmap', 'dump.js'));
}

async function benchSize(dir: string, osds: number, runs: number, cliRuns: number): Promise<SizeResult> {
  const file = join(dir, `osdmap-${osds}`);
  execFileSync('osdmaptool', ['--createsimple', String(osds), '--with-default-pool', '--clobber', file], { stdio: 'ignore' });
  const bytes = new Uint8Array(readFileSync(file));

  const map = decodeOSDMap(bytes);
  const identical = Buffer.from(encodeOSDMap(map)).equals(Buffer.from(bytes));
  const decodeEncodeMs = medianOf(runs, 5, () => void encodeOSDMap(decodeOSDMap(bytes)));
  const decodeMs = medianOf(runs, 3, () => void decodeOSDMap(bytes));
  const encodeMs = medianOf(runs, 3, () => void encodeOSDMap(map));
  const dumpInProcessMs = medianOf(runs, 3, () => void toJson(dumpOSDMap(decodeOSDMap(bytes)), 0));

  const res: SizeResult = { osds, bytes: bytes.length, decodeMs, encodeMs, decodeEncodeMs, identical, dumpInProcessMs };
  if (osds === SIZES[0]) res.verdict = decodeEncodeMs <= DECODE_ENCODE_TARGET_MS && identical ? 'PASS' : 'FAIL';

  const ceph = execFileSync('osdmaptool', [file, '--dump', 'json'], { maxBuffer: 1 << 30 }).toString();
  const ours = toJson(dumpOSDMap(map), 0);
  res.dumpIdentical = ceph.trimEnd() === ours.trimEnd();
  res.osdmaptoolDumpMs = await medianRun(cliRuns, 'osdmaptool', [file, '--dump', 'json']);
  res.ratioInProcess = dumpInProcessMs / res.osdmaptoolDumpMs;
  if (cliHasOsdmapDump()) {
    res.cliDumpMs = await medianRun(cliRuns, process.execPath, [CLI, 'osdmap', 'dump', '--osdmap', file]);
    res.ratioCli = res.cliDumpMs / res.osdmaptoolDumpMs;
  }
  return res;
}

async function main(): Promise<void> {
  const { runs, cliRuns } = options();
  if (which('osdmaptool') === undefined) {
    console.error('osdmaptool not found: install ceph-base (apt-get install -y ceph-base)');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'monctl-bench-codecs-'));
  const results: SizeResult[] = [];
  try {
    for (const osds of SIZES) results.push(await benchSize(dir, osds, runs, cliRuns));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const f = (n: number | undefined, d = 1): string => (n === undefined ? '–' : n.toFixed(d));
  const table = new Table({
    head: ['OSDs', 'bytes', 'decode ms', 'encode ms', 'dec+enc ms', 'same bytes', 'osdmaptool dump ms', 'dump in-process ms (ratio)', 'CLI dump ms (ratio)', 'dump = osdmaptool'],
  });
  for (const r of results) {
    table.push([
      r.osds,
      r.bytes,
      f(r.decodeMs),
      f(r.encodeMs),
      `${f(r.decodeEncodeMs)}${r.verdict ? ` ${r.verdict}` : ''}`,
      r.identical ? 'yes' : 'NO',
      f(r.osdmaptoolDumpMs),
      `${f(r.dumpInProcessMs)} (${f(r.ratioInProcess, 2)}x)`,
      r.cliDumpMs === undefined ? 'no osdmap dump in dist' : `${f(r.cliDumpMs)} (${f(r.ratioCli, 2)}x)`,
      r.dumpIdentical ? 'yes' : 'NO',
    ]);
  }
  console.log(table.toString());
  const main10k = results[0]!;
  console.log(
    `decode+encode of the ${main10k.osds}-OSD map: ${f(main10k.decodeEncodeMs)} ms (median of ${runs}, target ≤ ${DECODE_ENCODE_TARGET_MS} ms): ${main10k.verdict}`,
  );
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    cliRuns,
    targetDecodeEncodeMs: DECODE_ENCODE_TARGET_MS,
    verdict: main10k.verdict,
    results,
  };
  writeFileSync(join(ROOT, '.bench', 'codecs.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log('results written to .bench/codecs.json');
  if (main10k.verdict !== 'PASS') process.exitCode = 1;
}

await main();
