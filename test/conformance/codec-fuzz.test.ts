/**
 * Codec fuzzing: 100,000 mutated or truncated copies of the archived corpus objects of every
 * decoded type, each fed to its decoder and, when that succeeds, to its encoder and its
 * dump/print functions. A corrupt value may only ever be refused with a MonctlError
 * (DECODE_TRUNCATED / DECODE_INVALID / DECODE_TOO_NEW) whose offset lies inside the input;
 * nothing may throw anything else, take more than a second, or allocate without bound.
 *
 * The inputs are a pure function of (seed, target, index), so any failure replays exactly:
 *   MONCTL_FUZZ_SEED=<seed> (default below; printed)   MONCTL_FUZZ_INPUTS=<total> (default 100000)
 *
 * The work runs in child processes (two on a two-core runner) so that a decoder that loops
 * forever can be stopped (the watchdog kills the process and names the input in flight) and one
 * that allocates without bound dies on the child's heap cap instead of taking the runner down.
 * The children load this same file through tsx; an environment variable tells them apart.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crushTree, decodeCrushMap, decompileCrushMap, dumpCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { crc32c, Reader, Writer } from '../../src/lib/encoding/index.js';
import { MonctlError } from '../../src/lib/errors.js';
import { decodeMonMap, dumpMonMap, encodeMonMap, printMonMap } from '../../src/lib/monmap/index.js';
import {
  decodeEntityAddr,
  decodeEntityAddrvec,
  dumpEntityAddr,
  dumpEntityAddrvec,
  encodeEntityAddr,
  encodeEntityAddrvec,
  formatEntityAddr,
  formatEntityAddrvec,
} from '../../src/lib/msg/index.js';
import { decodeIncremental, decodeOSDMap, decodePg, decodePgPool, dumpOSDMap, dumpPgPool, encodeIncremental, encodeOSDMap, encodePg, encodePgPool, formatPg, formatPgPool, dumpIncremental, printIncremental, printOSDMap, printOSDTree, type DecodeOptions } from '../../src/lib/osdmap/index.js';
import { mulberry32, type Prng } from '../../src/lib/random.js';
import { toJson } from '../../src/lib/render/json.js';
import { decodeOp, dumpOp, dumpTransaction, encodeOp, transactionFromBytes, transactionToBytes } from '../../src/lib/store/transaction.js';
import { corpusAvailable, corpusObjects, type CorpusObject } from '../helpers/corpus.js';

const DEFAULT_SEED = 0x6d6f6e63; // "monc"
const DEFAULT_INPUTS = 100_000;
/** An input that takes longer than this fails the run (plus PG_MS per PG its map declares). */
const SLOW_MS = 1_000;
/**
 * An OSDMap's pools may declare up to 2^20 PGs each in a few bytes; printing or dumping it maps
 * every PG of such a pool, as Ceph's read-balance score does (OSDMap::calc_read_balance): work
 * linear in what the map says, not a hang. Each declared PG adds this much to the limit.
 */
const PG_MS = 0.02;
/** An input still running after this long is a hang: its worker is terminated. */
const HANG_MS = 10_000;
/** A fuzz process's V8 heap cap: a decoder allocating by a corrupt count rather than by the bytes left dies on it. */
const CHILD_HEAP_MB = 512;
const MAX_REPORTED_FAILURES = 12;

// ---- targets ---------------------------------------------------------------------------------------

type Mode = 'plain' | 'skipCrc' | 'fixCrc';

interface Target {
  /** Name of the `it` block. */
  name: string;
  /** Corpus folder. */
  type: string;
  /** Share of the total inputs, in thousandths (sums to 1000). */
  share: number;
  mode: Mode;
  /** Decodes, then (when that succeeds) encodes and dumps/prints; `ph.phase` says how far it got. */
  run(bytes: Uint8Array, ph: Phase): void;
}

interface Phase {
  phase: string;
  /** Length of the buffer the current decoder is reading (nested maps are checked against their own). */
  len: number;
  decoded: boolean;
  /** Time the decoded value may take beyond SLOW_MS (its declared size). */
  extraMs?: number;
}

/** Decoding a whole value with a Reader-based decoder: it must consume every byte. */
function whole<T>(bytes: Uint8Array, what: string, decode: (r: Reader) => T): T {
  const r = new Reader(bytes);
  const v = decode(r);
  r.end(what);
  return v;
}


