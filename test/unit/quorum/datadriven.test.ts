/**
 * Data-driven quorum scenarios (etcd raft's testdata style). Each file in testdata/ is a list
 * of `command`, `----`, expected output. Set MONCTL_REWRITE=1 to write the actual outputs back.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScriptRunner, formatScript, parseScript } from './script.js';

const dir = join(import.meta.dirname, 'testdata');
const rewrite = process.env.MONCTL_REWRITE === '1';

describe('quorum scenarios', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(file, () => {
      const path = join(dir, file);
      const blocks = parseScript(readFileSync(path, 'utf8'));
      const runner = new ScriptRunner();
      const done = blocks.map((b) => ({ ...b, actual: runner.run(b.command) }));
      if (rewrite) {
        writeFileSync(path, formatScript(done));
        return;
      }
      for (const b of done) expect(b.actual, `${file}: ${b.command}`).toBe(b.expected);
    });
  }
});
