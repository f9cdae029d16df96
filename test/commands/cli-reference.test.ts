/**
 * docs/commands.md is every command's current --help: regenerated here from the built manifest
 * and compared with the committed file (run `npm run build && npm run docs` after changing a
 * command). Needs a build (dist/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { commandReference } from '../../src/lib/cli/reference.js';
import { repoRoot } from '../helpers/corpus.js';

describe('docs/commands.md', () => {
  it('is up to date with the commands (npm run docs)', async () => {
    const config = await Config.load(repoRoot);
    const fresh = commandReference(config);
    const committed = readFileSync(join(repoRoot, 'docs', 'commands.md'), 'utf8');
    if (committed !== fresh) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const i = a.findIndex((l, k) => l !== b[k]);
      expect.fail(`docs/commands.md is stale (run \`npm run build && npm run docs\`); first difference at line ${i + 1}:\n  committed: ${a[i]}\n  current:   ${b[i]}`);
    }
    for (const c of config.commands.filter((x) => !x.hidden)) expect(committed).toContain(`## \`monctl ${c.id.replace(/:/g, ' ')}\``);
  });
});