/** Decoded: then every encoder and renderer runs, each under its own phase name. */
function after(ph: Phase, steps: [string, () => unknown][], renderers: [string, () => unknown][] = []): void {
  ph.decoded = true;
  for (const [name, step] of [...steps, ...renderers]) {
    ph.phase = name;
    step();
  }
}

/** A nested decoder over a blob of the outer value (Incremental.fullmap / .crush). */
function nested<T>(ph: Phase, name: string, bytes: Uint8Array, decode: () => T): T {
  const saved = { phase: ph.phase, len: ph.len };
  ph.phase = name;
  ph.len = bytes.length;
  const v = decode();
  ph.phase = saved.phase;
  ph.len = saved.len;
  return v;
}

function runOSDMap(bytes: Uint8Array, ph: Phase, opts: DecodeOptions): void {
  const m = decodeOSDMap(bytes, opts);
  ph.extraMs = [...m.pools.values()].reduce((n, p) => n + p.pgNum, 0) * PG_MS;
  after(
    ph,
    [['encodeOSDMap', () => encodeOSDMap(m)]],
    [
      ['dumpOSDMap', () => toJson(dumpOSDMap(m), 0)],
      ['printOSDMap', () => printOSDMap(m)],
      ['printOSDTree', () => printOSDTree(m)],
    ],
  );
}

function runIncremental(bytes: Uint8Array, ph: Phase, opts: DecodeOptions): void {
  const inc = decodeIncremental(bytes, opts);
  after(
    ph,
    [['encodeIncremental', () => encodeIncremental(inc)]],
    [
      ['printIncremental', () => printIncremental(inc)],
      ['dumpIncremental', () => toJson(dumpIncremental(inc), 0)],
    ],
  );
  if (inc.fullmap.length > 0) {
    const m = nested(ph, 'decodeOSDMap(fullmap)', inc.fullmap, () => decodeOSDMap(inc.fullmap, opts));
    after(ph, [['encodeOSDMap(fullmap)', () => encodeOSDMap(m)]], [['dumpOSDMap(fullmap)', () => toJson(dumpOSDMap(m), 0)]]);
  }
  if (inc.crush.length > 0) {
    const c = nested(ph, 'decodeCrushMap(crush)', inc.crush, () => decodeCrushMap(inc.crush));
    after(ph, [['encodeCrushMap(crush)', () => encodeCrushMap(c)]]);
  }
}

