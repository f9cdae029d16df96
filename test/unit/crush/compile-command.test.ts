/**
 * `monctl crush compile` run in-process: file in, file out, the --json report, errors as one
 * line with line and column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import CrushCompile from '../../../src/commands/crush/compile.js';
import { repoRoot } from '../../helpers/corpus.js';
import { runCommand } from '../../helpers/run-command.js';
import { tempDir } from '../../helpers/stores.js';

const cases = join(repoRoot, 'test/fixtures/crush-compile');
const { dir, cleanup } = tempDir('crush-compile');
afterAll(cleanup);

describe('crush compile command', () => {
  it('writes crushtool’s bytes and reports what the map holds', async () => {
    const out = join(dir, 'classes.bin');
    const r = await runCommand<Record<string, unknown>>(CrushCompile, [join(cases, 'cases/classes.txt'), '-o', out, '--json']);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(out).equals(readFileSync(join(cases, 'cases/classes.bin')))).toBe(true);
    expect(r.result).toMatchObject({ source: join(cases, 'cases/classes.txt'), out, devices: 6, buckets: 4, shadow_buckets: 12, rules: 2, classes: 3, choose_args: 0 });
    expect(r.result!.bytes).toBe(readFileSync(out).length);
    expect(JSON.parse(r.stdout)).toEqual(r.result);
  });

  it('without -o only checks the text', async () => {
    const r = await runCommand(CrushCompile, [join(cases, 'cases/choose-args.txt')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/compiles: 3 devices, 3 buckets \(\+0 class shadow\), 1 rules, 0 classes, 2 choose_args; use -o FILE/);
  });

  it('a bad text exits 2 with the file, line and column', async () => {
    const f = join(cases, 'errors/undefined-item.txt');
    const r = await runCommand(CrushCompile, [f, '-o', join(dir, 'never.bin')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^monctl: BAD_ARGUMENT: .*undefined-item\.txt:4:38: item 'osd\.7' in bucket 'default' is not defined\n/);
    const j = await runCommand(CrushCompile, [f, '--json']);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it('refuses -o - with --json, whose stdout is the report', async () => {
    const r = await runCommand(CrushCompile, [join(cases, 'cases/empty.txt'), '-o', '-', '--json']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('BAD_ARGUMENT');
  });

  it('a missing file is an IO_ERROR', async () => {
    const r = await runCommand(CrushCompile, [join(dir, 'nope.txt'), '--json']);
    expect(r.exitCode).toBe(4);
    expect(JSON.parse(r.stdout).error.code).toBe('IO_ERROR');
  });
});
