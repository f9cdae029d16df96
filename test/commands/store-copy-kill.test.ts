import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCli, runCliAndKill } from '../helpers/crash.js';
import { kvDigest } from '../helpers/store-digest.js';
import { hashTree, tempDir } from '../helpers/stores.js';

/**
 * `store copy` killed (SIGKILL) at points spread over its run never leaves a DEST that reads
 * as a store unless it is the complete copy; a rerun then succeeds (and removes the killed
 * run's temporary directory).
 */
afterAll(() => removeTempDirs());

describe('store copy killed part-way', () => {
  const tmp = tempDir('copy-kill');
  afterAll(() => tmp.cleanup());

  it('leaves no DEST, or the whole copy; a rerun works', async () => {
    const src = extractFixture('leveldb');
    const before = hashTree(src);
    const want = await kvDigest(src);
    const timed = await runCliAndKill(['store', 'copy', join(tmp.dir, 'timed'), '-s', src]);
    expect(timed.status).toBe('exit 0');
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const dest = join(tmp.dir, `dest-${i}`);
      const killAt = Math.round(((i + 1) / 7) * timed.ms);
      const status = (await runCliAndKill(['store', 'copy', dest, '-s', src], killAt)).status;
      if (existsSync(dest)) {
        // Only a finished copy may be there, and then it is the whole store.
        expect(await kvDigest(dest), `killed at ${killAt} ms (${status})`).toBe(want);
        outcomes.push(`${killAt}ms:${status}:complete`);
        continue;
      }
      outcomes.push(`${killAt}ms:${status}:absent`);
      const rerun = runCli(['store', 'copy', dest, '-s', src]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(await kvDigest(dest)).toBe(want);
      expect(readdirSync(dirname(dest)).filter((n) => n.includes('.monctl-copy-'))).toEqual([]);
    }
    expect(outcomes.some((o) => o.includes('SIGKILL')), outcomes.join(' ')).toBe(true);
    expect(hashTree(src)).toEqual(before);
  }, 180_000);
});