export const TARGETS: Target[] = [
  { name: 'OSDMap (CRC checked)', type: 'OSDMap', share: 60, mode: 'plain', run: (b, ph) => runOSDMap(b, ph, {}) },
  { name: 'OSDMap (skipCrc)', type: 'OSDMap', share: 80, mode: 'skipCrc', run: (b, ph) => runOSDMap(b, ph, { skipCrc: true }) },
  { name: 'OSDMap (CRC recomputed)', type: 'OSDMap', share: 60, mode: 'fixCrc', run: (b, ph) => runOSDMap(b, ph, {}) },
  { name: 'OSDMap::Incremental (CRC checked)', type: 'OSDMap::Incremental', share: 40, mode: 'plain', run: (b, ph) => runIncremental(b, ph, {}) },
  { name: 'OSDMap::Incremental (skipCrc)', type: 'OSDMap::Incremental', share: 60, mode: 'skipCrc', run: (b, ph) => runIncremental(b, ph, { skipCrc: true }) },
  { name: 'OSDMap::Incremental (CRC recomputed)', type: 'OSDMap::Incremental', share: 50, mode: 'fixCrc', run: (b, ph) => runIncremental(b, ph, {}) },
  {
    name: 'CrushWrapper',
    type: 'CrushWrapper',
    share: 150,
    mode: 'plain',
    run: (b, ph) => {
      const c = decodeCrushMap(b);
      after(ph, [
        ['encodeCrushMap', () => encodeCrushMap(c)],
        ['dumpCrushMap', () => toJson(dumpCrushMap(c), 0)],
        ['decompileCrushMap', () => decompileCrushMap(c)],
        ['crushTree', () => crushTree(c, { showShadow: true })],
      ]);
    },
  },
  {
    name: 'MonMap',
    type: 'MonMap',
    share: 80,
    mode: 'plain',
    run: (b, ph) => {
      const m = whole(b, 'MonMap', decodeMonMap);
      after(ph, [
        ['encodeMonMap', () => encodeMonMap(new Writer(), m)],
        ['printMonMap', () => printMonMap(m, 'fuzz')],
        ['dumpMonMap', () => toJson(dumpMonMap(m), 0)],
      ]);
    },
  },
  {
    name: 'pg_pool_t',
    type: 'pg_pool_t',
    share: 100,
    mode: 'plain',
    run: (b, ph) => {
      const p = whole(b, 'pg_pool_t', decodePgPool);
      after(
        ph,
        [['encodePgPool', () => encodePgPool(new Writer(), p)]],
        [
          ['dumpPgPool', () => toJson(dumpPgPool(p, { id: 1, name: 'fuzz' }), 0)],
          ['formatPgPool', () => formatPgPool(p)],
        ],
      );
    },
  },
  {
    name: 'pg_t',
    type: 'pg_t',
    share: 40,
    mode: 'plain',
    run: (b, ph) => {
      const pg = whole(b, 'pg_t', decodePg);
      after(ph, [
        ['encodePg', () => encodePg(new Writer(), pg)],
        ['formatPg', () => formatPg(pg)],
      ]);
    },
  },
  {
    name: 'entity_addr_t',
    type: 'entity_addr_t',
    share: 60,
    mode: 'plain',
    run: (b, ph) => {
      const a = whole(b, 'entity_addr_t', decodeEntityAddr);
      after(ph, [
        ['encodeEntityAddr', () => encodeEntityAddr(new Writer(), a)],
        ['dumpEntityAddr', () => toJson(dumpEntityAddr(a), 0)],
        ['formatEntityAddr', () => formatEntityAddr(a)],
      ]);
    },
  },
  {
    name: 'entity_addrvec_t',
    type: 'entity_addrvec_t',
    share: 60,
    mode: 'plain',
    run: (b, ph) => {
      const av = whole(b, 'entity_addrvec_t', decodeEntityAddrvec);
      after(ph, [
        ['encodeEntityAddrvec', () => encodeEntityAddrvec(new Writer(), av)],
        ['dumpEntityAddrvec', () => toJson(dumpEntityAddrvec(av), 0)],
        ['formatEntityAddrvec', () => formatEntityAddrvec(av)],
      ]);
    },
  },
  {
    name: 'MonitorDBStore::Transaction',
    type: 'MonitorDBStore::Transaction',
    share: 80,
    mode: 'plain',
    run: (b, ph) => {
      const tx = transactionFromBytes(b);
      after(ph, [
        ['transactionToBytes', () => transactionToBytes(tx)],
        ['dumpTransaction', () => toJson(dumpTransaction(tx), 0)],
      ]);
    },
  },
  {
    name: 'MonitorDBStore::Op',
    type: 'MonitorDBStore::Op',
    share: 80,
    mode: 'plain',
    run: (b, ph) => {
      const op = whole(b, 'MonitorDBStore::Op', decodeOp);
      after(ph, [
        ['encodeOp', () => encodeOp(new Writer(), op)],
        ['dumpOp', () => toJson(dumpOp(op, 0), 0)],
      ]);
    },
  },
];

// ---- inputs ----------------------------------------------------------------------------------------

