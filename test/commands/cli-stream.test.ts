/**
 * Streaming `pg dump-map`: the same bytes as the whole-map formatting (one thread and several,
 * across chunk boundaries), the first lines on stdout long before the map is done, an early
 * stop when the reader goes away, and the progress line (count, rate, time left) on a
 * terminal only. The process test needs a build (dist/).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { STREAM_CHUNK, streamPgMapping } from '../../src/lib/osdmap/placement-parallel.js';
import { formatPgsDumpText, runPgMapping } from '../../src/lib/osdmap/pg-stats.js';
import { Progress, formatDuration } from '../../src/lib/render/progress.js';
import { GOLDEN_DIR } from '../helpers/ceph.js';
import { repoRoot } from '../helpers/corpus.js';

const MAP = join(GOLDEN_DIR, 'placement', 'fixture-31.osdmap');

async function streamed(opts: { pool?: number; pgNum?: number }, threads: number): Promise<{ text: string; writes: number; progress: Array<[number, number]> }> {
  const map = decodeOSDMap(readFileSync(MAP));
  let text = '';
  let writes = 0;
  const progress: Array<[number, number]> = [];
  await streamPgMapping(
    map,
    opts,
    threads,
    async (t) => {
      text += t;
      writes++;
      return true;
    },
    (done, total) => progress.push([done, total]),
  );
  return { text, writes, progress };
}

describe('pg dump-map streams', () => {
  it('the same bytes as the whole-map text, on one thread and on three, across chunk boundaries', async () => {
    const map = decodeOSDMap(readFileSync(MAP));
    for (const opts of [{}, { pool: 1 }, { pgNum: 3 * STREAM_CHUNK + 17 }, { pool: 2, pgNum: 20_000 }]) {
      const whole = runPgMapping(map, opts, true);
      const expected = formatPgsDumpText(whole.stats, whole.text);
      for (const threads of [1, 3]) {
        const s = await streamed(opts, threads);
        expect(s.text === expected, `${JSON.stringify(opts)} on ${threads} thread(s)`).toBe(true);
        const total = whole.stats.pools.reduce((n, p) => n + p.pgNum, 0);
        expect(s.progress.at(-1)).toEqual([total, total]);
        // Written a step at a time: a pool line, its steps, the summary.
        expect(s.writes).toBeGreaterThanOrEqual(whole.stats.pools.length + 1 + Math.floor(total / (threads * STREAM_CHUNK)));
      }
    }
  }, 120_000);

  it('stops when the reader goes away (no summary, no further mapping)', async () => {
    const map = decodeOSDMap(readFileSync(MAP));
    let calls = 0;
    const stats = await streamPgMapping(map, { pool: 1, pgNum: 10 * STREAM_CHUNK }, 1, async () => ++calls < 3);
    expect(stats).toBeUndefined();
    expect(calls).toBe(3);
  });

  it('the first lines reach stdout while a 2,000,000-PG pool is still being mapped', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), 'pg', 'dump-map', '--osdmap', MAP, '--pool', '1', '--pg-num', '2000000', '--threads', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (b: Buffer) => resolve(b.toString()));
        child.once('exit', (code) => reject(new Error(`exited (${code}) before writing`)));
      });
      // Still running: the rest of the 2,000,000 lines and the summary are not made yet.
      expect(child.exitCode).toBeNull();
      const lines = first.split('\n');
      expect(lines[0]).toBe('pool 1 pg_num 2000000');
      expect(lines[1]).toMatch(/^1\.0\t\[\d+(,\d+)*\]\t\d+$/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});

describe('the progress line', () => {
  it('on a terminal: a bar, the count, the rate and the time left, then erased', () => {
    let out = '';
    let t = 0;
    const stream = { isTTY: true, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const p = new Progress('mapping PGs', undefined, { now: () => t, stream, enabled: true });
    t = 2000;
    p.update(50_000, 200_000);
    expect(out).toBe('\rmapping PGs [========                      ] 25% 50,000/200,000 (25,000/s, 6s left)\u001b[K');
    p.done();
    expect(out.endsWith('\r\u001b[K')).toBe(true);
  });

  it('not when stderr is no terminal', () => {
    let out = '';
    const stream = { isTTY: false, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const p = new Progress('mapping PGs', 10, { now: () => 5000, stream });
    p.update(5);
    p.done();
    expect(out).toBe('');
  });

  it('durations', () => {
    expect(formatDuration(9)).toBe('9s');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3700)).toBe('1h01m');
  });
});
