import { ClassicLevel } from 'classic-level';
import { mulberry32, type Prng } from '../../src/lib/random.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;
const enc = new TextEncoder();

/** Prefixes and keys that exercise url_escape: spaces, '%', NULs, UTF-8 and raw high bytes. */
const PREFIXES = ['paxos', 'osdmap', 'logm', 'a b', 'pre%x', 'ü', ''];
export function randomKey(rng: Prng): Uint8Array {
  const prefix = enc.encode(rng.pick(PREFIXES));
  let key: Uint8Array;
  switch (rng.int(0, 3)) {
    case 0:
      key = enc.encode(String(rng.int(1, 400)));
      break;
    case 1:
      key = enc.encode(`full_${rng.int(1, 50)}`);
      break;
    case 2:
      key = Uint8Array.from({ length: rng.int(0, 12) }, () => rng.int(0, 255));
      break;
    default:
      key = enc.encode(rng.pick(['last_committed', 'first_committed', 'magic', 'x\ty', '~/._-']));
  }
  const raw = new Uint8Array(prefix.length + 1 + key.length);
  raw.set(prefix);
  raw.set(key, prefix.length + 1);
  return raw;
}

function randomValue(rng: Prng): Uint8Array {
  const len = rng.pick([0, rng.int(1, 16), rng.int(100, 2000), rng.int(5000, 40000)]);
  if (rng.chance(0.5)) return Uint8Array.from({ length: len }, () => rng.int(0, 255));
  // Compressible: a short pattern repeated, so snappy blocks appear.
  const pattern = Uint8Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255));
  return Uint8Array.from({ length: len }, (_, i) => pattern[i % pattern.length]!);
}

function openDb(dir: string, rng: Prng): Db {
  return new ClassicLevel<Uint8Array, Uint8Array>(dir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    writeBufferSize: rng.pick([4096, 32768, 4 << 20]),
    blockSize: rng.pick([256, 1024, 4096]),
    blockRestartInterval: rng.pick([1, 4, 16]),
    maxFileSize: rng.pick([16384, 2 << 20]),
    compression: rng.chance(0.7),
  });
}

/**
 * A store built by LevelDB itself under one seed: overwrites, deletions, flushes to level 0,
 * compactions into deeper levels, reopenings, and a final tail left unflushed in the .log.
 */
export async function buildLevelDbStore(dir: string, seed: number): Promise<void> {
  const rng = mulberry32(seed);
  let db = openDb(dir, rng);
  await db.open();
  const known: Uint8Array[] = [];
  const batches = rng.int(3, 40);
  for (let b = 0; b < batches; b++) {
    const ops: Array<{ type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array }> = [];
    for (let i = rng.int(1, 120); i > 0; i--) {
      const key = known.length > 0 && rng.chance(0.4) ? rng.pick(known) : randomKey(rng);
      if (rng.chance(0.25)) ops.push({ type: 'del', key });
      else {
        ops.push({ type: 'put', key, value: randomValue(rng) });
        known.push(key);
      }
    }
    await db.batch(ops);
    if (rng.chance(0.15)) await db.compactRange(randomKey(rng), randomKey(rng)).catch(() => undefined);
    if (rng.chance(0.05)) await db.compactRange(new Uint8Array([0]), new Uint8Array([0xff, 0xff]));
    if (rng.chance(0.1)) {
      await db.close();
      db = openDb(dir, rng);
      await db.open();
    }
  }
  await db.close();
}

