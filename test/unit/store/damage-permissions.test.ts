import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/corpus.js';
import { extractFixture, removeTempDirs, type FixtureName } from '../../helpers/ceph.js';
import { hashTree } from '../../helpers/stores.js';
import { largestTable } from './damage-cases.js';

/**
 * A store file the user may not read (a table of mode 000, as after a wrong chown): every read
 * ends in STORE_OPEN_FAILED naming the file and saying to run as the store's owner, and
 * `store check` exits 1. Root reads anything, so the CLI runs as root without the
 * capabilities that bypass file modes (setpriv); skipped when that is not possible.
 */
const canDropCaps = process.getuid?.() === 0 && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

function runUnprivileged(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, join(repoRoot, 'bin', 'run.js'), ...args], {
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => removeTempDirs());

describe.skipIf(!canDropCaps).each(['leveldb', 'reef'] as FixtureName[])('an unreadable table file (%s)', (store) => {
  it('reads end in STORE_OPEN_FAILED naming it, store check exits 1, nothing changes', () => {
    const mon = extractFixture(store);
    const table = largestTable(mon);
    chmodSync(table, 0o000);
    const before = hashTree(mon);
    for (const args of [['store', 'list'], ['store', 'get', 'monitor', 'magic'], ['osdmap', 'verify']]) {
      const r = runUnprivileged([...args, '-s', mon]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(4);
      expect(r.stderr).toMatch(/STORE_OPEN_FAILED.*permission denied/i);
      expect(r.stderr).toContain(table.split('/').pop()!);
      expect(r.stderr).toContain("Run monctl as the store's owner");
    }
    const check = runUnprivileged(['store', 'check', '-s', mon]);
    expect(check.code, check.stdout + check.stderr).toBe(1);
    expect(check.stdout).toContain(table.split('/').pop()!);
    chmodSync(table, 0o644);
    expect(hashTree(mon)).toEqual(before);
  }, 180_000);
});
