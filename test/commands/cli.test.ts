import { spawnSync } from 'node:child_process';
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