interface FuzzInput {
  bytes: Uint8Array;
  /** Where it came from and what was done to it, for the failure report. */
  how: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const SPECIAL_U32 = [0, 0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x10000000, 0x01000000, 0x00100000, 0x00010000, 0xffff, 0x1000];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One mutation of `b` (a fresh array when the length changes; otherwise `b` itself, edited). */
function mutate(rnd: Prng, b: Uint8Array, pool: readonly CorpusObject[], log: string[]): Uint8Array {
  const n = b.length;
  const at = (): number => rnd.int(0, Math.max(0, n - 1));
  const roll = rnd.int(0, 99);
  if (n === 0 || roll < 14) {
    // Truncate: anywhere, but often close to the end where the tails and CRCs are.
    const cut = rnd.chance(0.3) ? Math.max(0, n - rnd.int(1, 16)) : rnd.int(0, Math.max(0, n - 1));
    log.push(`truncate@${cut}`);
    return b.slice(0, cut);
  }
  if (roll < 30) {
    const k = rnd.int(1, 8);
    const where: number[] = [];
    for (let i = 0; i < k; i++) {
      const p = at();
      b[p] = b[p]! ^ (1 << rnd.int(0, 7));
      where.push(p);
    }
    log.push(`flip@${where.join(',')}`);
    return b;
  }
  if (roll < 44) {
    const p = at();
    const k = Math.min(rnd.int(1, 8), n - p);
    for (let i = 0; i < k; i++) b[p + i] = rnd.int(0, 255);
    log.push(`overwrite@${p}x${k}`);
    return b;
  }
  if (roll < 64) {
    // A u32 set to 0 / all ones / a large count: aligned (as asked) or anywhere (Ceph packs its fields).
    if (n < 4) return b.slice(0, 0);
    const p = rnd.chance(0.5) ? rnd.int(0, (n >> 2) - 1) * 4 : rnd.int(0, n - 4);
    const v = rnd.chance(0.15) ? n + rnd.int(-4, 64) : rnd.pick(SPECIAL_U32);
    new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(p, v >>> 0, true);
    log.push(`u32@${p}=0x${(v >>> 0).toString(16)}`);
    return b;
  }
  if (roll < 72) {
    // Nudge a u32 (a count or a length off by a little).
    if (n < 4) return b;
    const p = rnd.int(0, n - 4);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const d = rnd.pick([-2, -1, 1, 2, 256, 65536]);
    dv.setUint32(p, (dv.getUint32(p, true) + d) >>> 0, true);
    log.push(`nudge@${p}${d > 0 ? '+' : ''}${d}`);
    return b;
  }
  if (roll < 80) {
    const p = rnd.int(0, n);
    const ins = new Uint8Array(rnd.int(1, 16));
    for (let i = 0; i < ins.length; i++) ins[i] = rnd.chance(0.3) ? 0 : rnd.int(0, 255);
    log.push(`insert@${p}x${ins.length}`);
    return concat(b.subarray(0, p), ins, b.subarray(p));
  }
  if (roll < 88) {
    const p = at();
    const k = Math.min(rnd.int(1, 16), n - p);
    log.push(`delete@${p}x${k}`);
    return concat(b.subarray(0, p), b.subarray(p + k));
  }
  // Splice: the head of this object, the tail of another of the same type.
  const other = rnd.pick(pool);
  const cut = rnd.int(0, n);
  const from = rnd.chance(0.5) ? Math.min(cut, other.bytes.length) : rnd.int(0, other.bytes.length);
  log.push(`splice@${cut}+${other.version}/${other.hash.slice(0, 8)}@${from}`);
  return concat(b.subarray(0, cut), other.bytes.subarray(from));
}

/**
 * Rewrites the CRC of an OSDMap (v8+) or Incremental in place so that the mutation reaches the
 * decoder's structure checks: walk the outer header and the two section headers to the CRC field
 * (Ceph src/osd/OSDMap.cc OSDMap::encode and src/common/crc32c.cc) and store CRC-32C(−1) of everything before it chained with everything after it
 * up to the end of the outer envelope. Leaves the bytes alone when the headers do not fit.
 */
function recomputeCrc(b: Uint8Array): boolean {
  if (b.length < 6 || b[0]! < 8 || b[1]! > b[0]!) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const end = 6 + dv.getUint32(2, true);
  if (end > b.length) return false;
  let p = 6;
  for (let section = 0; section < 2; section++) {
    if (p + 6 > end) return false;
    p += 6 + dv.getUint32(p + 2, true);
  }
  if (p + 4 > end) return false;
  const crc = crc32c(crc32c(0xffffffff, b.subarray(0, p)), b.subarray(p + 4, end));
  dv.setUint32(p, crc, true);
  return true;
}

function inputRng(seed: number, target: number, index: number): Prng {
  return mulberry32((seed ^ Math.imul(target + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
}

/** Input `index` of target `target`: a pure function of the seed, so a failure replays exactly. */
export function makeInput(seed: number, target: number, index: number, pool: readonly CorpusObject[]): FuzzInput {
  const rnd = inputRng(seed, target, index);
  const src = rnd.pick(pool);
  const log: string[] = [];
  let b: Uint8Array = src.bytes.slice();
  const steps = rnd.chance(0.7) ? 1 : rnd.chance(0.66) ? 2 : 3;
  for (let i = 0; i < steps; i++) b = mutate(rnd, b, pool, log);
  if (TARGETS[target]!.mode === 'fixCrc') log.push(recomputeCrc(b) ? 'crc-fixed' : 'crc-unfixable');
  return { bytes: b, how: `${src.version}/${src.hash} ${log.join(' ')}` };
}

// ---- running one slice (in a worker) ----------------------------------------------------------------

interface Failure {
  index: number;
  how: string;
  phase: string;
  problem: string;
  ms: number;
  hex: string;
}

interface SliceResult {
  inputs: number;
  /** Outcome → count: "decoded", or the code of the refusing MonctlError. */
  outcomes: Record<string, number>;
  /** MonctlErrors thrown after a successful decode (by an encoder or a renderer), by phase. */
  refusedAfterDecode: Record<string, number>;
  failures: Failure[];
  failureCount: number;
  slowestMs: number;
  slowestIndex: number;
  peakHeapMb: number;
}

interface SliceJob {
  seed: number;
  target: number;
  from: number;
  to: number;
}

const DECODE_CODES = new Set(['DECODE_TRUNCATED', 'DECODE_INVALID', 'DECODE_TOO_NEW']);

/** Why `e` is not an acceptable refusal of an input of `len` bytes, or undefined when it is. */
function refusalProblem(e: unknown, len: number): string | undefined {
  if (!(e instanceof MonctlError)) {
    const err = e instanceof Error ? e : new Error(String(e));
    const where = (err.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ');
    return `${err.name}: ${err.message} (${where})`;
  }
  if (!DECODE_CODES.has(e.code)) return `MonctlError with code ${e.code}: ${e.message}`;
  const off = e.offset;
  if (typeof off !== 'number' || !Number.isInteger(off) || off < 0 || off > len) {
    return `MonctlError ${e.code} with offset ${String(off)} outside [0, ${len}]: ${e.message}`;
  }
  return undefined;
}

/** Records the input in flight (started = 0: idle). */
type Progress = (index: number, started: number) => void;

function runSlice(job: SliceJob, pool: readonly CorpusObject[], progress: Progress): SliceResult {
  const t = TARGETS[job.target]!;
  const res: SliceResult = {
    inputs: 0,
    outcomes: {},
    refusedAfterDecode: {},
    failures: [],
    failureCount: 0,
    slowestMs: 0,
    slowestIndex: -1,
    peakHeapMb: 0,
  };
  const bump = (m: Record<string, number>, k: string): void => void (m[k] = (m[k] ?? 0) + 1);
  for (let i = job.from; i < job.to; i++) {
    const input = makeInput(job.seed, job.target, i, pool);
    const ph: Phase = { phase: 'decode', len: input.bytes.length, decoded: false };
    progress(i, Date.now());
    const t0 = performance.now();
    let problem: string | undefined;
    try {
      t.run(input.bytes, ph);
      bump(res.outcomes, 'decoded');
    } catch (e) {
      if (ph.phase.startsWith('decode')) {
        problem = refusalProblem(e, ph.len);
        if (problem === undefined) bump(res.outcomes, ph.decoded ? `nested ${(e as MonctlError).code}` : (e as MonctlError).code);
      } else if (e instanceof MonctlError) {
        bump(res.refusedAfterDecode, `${ph.phase}: ${e.code}`);
      } else {
        problem = refusalProblem(e, ph.len);
      }
    }
    const ms = performance.now() - t0;
    if (ms > res.slowestMs) {
      res.slowestMs = ms;
      res.slowestIndex = i;
    }
    const limit = SLOW_MS + (ph.extraMs ?? 0);
    if (problem === undefined && ms > limit) problem = `took ${ms.toFixed(0)} ms (limit ${limit.toFixed(0)} ms)`;
    if (problem !== undefined) {
      res.failureCount++;
      if (res.failures.length < MAX_REPORTED_FAILURES) {
        res.failures.push({ index: i, how: input.how, phase: ph.phase, problem, ms, hex: hex(input.bytes) });
      }
    }
    res.inputs++;
    if ((i & 255) === 0) res.peakHeapMb = Math.max(res.peakHeapMb, getHeapStatistics().used_heap_size / 2 ** 20);
  }
  res.peakHeapMb = Math.max(res.peakHeapMb, getHeapStatistics().used_heap_size / 2 ** 20);
  progress(job.to, 0);
  return res;
}

/** What a fuzz child process is told through its environment: where to record the input in flight. */
const CHILD_ENV = 'MONCTL_CODEC_FUZZ_PROGRESS';

/**
 * The child side: takes slices over IPC and answers with their results. Before each input it
 * writes [index, start time] into the progress file (one pwrite, no IPC round trip), so the
 * parent can name the input that hung or killed the process.
 */
function childMain(progressPath: string): void {
  const fd = openSync(progressPath, 'r+');
  const cell = new Float64Array(2);
  const cellBytes = new Uint8Array(cell.buffer);
  const progress: Progress = (index, started) => {
    cell[0] = index;
    cell[1] = started;
    writeSync(fd, cellBytes, 0, 16, 0);
  };
  const pools = new Map<string, CorpusObject[]>();
  process.on('message', (job: SliceJob) => {
    const type = TARGETS[job.target]!.type;
    let pool = pools.get(type);
    if (pool === undefined) pools.set(type, (pool = corpusObjects(type)));
    process.send!(runSlice(job, pool, progress));
  });
  process.on('disconnect', () => process.exit(0));
}

// ---- the suite (parent) ------------------------------------------------------------------------------

const childProgress = process.env[CHILD_ENV];
if (childProgress !== undefined) {
  if (process.send !== undefined) childMain(childProgress);
} else {
  defineSuite();
}

/**
 * One fuzz child process (node + tsx, heap capped). Processes rather than worker threads: a
 * decoder that allocates without bound can take V8 down with a fatal out-of-memory error, which
 * ends the whole process, and a thread would take the test runner with it.
 */
class FuzzChild {
  private readonly child: ChildProcess;
  private readonly progressPath: string;
  private stderr = '';

  constructor(dir: string, n: number) {
    this.progressPath = join(dir, `progress-${n}-${Date.now()}`);
    writeFileSync(this.progressPath, new Uint8Array(16));
    this.child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${CHILD_HEAP_MB}`],
      env: { ...process.env, [CHILD_ENV]: this.progressPath },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.on('data', (d: Buffer) => void (this.stderr = (this.stderr + d.toString()).slice(-4000)));
  }

  private inFlight(): { index: number; started: number } {
    const cell = new Float64Array(new Uint8Array(readFileSync(this.progressPath)).buffer, 0, 2);
    return { index: cell[0]!, started: cell[1]! };
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Runs one slice; a hang or a crash becomes a failure naming the input in flight. */
  run(job: SliceJob): Promise<SliceResult> {
    return new Promise((resolve) => {
      const dead = (problem: string): void => {
        cleanup();
        const { index } = this.inFlight();
        const input = makeInput(job.seed, job.target, index, poolOf(job.target));
        const why = this.stderr.split('\n').filter((l) => /FATAL|heap|Error/.test(l)).slice(0, 3).join(' / ');
        resolve({
          inputs: index - job.from,
          outcomes: {},
          refusedAfterDecode: {},
          failures: [{ index, how: input.how, phase: '?', problem: `${problem}${why ? ` (${why})` : ''}`, ms: NaN, hex: hex(input.bytes) }],
          failureCount: 1,
          slowestMs: NaN,
          slowestIndex: index,
          peakHeapMb: NaN,
        });
      };
      const onMessage = (r: SliceResult): void => {
        cleanup();
        resolve(r);
      };
      const onExit = (code: number | null, signal: string | null): void => dead(`fuzz process died (${signal ?? `exit ${code}`})`);
      const watchdog = setInterval(() => {
        const { started } = this.inFlight();
        if (started > 0 && Date.now() - started > HANG_MS) {
          cleanup();
          this.child.kill('SIGKILL');
          dead(`hung: still running after ${HANG_MS} ms (process killed)`);
        }
      }, 250);
      const cleanup = (): void => {
        clearInterval(watchdog);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
      this.child.send(job);
    });
  }

  close(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}

const poolCache = new Map<string, CorpusObject[]>();
function poolOf(target: number): CorpusObject[] {
  const type = TARGETS[target]!.type;
  let pool = poolCache.get(type);
  if (pool === undefined) poolCache.set(type, (pool = corpusObjects(type)));
  return pool;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name}=${raw} is not a non-negative integer`);
  return v;
}

function defineSuite(): void {
  const seed = envInt('MONCTL_FUZZ_SEED', DEFAULT_SEED) >>> 0;
  const total = envInt('MONCTL_FUZZ_INPUTS', DEFAULT_INPUTS);
  const shares = TARGETS.reduce((n, t) => n + t.share, 0);
  const counts = TARGETS.map((t) => Math.round((total * t.share) / shares));
  const parallel = Math.max(1, Math.min(2, availableParallelism()));
  const summary: string[] = [];
  let children: FuzzChild[] = [];
  let dir = '';
  let spawned = 0;
  const spawn = (): FuzzChild => new FuzzChild(dir, spawned++);

  if (!corpusAvailable) console.warn('codec-fuzz: MONCTL_CORPUS is not set to a corpus folder; skipping');

  describe.skipIf(!corpusAvailable)(`codec fuzz (seed ${seed}, MONCTL_FUZZ_SEED to replay)`, () => {
    beforeAll(() => {
      console.log(`codec-fuzz: seed ${seed} (MONCTL_FUZZ_SEED=${seed}), ${total} inputs, ${parallel} process(es)`);
      dir = mkdtempSync(join(tmpdir(), 'monctl-codec-fuzz-'));
      children = Array.from({ length: parallel }, spawn);
    });

    afterAll(async () => {
      for (const c of children) c.close();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
      console.log(`codec-fuzz results (seed ${seed}):\n${summary.join('\n')}`);
    });

    it('every fuzzed type has corpus objects', () => {
      for (const t of TARGETS) expect(poolOf(TARGETS.indexOf(t)).length, t.type).toBeGreaterThan(0);
    });

    TARGETS.forEach((t, target) => {
      const count = counts[target]!;
      it(`${t.name}: ${count} mutated inputs`, async () => {
        const t0 = performance.now();
        const per = Math.ceil(count / children.length);
        const jobs = children.map((_w, k) => ({ seed, target, from: k * per, to: Math.min(count, (k + 1) * per) }));
        const results = await Promise.all(
          jobs.map(async (job, k) => {
            const r = await children[k]!.run(job);
            if (!children[k]!.alive) children[k] = spawn();
            return r;
          }),
        );
        const outcomes: Record<string, number> = {};
        const after: Record<string, number> = {};
        for (const r of results) {
          for (const [k, v] of Object.entries(r.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
          for (const [k, v] of Object.entries(r.refusedAfterDecode)) after[k] = (after[k] ?? 0) + v;
        }
        const inputs = results.reduce((n, r) => n + r.inputs, 0);
        const slow = results.reduce((m, r) => (r.slowestMs > m.slowestMs ? r : m), results[0]!);
        const slowest = slow.slowestMs;
        const heap = results.reduce((m, r) => Math.max(m, r.peakHeapMb), 0);
        const failures = results.flatMap((r) => r.failures);
        const failureCount = results.reduce((n, r) => n + r.failureCount, 0);
        const line =
          `  ${t.name}: ${inputs} inputs in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
          Object.entries(outcomes)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') +
          (Object.keys(after).length > 0 ? `; refused after decode: ${JSON.stringify(after)}` : '') +
          `; slowest ${slowest.toFixed(1)} ms (#${slow.slowestIndex}); peak heap ${heap.toFixed(0)} MB; failures ${failureCount}`;
        summary.push(line);
        const report = failures.map(
          (f) =>
            `#${f.index} [${f.how}] in ${f.phase}: ${f.problem}\n    input (${f.hex.length / 2} bytes): ${f.hex.length > 512 ? `${f.hex.slice(0, 512)}…` : f.hex}`,
        );
        expect(report, `${failureCount} failing inputs (seed ${seed}, target ${t.name}); first ones:\n${report.join('\n')}`).toEqual([]);
        expect(inputs).toBe(count);
      });
    });
  });
}
