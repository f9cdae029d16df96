/**
 * bin/run.js's fast path (src/fast/dispatch.ts) against oclif (MONCTL_NO_FAST=1) on the same
 * argv: stdout, stderr and exit code must be identical, for good maps, missing, truncated and
 * garbage files, --json, errors, -o, and argv the fast path must leave to oclif. Needs a build
 * (dist/), as `npm test` after `npm ci` has.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import CrushGet from '../../src/commands/crush/get.js';
import MonmapGet from '../../src/commands/monmap/get.js';
import OsdmapGet from '../../src/commands/osdmap/get.js';
import { FAST_COMMANDS, parseFast } from '../../src/fast/dispatch.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { corpusObjects, repoRoot } from '../helpers/corpus.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

const RUN = join(repoRoot, 'bin', 'run.js');

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
}

function run(argv: string[], env: Record<string, string>): Promise<Outcome> {
  const e = { ...process.env, ...env };
  for (const k of ['MONCTL_NO_FAST', 'MONCTL_DEBUG', 'DEBUG', 'MONCTL_CONTENT_TYPE', 'MONCTL_STORE']) if (!(k in env)) delete e[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...argv], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code }));
  });
}

/** Both paths on each argv, two argv at a time; returns the fast path's outcomes. */
async function expectSame(cases: string[][], env: Record<string, string> = {}): Promise<Outcome[]> {
  const results: Outcome[] = [];
  for (let i = 0; i < cases.length; i += 2) {
    const batch = cases.slice(i, i + 2);
    const pairs = await Promise.all(batch.map((argv) => Promise.all([run(argv, env), run(argv, { ...env, MONCTL_NO_FAST: '1' })])));
    pairs.forEach(([fast, oclif], j) => {
      expect({ argv: batch[j], ...fast }).toEqual({ argv: batch[j], ...oclif });
      results.push(fast);
    });
  }
  return results;
}

