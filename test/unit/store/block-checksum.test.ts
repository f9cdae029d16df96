import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leveldbCrc, unmaskCrc } from '../../../src/lib/store/leveldb-reader/format.js';
import { blockCrcImplementation, loadChecksums, maskedBlockCrc32c } from '../../../src/lib/store/rocksdb-reader/checksum.js';
import { extractFixture, removeTempDirs } from '../../helpers/ceph.js';
import { repoRoot } from '../../helpers/corpus.js';

/**
 * Block CRC-32Cs (LevelDB tables, and RocksDB tables with crc32c checksums) come from the CPU
 * through the optional @node-rs/crc32 when it is installed for this platform, else from
 * WebAssembly: both must be the CRC the TypeScript one gives, on any block, at any offset.
 */
afterAll(() => removeTempDirs());

const nativeInstalled = (() => {
  try {
    createRequire(join(repoRoot, 'package.json')).resolve('@node-rs/crc32');
    return true;
  } catch {
    return false;
  }
})();

describe('block CRC-32C', () => {
  it(`comes from ${nativeInstalled ? 'the CPU (@node-rs/crc32 is installed)' : 'WebAssembly (@node-rs/crc32 is not installed)'} once loaded`, async () => {
    await loadChecksums();
    expect(blockCrcImplementation()).toBe(nativeInstalled ? 'cpu' : 'wasm');
  });

  it('equals the TypeScript CRC on 400 random blocks of 0..70,000 bytes at odd offsets of plain and shared buffers', async () => {
    await loadChecksums();
    let x = 99;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
    const pools = [new Uint8Array(200_000), new Uint8Array(new SharedArrayBuffer(200_000))];
    for (const p of pools) for (let i = 0; i < p.length; i++) p[i] = rnd() & 0xff;
    for (let n = 0; n < 400; n++) {
      const pool = pools[n % 2]!;
      const len = n < 8 ? n : rnd() % 70_000;
      const at = rnd() % (pool.length - len);
      const block = pool.subarray(at, at + len);
      expect(unmaskCrc(maskedBlockCrc32c(block)), `block ${n} (${len} bytes at ${at})`).toBe(leveldbCrc(block));
    }
  });

  it('MONCTL_PORTABLE_CRC=1 (WebAssembly) lists and checks a store as the default does', () => {
    const mon = extractFixture('leveldb');
    const run = (env: Record<string, string>, args: string[]) =>
      spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args, '-s', mon], { env: { ...process.env, ...env }, encoding: 'utf8' });
    for (const args of [['store', 'crc'], ['store', 'check', '--quick']]) {
      const def = run({}, args);
      const portable = run({ MONCTL_PORTABLE_CRC: '1' }, args);
      expect(def.status, def.stderr).toBe(0);
      expect({ status: portable.status, stdout: portable.stdout }).toEqual({ status: 0, stdout: def.stdout });
    }
  });
});
