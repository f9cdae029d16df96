/**
 * Did-you-mean for mistyped commands (the command_not_found hook, src/hooks/) and flags
 * (BaseCommand.catch), as text on stderr and as the `{"error": …}` under --json; and
 * `monctl version`, shell completion for bash and zsh. Needs a build (dist/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { afterAll, describe, expect, it } from 'vitest';
import { closest, closestCommand, editDistance } from '../../src/lib/cli/suggest.js';
import { repoRoot } from '../helpers/corpus.js';

const RUN = join(repoRoot, 'bin', 'run.js');

function monctl(argv: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete e.MONCTL_STORE;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...argv], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

describe('suggestions', () => {
  it('edit distance counts a swap of neighbours as one edit', () => {
    expect(editDistance('store', 'store')).toBe(0);
    expect(editDistance('stor', 'store')).toBe(1);
    expect(editDistance('sotre', 'store')).toBe(1);
    expect(editDistance('prefx', 'prefix')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('closest: typos and prefixes, nothing for a different word', () => {
    expect(closest('prefx', ['store', 'prefix', 'json'])).toBe('prefix');
    expect(closest('pre', ['store', 'prefix', 'json'])).toBe('prefix');
    expect(closest('jsn', ['store', 'prefix', 'json'])).toBe('json');
    expect(closest('color', ['store', 'prefix', 'json'])).toBeUndefined();
  });

  it('closestCommand: the whole command, over the topic; extra words are arguments', () => {
    const ids = ['store', 'store:list', 'store:dump', 'store:rm', 'osd', 'osd:set', 'osdmap', 'osdmap:edit', 'osdmap:edit:set-flag', 'pg', 'pg:dump-map', 'pg:map'];
    expect(closestCommand(['stor', 'list'], ids)).toBe('store list');
    expect(closestCommand(['store', 'lst'], ids)).toBe('store list');
    expect(closestCommand(['stor'], ids)).toBe('store');
    expect(closestCommand(['osdmap', 'edit', 'set-flg', 'noout'], ids)).toBe('osdmap edit set-flag');
    expect(closestCommand(['pg', 'dumpmap'], ids)).toBe('pg dump-map');
    expect(closestCommand(['xyzzy'], ids)).toBeUndefined();
  });
});

describe('did-you-mean through bin/run.js', () => {
  it('a mistyped command names the closest one with the rest of the line; exit 2', async () => {
    const r = await monctl(['stor', 'list', '--prefix', 'osdmap', '-s', '/srv/ceph-a']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'monctl: BAD_ARGUMENT: `stor list` is not a monctl command\n' +
        '  → Did you mean `monctl store list --prefix osdmap -s /srv/ceph-a`?\n' +
        '  → Run `monctl --help` for the list of commands, or `monctl store list --help`.\n',
    });
  });

  it('under --json the same as a JSON error on stdout', async () => {
    const r = await monctl(['store', 'lst', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'BAD_ARGUMENT',
        message: '`store lst` is not a monctl command',
        actions: ['Did you mean `monctl store list --json`?', 'Run `monctl --help` for the list of commands, or `monctl store list --help`.'],
      },
    });
  });

  it('help for a mistyped command (`--help`, `help …`) names the closest one; exit 2', async () => {
    for (const argv of [['stor', 'list', '--help'], ['help', 'stor', 'list']]) {
      const r = await monctl(argv);
      expect({ argv, ...r }).toEqual({
        argv,
        code: 2,
        stdout: '',
        stderr:
          'monctl: BAD_ARGUMENT: `stor list` is not a monctl command\n' +
          '  → Did you mean `monctl store list`?\n' +
          '  → Run `monctl --help` for the list of commands, or `monctl store list --help`.\n',
      });
    }
    const ok = await monctl(['store', 'list', '--help']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('$ monctl store list');
  });

  it('`help` with flags is the command\'s --help: no stack trace for a mistyped command, JSON under --json', async () => {
    const json = await monctl(['help', 'stor', '--json']);
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 2, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'BAD_ARGUMENT', message: '`stor` is not a monctl command', actions: ['Did you mean `monctl store`?', 'Run `monctl --help` for the list of commands, or `monctl store --help`.'] },
    });
    const bogus = await monctl(['help', 'stor', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe('monctl: BAD_ARGUMENT: `stor` is not a monctl command\n  → Did you mean `monctl store`?\n  → Run `monctl --help` for the list of commands, or `monctl store --help`.\n');
    for (const argv of [['help', 'store', 'list', '--json'], ['help', 'store', 'list', '-x']]) {
      const r = await monctl(argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
      expect(r.stdout).toContain('$ monctl store list');
    }
  });

  it('a word that is no command: no guess, exit 2', async () => {
    const r = await monctl(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('monctl: BAD_ARGUMENT: `frobnicate` is not a monctl command\n  → Run `monctl --help` for the list of commands.\n');
  });

  it('a mistyped flag names the flag (text and --json)', async () => {
    const r = await monctl(['store', 'list', '--prefx', 'osdmap', '-s', '/nonexistent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nonexistent flag: --prefx');
    expect(r.stderr).toContain('Did you mean --prefix (for --prefx)?');
    const j = await monctl(['osdmap', 'tree', '--osdmp', 'x', '--json']);
    expect(j.code).toBe(2);
    const err = JSON.parse(j.stdout).error;
    expect(err.code).toBe('BAD_ARGUMENT');
    expect(err.actions).toEqual(['Did you mean --osdmap (for --osdmp)?', 'See `monctl osdmap tree --help`.']);
  });
});

describe('monctl version and shell completion', () => {
  const home = mkdtempSync(join(tmpdir(), 'monctl-completion-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('`monctl version` prints what --version prints', async () => {
    const config = await Config.load(repoRoot);
    const v = await monctl(['version']);
    expect(v).toEqual({ code: 0, stdout: `${config.userAgent}\n`, stderr: '' });
    expect((await monctl(['--version'])).stdout).toBe(v.stdout);
    const j = JSON.parse((await monctl(['version', '--json'])).stdout);
    expect(j).toMatchObject({ cliVersion: `monctl/${config.version}`, nodeVersion: `node-${process.version}` });
  });

  it('bash completion completes commands and flags (the generated function, run in bash)', async () => {
    const env = { HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
    const r = await monctl(['autocomplete', 'bash'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('monctl autocomplete script bash');
    const setup = await monctl(['autocomplete', 'script', 'bash'], env);
    expect(setup.stdout).toContain(join(home, '.cache', 'monctl', 'autocomplete', 'bash_setup'));
    const fn = join(home, '.cache', 'monctl', 'autocomplete', 'functions', 'bash', 'monctl.bash');
    const complete = (words: string[]): string[] => {
      const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _monctl_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const out = spawnSync('bash', ['-c', script, 'bash', fn, 'monctl', ...words], { encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      return [...new Set(out.stdout.split('\n').filter(Boolean))].sort();
    };
    expect(complete(['stor'])).toEqual(['store']);
    expect(complete(['store', 'l'])).toEqual(['list']);
    expect(complete(['osdmap', 'edit', 'set-'])).toEqual(['set-crush', 'set-flag', 'set-pool']);
    expect(complete(['store', 'list', '--pre'])).toEqual(['--prefix']);
    expect(complete(['osdmap', 'edit', 'mark-out', '--st'])).toEqual(['--store']);
    expect(complete(['osd', 'set', '--st'])).toEqual(['--store']);
  }, 60_000);

  it('zsh completion describes every command with its flags', async () => {
    const env = { HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
    const r = await monctl(['autocomplete', 'zsh'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('monctl autocomplete script zsh');
    const text = readFileSync(join(home, '.cache', 'monctl', 'autocomplete', 'functions', 'zsh', '_monctl'), 'utf8');
    expect(text.startsWith('#compdef monctl')).toBe(true);
    const config = await Config.load(repoRoot);
    for (const cmd of config.commands.filter((c) => !c.hidden)) {
      const last = cmd.id.split(/[: ]/).pop()!;
      expect(text, cmd.id).toContain(`"${last}[`);
    }
    expect(text).toContain('"(-s --store)"{-s,--store}');
    expect(text).toContain('"(-p --prefix)"{-p,--prefix}');
  }, 60_000);
});
