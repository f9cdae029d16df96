/**
 * The `--release` flag of the crush commands, in-process: the fixture goldens of Reef and
 * Tentacle (`crushtool -d` / `--dump` of those releases), the default taken from the map,
 * $MONCTL_RELEASE, the compiler's warnings and Quincy's required replica count. (A bad
 * --release value is the shared flag's (src/lib/cli/release-flag.ts) to report.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import CrushCompile from '../../src/commands/crush/compile.js';
import CrushDecompile from '../../src/commands/crush/decompile.js';
import CrushDump from '../../src/commands/crush/dump.js';
import CrushTest from '../../src/commands/crush/test.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

const fixture = (name: string): string => join(new URL('../fixtures/maps/', import.meta.url).pathname, name);
const golden = (name: string): string => readFileSync(fixture(name), 'utf8');

describe('crush decompile / dump --release', () => {
  for (const release of ['reef', 'tentacle']) {
    it(`${release}: equal to that release's crushtool`, async () => {
      const bin = fixture(`${release}-crushmap.bin`);
      const d = await runCommand(CrushDecompile, ['--crushmap', bin, '--release', release]);
      expect(d.exitCode).toBe(0);
      expect(d.stdout).toBe(golden(`${release}-crushmap.txt`));
      const j = await runCommand(CrushDump, ['--crushmap', bin, '--release', release]);
      expect(j.stdout).toBe(golden(`${release}-crushmap.dump.json`));
    });
  }

  it('unnamed: a map with msr rules is Squid+ (Tentacle text); a Reef map is Pacific', async () => {
    expect((await runCommand(CrushDecompile, ['--crushmap', fixture('tentacle-crushmap.bin')])).stdout).toBe(golden('tentacle-crushmap.txt'));
    const reef = await runCommand(CrushDecompile, ['--crushmap', fixture('reef-crushmap.bin')]);
    expect(reef.stdout).toMatch(/\tmin_size 1\n/);
  });

  it('$MONCTL_RELEASE', async () => {
    process.env.MONCTL_RELEASE = '18';
    try {
      expect((await runCommand(CrushDump, ['--crushmap', fixture('reef-crushmap.bin')])).stdout).toBe(golden('reef-crushmap.dump.json'));
    } finally {
      delete process.env.MONCTL_RELEASE;
    }
  });
});

describe('crush compile --release', () => {
  const tmp = tempDir('monctl-crush-release-');
  afterAll(() => tmp.cleanup());

  it("Tentacle's text compiles to the Tentacle map; --json carries the warnings", async () => {
    const out = join(tmp.dir, 't.bin');
    const r = await runCommand(CrushCompile, [fixture('tentacle-crushmap.txt'), '--release', 'tentacle', '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(out).equals(readFileSync(fixture('tentacle-crushmap.bin')))).toBe(true);
    const pacific = await runCommand(CrushCompile, [fixture('tentacle-crushmap.txt')]);
    expect(pacific.exitCode).toBe(2);
  });

  it('min_size on Reef: the warning on stderr, or in --json', async () => {
    const text = join(tmp.dir, 'sizes.txt');
    const src = golden('reef-crushmap.txt').replace('\ttype replicated\n', '\ttype replicated\n\tmin_size 1\n');
    (await import('node:fs')).writeFileSync(text, src);
    const r = await runCommand(CrushCompile, [text, '--release', 'reef']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('WARNING: min_size is no longer supported, ignoring\n');
    const j = await runCommand<{ warnings: string[] }>(CrushCompile, [text, '--release', 'reef', '--json']);
    expect(j.result?.warnings).toEqual(['WARNING: min_size is no longer supported, ignoring']);
  });
});

describe('crush test --release', () => {
  it('Quincy and later need a replica count; the Tentacle map defaults to Squid+', async () => {
    const r = await runCommand(CrushTest, ['--crushmap', fixture('tentacle-crushmap.bin'), '--show-statistics']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/must specify --num-rep or both --min-rep and --max-rep/);
    const ok = await runCommand(CrushTest, ['--crushmap', fixture('tentacle-crushmap.bin'), '--rule', '2', '--num-rep', '6', '--x', '0', '--show-mappings']);
    expect(ok.stdout).toBe('CRUSH rule 2 x 0 [3,2,0,1,4,5]\n');
  });
});
