import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import StoreCheck from '../../src/commands/store/check.js';
import StoreCopy from '../../src/commands/store/copy.js';
import StoreCrc from '../../src/commands/store/crc.js';
import StoreList from '../../src/commands/store/list.js';
import StoreMigrate from '../../src/commands/store/migrate.js';
import { MonStore, compareDigests, lockHolders, migrateStore, rawKey } from '../../src/lib/store/index.js';
import { LevelDbBackend } from '../../src/lib/store/leveldb.js';
import { extractFixture, GOLDEN_DIR, removeTempDirs } from '../helpers/ceph.js';
import { repoRoot } from '../helpers/corpus.js';
import { runCommand } from '../helpers/run-command.js';
import { hashTree, tempDir } from '../helpers/stores.js';

interface MigrateJson {
  dest: string;
  backend: string;
  source_backend: string;
  dry_run: boolean;
  files: string[];
  keys: number;
  match?: boolean;
  source_digest: { keys: number; sha256: string; prefixes: Array<{ prefix: string; keys: number }> };
  dest_digest?: { keys: number; sha256: string };
  error?: { code: string };
}

/** The committed Pacific LevelDB fixture, migrated to RocksDB. */
describe('store migrate --to rocksdb (Pacific LevelDB fixture)', () => {
  const tmp = tempDir('migrate');
  let src = '';
  beforeAll(() => {
    src = extractFixture('leveldb');
  });
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  it('writes a RocksDB mon data dir with the same keys and values: MATCH, and --json the same as an object', async () => {
    const before = hashTree(src);
    const dest = join(tmp.dir, 'mon-a-rocksdb');
    const r = await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^migrated .* \(leveldb\) to .*mon-a-rocksdb \(rocksdb\): 368 keys/m);
    expect(r.stdout).toMatch(/^osdmap\s+65\s+\d+\s+65\s+\d+\s+ok$/m);
    expect(r.stdout).toMatch(/^MATCH: /m);
    const [src256, dst256] = [...r.stdout.matchAll(/^sha256 (?:source|copy): +([0-9a-f]{64})$/gm)].map((m) => m[1]);
    expect(src256).toBe(dst256);
    expect(hashTree(src)).toEqual(before); // the source is only read

    expect(readFileSync(join(dest, 'kv_backend'), 'utf8')).toBe('rocksdb\n');
    expect(readdirSync(dest).sort()).toEqual(['keyring', 'kv_backend', 'min_mon_release', 'store.db']);
    expect(readFileSync(join(dest, 'keyring'))).toEqual(readFileSync(join(src, 'keyring')));
    expect(statSync(join(dest, 'keyring')).mode & 0o777).toBe(statSync(join(src, 'keyring')).mode & 0o777);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('monctl-migrate'))).toEqual([]);

    // what Ceph's own tools printed for the source, monctl now prints for the copy
    expect((await runCommand(StoreList, ['-s', dest])).stdout).toBe(readFileSync(join(GOLDEN_DIR, 'leveldb', 'kvstore-list.txt'), 'utf8'));
    expect((await runCommand(StoreCrc, ['-s', dest])).stdout).toBe(readFileSync(join(GOLDEN_DIR, 'leveldb', 'kvstore-list-crc.txt'), 'utf8'));
    expect((await runCommand(StoreCheck, ['-s', dest])).exitCode).toBe(0);

    const dest2 = join(tmp.dir, 'json');
    const j = await runCommand<MigrateJson>(StoreMigrate, [dest2, '--to', 'rocksdb', '-s', src, '--json']);
    const json = JSON.parse(j.stdout) as MigrateJson;
    expect(json).toMatchObject({ backend: 'rocksdb', source_backend: 'leveldb', dry_run: false, match: true, keys: 368, files: ['keyring', 'min_mon_release'] });
    expect(json.dest_digest).toEqual(json.source_digest);
    expect(json.source_digest.sha256).toBe(src256);
    expect(json.source_digest.prefixes.find((p) => p.prefix === 'paxos')).toMatchObject({ keys: 108 });
  });

  it('refuses an existing DEST (DEST_EXISTS), an empty one too; DEST inside the source is refused', async () => {
    const existing = join(tmp.dir, 'exists');
    mkdirSync(existing);
    const r = await runCommand(StoreMigrate, [existing, '--to', 'rocksdb', '-s', src]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DEST_EXISTS');
    expect(readdirSync(existing)).toEqual([]);
    const nested = await runCommand(StoreMigrate, [join(src, 'new'), '--to', 'rocksdb', '-s', src, '--json']);
    expect(JSON.parse(nested.stdout).error.code).toBe('BAD_ARGUMENT');
    const noTo = await runCommand(StoreMigrate, [join(tmp.dir, 'x'), '-s', src]);
    expect(noTo.exitCode).toBe(2);
  });

  it('--dry-run says what it would do and writes nothing', async () => {
    const dest = join(tmp.dir, 'dry');
    const r = await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src, '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('dry run: would migrate');
    expect(r.stdout).toContain('368 keys');
    expect(r.stdout).toContain('other files copied: keyring, min_mon_release');
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('monctl-migrate'))).toEqual([]);
    const j = JSON.parse((await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src, '--dry-run', '--json'])).stdout) as MigrateJson;
    expect(j).toMatchObject({ dry_run: true, keys: 368 });
    expect(j.dest_digest).toBeUndefined();
  });

  it('refuses a source whose LOCK another process holds (a live monitor), and says who', async () => {
    const held = join(tmp.dir, 'held');
    expect((await runCommand(StoreCopy, [held, '-s', src])).exitCode).toBe(0);
    const holder = await MonStore.open(held, { write: true }); // takes store.db/LOCK, as ceph-mon does
    try {
      expect(lockHolders(join(held, 'store.db')).holders.map((h) => h.pid)).toEqual([process.pid]);
      const r = await runCommand(StoreMigrate, [join(tmp.dir, 'from-held'), '--to', 'rocksdb', '-s', held]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(`STORE_LOCKED: ${join(held, 'store.db')} is held by pid ${process.pid}`);
      expect(existsSync(join(tmp.dir, 'from-held'))).toBe(false);
    } finally {
      await holder.close();
    }
    expect(lockHolders(join(held, 'store.db')).holders).toEqual([]);
  });

  it('holds the source\'s LOCK while it copies (no monitor can start on it), and lets it go', async () => {
    const dbDir = join(src, 'store.db');
    const seen: number[][] = [];
    const r = await migrateStore(src, join(tmp.dir, 'locked'), {
      to: 'rocksdb',
      onProgress: () => seen.push(lockHolders(dbDir).holders.map((h) => h.pid)),
    });
    expect(r.match).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((pids) => pids.length === 1 && pids[0] === process.pid)).toBe(true);
    expect(lockHolders(dbDir).holders).toEqual([]);
  });

  it('copies every other file of the mon data dir (not monctl backups), and a RocksDB source too', async () => {
    const mon = join(tmp.dir, 'extras');
    expect((await runCommand(StoreCopy, [mon, '-s', src])).exitCode).toBe(0);
    writeFileSync(join(mon, 'done'), '');
    mkdirSync(join(mon, 'sub'));
    writeFileSync(join(mon, 'sub', 'f'), 'x');
    mkdirSync(join(mon, 'store.db.backup-20250101T000000Z'));
    const dest = join(tmp.dir, 'extras-new');
    const j = JSON.parse((await runCommand(StoreMigrate, [dest, '--to', 'rocksdb', '-s', mon, '--json'])).stdout) as MigrateJson & { skipped: string[] };
    expect(j.files).toEqual(['done', 'keyring', 'min_mon_release', 'sub']);
    expect(j.skipped).toEqual(['store.db.backup-20250101T000000Z']);
    expect(readFileSync(join(dest, 'sub', 'f'), 'utf8')).toBe('x');
    // RocksDB to RocksDB (a rewrite by RocksDB 6.17) works the same way
    const again = JSON.parse((await runCommand(StoreMigrate, [join(tmp.dir, 'again'), '--to', 'rocksdb', '-s', dest, '--json'])).stdout) as MigrateJson;
    expect(again).toMatchObject({ source_backend: 'rocksdb', match: true });
    expect(again.source_digest.sha256).toBe(j.source_digest.sha256);
  });

  it('store copy --backend still works through the shared copy loop', async () => {
    for (const backend of ['leveldb', 'rocksdb']) {
      const dest = join(tmp.dir, `copy-${backend}`);
      const r = await runCommand<{ backend: string; keys: number }>(StoreCopy, [dest, '-s', src, '--backend', backend, '--json']);
      expect(JSON.parse(r.stdout)).toMatchObject({ backend, keys: 368 });
      expect((await runCommand(StoreList, ['-s', dest])).stdout).toBe(readFileSync(join(GOLDEN_DIR, 'leveldb', 'kvstore-list.txt'), 'utf8'));
    }
  });
});

