import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import StoreMigrate from '../../src/commands/store/migrate.js';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { runCommand } from '../helpers/run-command.js';
import { tempDir } from '../helpers/stores.js';

// The copy, re-read from disk, reads back one value differently: what a bad write would do.
vi.mock('../../src/lib/store/digest.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/lib/store/digest.js')>();
  return {
    ...orig,
    digestStore: async (...args: Parameters<typeof orig.digestStore>) => {
      const d = await orig.digestStore(...args);
      const osdmap = d.prefixes.find((p) => p.prefix === 'osdmap');
      if (osdmap) osdmap.value_bytes -= 1;
      return { ...d, value_bytes: d.value_bytes - 1, sha256: '0'.repeat(64) };
    },
  };
});

describe('store migrate when the copy does not read back the same', () => {
  const tmp = tempDir('migrate-mismatch');
  let src = '';
  beforeAll(() => {
    src = extractFixture('leveldb');
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('fails with CHECK_FAILED (exit 1), names what differs, and leaves no DEST and no temporary directory', async () => {
    const dest = join(tmp.dir, 'new');
    const r = await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^osdmap\s+65\s+\d+\s+65\s+\d+\s+DIFFERS$/m);
    expect(r.stdout).toMatch(/^MISMATCH$/m);
    expect(r.stderr).toMatch(/^monctl: CHECK_FAILED: the copy does not hold the source's keys and values \(prefix osdmap: source 65 keys/);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(tmp.dir)).toEqual([]);

    const j = await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src, '--json']);
    expect(j.exitCode).toBe(1);
    const json = JSON.parse(j.stdout);
    expect(json).toMatchObject({ match: false, error: { code: 'CHECK_FAILED' } });
    expect(json.differences).toContain(`sha256: source ${json.source_digest.sha256}, copy ${'0'.repeat(64)}`);
    expect(existsSync(dest)).toBe(false);
  });
});