describe('the fast path of bin/run.js', () => {
  const tmp = tempDir('fast-path');
  const file = (name: string): string => join(tmp.dir, name);
  beforeAll(async () => {
    const mon = extractFixture('rocksdb');
    expect((await runCommand(OsdmapGet, ['-s', mon, '-o', file('osdmap')])).exitCode).toBe(0);
    expect((await runCommand(CrushGet, ['-s', mon, '-o', file('crush')])).exitCode).toBe(0);
    expect((await runCommand(MonmapGet, ['-s', mon, '-o', file('monmap')])).exitCode).toBe(0);
    for (const name of ['osdmap', 'crush', 'monmap']) {
      const bytes = readFileSync(file(name));
      writeFileSync(file(`${name}.truncated`), bytes.subarray(0, Math.floor(bytes.length / 2)));
      const garbage = Buffer.from(bytes);
      for (let i = 8; i < garbage.length; i += 7) garbage[i] = garbage[i]! ^ 0x5a;
      writeFileSync(file(`${name}.garbage`), garbage);
    }
    writeFileSync(file('empty'), '');
  }, 120_000);
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('osdmap print, tree and dump: same bytes, errors and exit codes as oclif', async () => {
    const m = file('osdmap');
    const cases: string[][] = [
      ['osdmap', 'print', '--osdmap', m],
      ['osdmap', 'print', `--osdmap=${m}`, '--json'],
      ['osdmap', 'tree', `-m${m}`],
      ['osdmap', 'tree', '-m', m, '--json'],
      ['osdmap', 'dump', '--json', '--osdmap', m],
      ['osdmap', 'print', '--osdmap', file('missing')],
      ['osdmap', 'print', '--osdmap', file('osdmap.truncated')],
      ['osdmap', 'print', '--osdmap', file('osdmap.garbage')],
      ['osdmap', 'tree', '--osdmap', file('empty'), '--json'],
      ['osdmap', 'dump', '--osdmap', file('osdmap.garbage'), '--json'],
      ['osdmap', 'dump', '--osdmap', file('missing'), '--json'],
      ['osdmap', 'print', '--osdmap', m, '--release', 'reef'],
      ['osdmap', 'dump', '--osdmap', m, '--release=16'],
      ['osdmap', 'print', '--osdmap', m, '--release', 'umbrella'],
    ];
    const r = await expectSame(cases);
    await expectSame([['osdmap', 'print', '--osdmap', m], ['osdmap', 'tree', '--osdmap', m], ['osdmap', 'dump', '--osdmap', m]], { MONCTL_RELEASE: 'tentacle' });
    await expectSame([['osdmap', 'print', '--osdmap', m]], { MONCTL_RELEASE: 'bogus' });
    expect(r[0]!.code).toBe(0);
    expect(r[0]!.stdout).toMatch(/^epoch 31\n/);
    expect(r.find((x) => x.code === 4)?.stderr).toMatch(/^monctl: IO_ERROR: cannot read .*missing/);
    expect(r.some((x) => x.code === 7 && x.stderr.startsWith('monctl: DECODE_'))).toBe(true);
  }, 180_000);

  it('pg map, crush decompile and dump, monmap print', async () => {
    const cases: string[][] = [
      ['pg', 'map', '1.0', '--osdmap', file('osdmap')],
      ['pg', 'map', '2.7', '--osdmap', file('osdmap'), '--json'],
      ['pg', 'map', '9.0', '--osdmap', file('osdmap')],
      ['pg', 'map', 'x.y', '--osdmap', file('missing')],
      ['pg', 'map', '1.0', '--osdmap', file('osdmap.truncated')],
      ['monmap', 'print', '--monmap', file('monmap')],
      ['monmap', 'print', '--monmap', file('monmap'), '--json'],
      ['monmap', 'print', '-m', file('monmap.garbage')],
      ['monmap', 'print', '--monmap', file('monmap'), '--release', 'tentacle', '--json'],
    ];
    cases.push(
      ['crush', 'decompile', '--crushmap', file('crush')],
      ['crush', 'decompile', '-i', file('crush'), '--json'],
      ['crush', 'dump', '--crushmap', file('crush')],
      ['crush', 'decompile', '-i', file('crush.truncated')],
      ['crush', 'dump', '-i', file('crush.garbage'), '--json'],
      ['crush', 'dump', '--crushmap', file('missing')],
    );
    const r = await expectSame(cases);
    expect(r[0]!.stdout).toMatch(/^osdmap e31 pg 1\.0 \(1\.0\) -> up \[/);
    expect(r[2]!.code).toBe(2);
    expect(r.some((x) => x.code === 7 && x.stdout.startsWith('{\n    "error": {\n        "code": "DECODE_'))).toBe(true);
    // -o: the same file written, the same (empty) stdout.
    const fast = await run(['crush', 'decompile', '-i', file('crush'), '-o', file('fast.txt'), '--json'], {});
    const oclif = await run(['crush', 'decompile', '-i', file('crush'), '-o', file('oclif.txt'), '--json'], { MONCTL_NO_FAST: '1' });
    expect(fast.stdout.replace('fast.txt', 'X')).toBe(oclif.stdout.replace('oclif.txt', 'X'));
    expect(readFileSync(file('fast.txt'), 'utf8')).toBe(readFileSync(file('oclif.txt'), 'utf8'));
  }, 180_000);

  it('store list and crc (text, as streamed): same bytes, errors and exit codes as oclif, on every backend', async () => {
    const stores = (['leveldb', 'rocksdb', 'reef', 'tentacle'] as const).map((f) => extractFixture(f));
    const cases: string[][] = [];
    for (const s of stores) {
      cases.push(['store', 'list', '-s', s], ['store', 'crc', '--store', s], ['store', 'list', '-s', s, '--prefix', 'osdmap'], ['store', 'crc', `--store=${s}`, '-p', 'paxos']);
    }
    cases.push(['store', 'list', '-s', join(tmp.dir, 'nonexistent')], ['store', 'crc', '-s', file('osdmap')], ['store', 'list', '-s', stores[0]!, '-p', 'nosuchprefix']);
    const outcomes = await expectSame(cases);
    expect(outcomes.slice(0, 16).every((o) => o.code === 0 && o.stdout.length > 0)).toBe(true);
    expect(outcomes.slice(16, 18).map((o) => o.code)).toEqual([2, 2]);
    for (const argv of [['store', 'list', '-s', stores[0]!]]) expect(parseFast(argv, {})).toBeDefined();
    // --json, a missing store flag ($MONCTL_STORE) and other store commands go to oclif.
    for (const argv of [['store', 'list', '-s', stores[0]!, '--json'], ['store', 'list'], ['store', 'dump', '-s', stores[0]!], ['store', 'list', '-s', stores[0]!, '--backend', 'x']]) {
      expect(parseFast(argv, {}), argv.join(' ')).toBeUndefined();
    }
  }, 180_000);

  it('argv it does not fully understand goes to oclif unchanged', async () => {
    const m = file('osdmap');
    for (const argv of [
      ['osdmap', 'print'],
      ['osdmap', 'print', '--osdmap', m, '--help'],
      ['osdmap', 'print', '--osdmap', m, '--epoch', '3'],
      ['osdmap', 'print', '--osdmap', m, '--store', '/nonexistent'],
      ['osdmap', 'print', '--osdmap', m, '--osdmap', m],
      ['osdmap', 'print', '--osdmap', m, '--json', '--json'],
      ['osdmap', 'print', '--osdmap', m, 'extra'],
      ['osdmap', 'print', '--osdmap'],
      ['osdmap', 'print', '--osdmap', '--json'],
      ['osdmap', 'print', '--osdmap='],
      ['osdmap', 'print', '-m=x'],
      ['osdmap', 'print', '--osdmap', m, '--'],
      ['osdmap', 'print', '--osd', m],
      ['osdmap:print', '--osdmap', m],
      ['pg', 'map', '--osdmap', m],
      ['osdmap', 'verify', '--osdmap', m],
    ]) {
      expect(parseFast(argv, {}), argv.join(' ')).toBeUndefined();
    }
    // --release / $MONCTL_RELEASE: taken by print, dump and monmap print; a bad value, or a release for tree, goes to oclif.
    expect(parseFast(['osdmap', 'print', '--osdmap', m, '--release', 'reef'], {})?.flags).toEqual({ osdmap: m, release: 'reef' });
    expect(parseFast(['osdmap', 'print', '--osdmap', m, '--release', 'bogus'], {})).toBeUndefined();
    expect(parseFast(['osdmap', 'tree', '--osdmap', m, '--release', 'reef'], {})).toBeUndefined();
    expect(parseFast(['osdmap', 'print', '--osdmap', m], { MONCTL_RELEASE: 'reef' })?.flags).toEqual({ osdmap: m });
    expect(parseFast(['osdmap', 'print', '--osdmap', m], { MONCTL_RELEASE: 'bogus' })).toBeUndefined();
    expect(parseFast(['osdmap', 'tree', '--osdmap', m], { MONCTL_RELEASE: 'reef' })).toBeUndefined();
    expect(parseFast(['osdmap', 'print', '--osdmap', m], { MONCTL_DEBUG: '1' })).toBeUndefined();
    expect(parseFast(['osdmap', 'print', '--osdmap', m], { MONCTL_NO_FAST: '1' })).toBeUndefined();
    expect(parseFast(['osdmap', 'print', '--osdmap', m], { MONCTL_STORE: '/x' })?.flags).toEqual({ osdmap: m });
    expect(parseFast(['pg', 'map', '--json', '1.0', '-m', m], {})).toMatchObject({ flags: { osdmap: m }, args: ['1.0'], json: true });
    // $MONCTL_STORE alone does not conflict with a file; --store does (oclif says so).
    await expectSame([['osdmap', 'tree', '--osdmap', m]], { MONCTL_STORE: join(tmp.dir, 'nonexistent') });
    await expectSame([['osdmap', 'print', '--osdmap', m, '--store', join(tmp.dir, 'nonexistent')]]);
  }, 180_000);

  it('takes only flags the command classes define, with their short names', async () => {
    for (const [id, fast] of Object.entries(FAST_COMMANDS)) {
      const [topic, name] = id.split(' ');
      type Flag = { char?: string; type: string; multiple?: boolean };
      const cls = (await import(`../../src/commands/${topic}/${name}.ts`)).default as {
        flags: Record<string, Flag>;
        baseFlags?: Record<string, Flag>;
        args?: Record<string, { required?: boolean }>;
      };
      const flags = { ...cls.baseFlags, ...cls.flags };
      for (const [flag, spec] of Object.entries(fast.flags)) {
        expect(flags[flag], `${id} --${flag}`).toMatchObject({ type: 'option' });
        expect(flags[flag]!.char, `${id} --${flag} short name`).toBe(spec.char);
        expect(flags[flag]!.multiple ?? false).toBe(false);
      }
      expect(Object.keys(flags)).toContain(fast.file);
      const args = Object.values(cls.args ?? {});
      expect(args.length, id).toBe(fast.args);
      expect(args.every((a) => a.required)).toBe(true);
    }
  });

  it.skipIf(corpusObjects('OSDMap').length === 0)('corpus maps: the same on both paths', async () => {
    // The largest map (a real cluster's), one CRUSH map, one MonMap.
    const map = corpusObjects('OSDMap').sort((a, b) => b.bytes.length - a.bytes.length)[0]!;
    const r = await expectSame([
      ['osdmap', 'print', '--osdmap', map.path],
      ['osdmap', 'tree', '--osdmap', map.path],
      ['crush', 'dump', '--crushmap', corpusObjects('CrushWrapper')[0]!.path],
      ['monmap', 'print', '--monmap', corpusObjects('MonMap')[0]!.path],
    ]);
    expect(r[0]!.code).toBe(0);
  }, 180_000);
});
