/**
 * Colour only on a terminal: errors in red and diffs coloured when stdout/stderr is a TTY (the
 * commands run under `script`, which gives them a pseudo-terminal), nothing coloured when piped
 * or with NO_COLOR. And counts in words: `1 problem`, `2 problems`. Needs a build (dist/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/lib/cli/report.js';
import { MonctlError } from '../../src/lib/errors.js';
import { colorDiffLine, colorEnabled } from '../../src/lib/render/color.js';
import { count } from '../../src/lib/render/plural.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { repoRoot } from '../helpers/corpus.js';

const RUN = join(repoRoot, 'bin', 'run.js');
const ESC = '\u001b[';
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** argv run with stdout and stderr on a pseudo-terminal (util-linux `script`); what the terminal showed. */
function onTerminal(argv: string[], env: Record<string, string | undefined> = {}): string {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  delete e.MONCTL_STORE;
  const cmd = [process.execPath, RUN, ...argv].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: e });
  return r.stdout;
}

function piped(argv: string[]): { stdout: string; stderr: string } {
  const e: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', FORCE_COLOR: '1' };
  delete e.NO_COLOR;
  delete e.MONCTL_STORE;
  const r = spawnSync(process.execPath, [RUN, ...argv], { encoding: 'utf8', env: e });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('colour', () => {
  let mon = '';
  beforeAll(() => {
    mon = extractFixture('rocksdb');
  });
  afterAll(() => removeTempDirs());

  it('decides by the stream and NO_COLOR / TERM=dumb', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect(colorEnabled(tty, { TERM: 'xterm' })).toBe(true);
    expect(colorEnabled(pipe, { TERM: 'xterm', FORCE_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { TERM: 'xterm', NO_COLOR: '' })).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('an error report: red line and cyan arrows with colour, the same text without', () => {
    const err = new MonctlError('STORE_NOT_FOUND', '/x is not a directory', { actions: ['Pass --store.'] });
    const plain = reportError(err, false, false, false).stderr;
    expect(plain).toBe('monctl: STORE_NOT_FOUND: /x is not a directory\n  → Pass --store.\n');
    const red = reportError(err, false, false, true).stderr;
    expect(red).toBe(`${ESC}31mmonctl: STORE_NOT_FOUND: /x is not a directory${ESC}39m\n  ${ESC}36m→${ESC}39m Pass --store.\n`);
    expect(reportError(err, true, false, true).stdout).not.toContain(ESC);
  });

  it('diff lines: added green, removed red, changed yellow, heading bold; none at level 0', () => {
    const c = new Chalk({ level: 1 });
    expect(colorDiffLine("pool 2 'ecpool' added", c)).toBe(`${ESC}32mpool 2 'ecpool' added${ESC}39m`);
    expect(colorDiffLine('osd.7 removed (was up in)', c)).toBe(`${ESC}31mosd.7 removed (was up in)${ESC}39m`);
    expect(colorDiffLine('osd.3: in -> out, weight 1 -> 0', c)).toBe(`${ESC}33mosd.3: in -> out, weight 1 -> 0${ESC}39m`);
    expect(colorDiffLine('osdmap e20 -> e31', c)).toBe(`${ESC}1mosdmap e20 -> e31${ESC}22m`);
    expect(colorDiffLine("pool 2 'ecpool' added", new Chalk({ level: 0 }))).toBe("pool 2 'ecpool' added");
  });

  it.skipIf(!hasScript)('on a terminal: the error in red and the osdmap diff coloured', () => {
    const err = onTerminal(['store', 'list', '-s', '/nonexistent-store'], { NO_COLOR: undefined });
    expect(err).toContain(`${ESC}31mmonctl: STORE_NOT_FOUND: /nonexistent-store is not a directory${ESC}39m`);
    const diff = onTerminal(['osdmap', 'diff', '20', '31', '-s', mon], { NO_COLOR: undefined });
    expect(diff).toContain(`${ESC}1mosdmap e20 -> e31${ESC}22m`);
    expect(diff).toContain(`${ESC}32mpool 2 'ecpool' added${ESC}39m`);
    expect(diff).toContain(`${ESC}33mosd.3: in -> out, weight 1 -> 0${ESC}39m`);
  }, 60_000);

  it.skipIf(!hasScript)('on a terminal with NO_COLOR: no colour at all', () => {
    const out = onTerminal(['store', 'list', '-s', '/nonexistent-store'], { NO_COLOR: '1' }) + onTerminal(['osdmap', 'diff', '20', '31', '-s', mon], { NO_COLOR: '1' });
    expect(out).toContain('monctl: STORE_NOT_FOUND');
    expect(out).toContain("pool 2 'ecpool' added");
    expect(out).not.toContain(ESC);
  }, 60_000);

  it('piped (even with FORCE_COLOR): no colour at all', () => {
    const err = piped(['store', 'list', '-s', '/nonexistent-store']);
    expect(err.stderr).toBe('monctl: STORE_NOT_FOUND: /nonexistent-store is not a directory\n  → Pass --store <mon data dir or store.db>, or set MONCTL_STORE (e.g. /var/lib/ceph/mon/ceph-a).\n');
    const diff = piped(['osdmap', 'diff', '20', '31', '-s', mon]);
    expect(diff.stdout).toContain("pool 2 'ecpool' added\n");
    expect(diff.stdout + diff.stderr).not.toContain(ESC);
  }, 60_000);
});

describe('counts in words', () => {
  it('singular for one, plural otherwise', () => {
    expect(count(1, 'problem')).toBe('1 problem');
    expect(count(0, 'problem')).toBe('0 problems');
    expect(count(2, 'problem')).toBe('2 problems');
    expect(count(1n, 'byte')).toBe('1 byte');
    expect(count(1, 'epoch has', 'epochs have')).toBe('1 epoch has');
    expect(count(3, 'epoch has', 'epochs have')).toBe('3 epochs have');
  });
});