describe('compareDigests', () => {
  const d = (prefixes: Array<[string, number, number]>, sha256: string) => ({
    keys: prefixes.reduce((a, p) => a + p[1], 0),
    key_bytes: 0,
    value_bytes: prefixes.reduce((a, p) => a + p[2], 0),
    sha256,
    prefixes: prefixes.map(([prefix, keys, value_bytes]) => ({ prefix, keys, key_bytes: 0, value_bytes })),
  });
  it('names each prefix that differs, and the hash', () => {
    expect(compareDigests(d([['a', 1, 5]], 'x'), d([['a', 1, 5]], 'x'))).toEqual({ match: true, differences: [] });
    const c = compareDigests(d([['a', 1, 5], ['b', 2, 2]], 'x'), d([['a', 1, 6], ['c', 1, 1]], 'y'));
    expect(c.match).toBe(false);
    expect(c.differences).toEqual([
      'prefix a: source 1 keys / 5 value bytes, copy 1 keys / 6 value bytes',
      'prefix b: 2 keys in the source, none in the copy',
      'prefix c: 1 keys in the copy, none in the source',
      'total: source 3 keys, copy 2 keys',
      'sha256: source x, copy y',
    ]);
  });
});

/** A migration killed half-way leaves no DEST; the next one clears its leftovers. */
describe('store migrate killed half-way', () => {
  const tmp = tempDir('migrate-kill');
  afterAll(() => tmp.cleanup());

  it('leaves only a temporary sibling, which the next migration to DEST removes', async () => {
    const src = join(tmp.dir, 'big');
    mkdirSync(src);
    writeFileSync(join(src, 'kv_backend'), 'leveldb\n');
    mkdirSync(join(src, 'store.db'));
    const db = await LevelDbBackend.create(join(src, 'store.db'));
    const value = new Uint8Array(1000).fill(7);
    for (let b = 0; b < 20; b++) {
      await db.batch(Array.from({ length: 5000 }, (_, i) => ({ type: 'put' as const, key: rawKey('paxos', String(b * 5000 + i)), value })));
    }
    await db.close();

    const dest = join(tmp.dir, 'new');
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin', 'dev.js'), 'store', 'migrate', dest, '--to', 'rocksdb', '-s', src], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const temps = () => readdirSync(tmp.dir).filter((n) => n.startsWith('.new.monctl-migrate-'));
    // wait until it writes table files into its temporary directory, then kill it hard
    const deadline = Date.now() + 20_000;
    for (;;) {
      const t = temps()[0];
      if (t && existsSync(join(tmp.dir, t, 'store.db')) && readdirSync(join(tmp.dir, t, 'store.db')).some((n) => n.endsWith('.log'))) break;
      if (Date.now() > deadline) throw new Error('the migration never started writing');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(dest)).toBe(false);
    expect(temps()).toHaveLength(1);

    const r = await runCommand<MigrateJson & { removed_stale: string[] }>(StoreMigrate, [dest, '--to', 'rocksdb', '-s', src, '--json']);
    const j = JSON.parse(r.stdout) as MigrateJson & { removed_stale: string[] };
    expect(j).toMatchObject({ match: true, keys: 100_000 });
    expect(j.removed_stale).toHaveLength(1);
    expect(temps()).toEqual([]);
  }, 60_000);
});
