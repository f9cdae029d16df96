import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';

describe('bin/run.js', () => {
  it('answers --version without oclif, in exactly oclif\'s format', async () => {
    const config = await Config.load(repoRoot);
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), flag], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${config.userAgent}\n`);
    }
  });
});

describe('the npm package', () => {
  const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;

  it('has complete metadata: license (with a LICENSE file), keywords, engines, bin, author', () => {
    expect(pjson.license).toBe('MIT');
    expect(readFileSync(join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} monctl authors\n/);
    expect((pjson.keywords as string[]).length).toBeGreaterThan(5);
    expect(pjson.engines).toEqual({ node: '>=20' });
    expect(pjson.bin).toEqual({ monctl: './bin/run.js' });
    expect(pjson.author).toBe('monctl authors');
    expect(typeof pjson.description).toBe('string');
  });

  it('npm pack ships the launcher, the build, the manifest, every command and the docs; no sources or tests', async () => {
    // --ignore-scripts: list what is there now, without `prepare` rebuilding dist/ under the other tests.
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const files = new Set((JSON.parse(r.stdout) as Array<{ files: Array<{ path: string; mode: number }> }>)[0]!.files.map((f) => f.path));
    for (const f of ['bin/run.js', 'dist/index.js', 'dist/hooks/help.js', 'dist/fast/dispatch.js', 'dist/hooks/command-not-found.js', 'oclif.manifest.json', 'LICENSE', 'README.md', 'docs/commands.md', 'package.json']) {
      expect(files.has(f), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { relativePath: string[] }> };
    for (const [id, c] of Object.entries(manifest.commands)) expect(files.has(c.relativePath.join('/')), id).toBe(true);
    expect([...files].filter((f) => /^(src|test|bench|scripts|node_modules)\//.test(f) || f === 'bin/dev.js')).toEqual([]);
    // Every runtime dependency (the oclif plugins included) is a dependency, not a devDependency.
    const deps = pjson.dependencies as Record<string, string>;
    for (const p of (pjson.oclif as { plugins: string[] }).plugins) expect(deps[p], p).toBeDefined();
  });
});
