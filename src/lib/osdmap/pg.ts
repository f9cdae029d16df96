/**
 * pg_t (Ceph src/osd/osd_types.h pg_t::encode): a placement group id. 17 bytes, no envelope: u8 version (1),
 * u64 pool, u32 seed ("ps"), s32 preferred — a pre-Firefly field Ceph skips on decode and
 * always writes as −1. Printed `pool.seed` with the seed in lowercase hex: `1.2f`.
 */
import { Reader, Writer } from '../encoding/index.js';
import { MonctlError } from '../errors.js';

export interface PgId {
  /** Pool id. Ceph keeps it in a u64 but pool ids are at most pool_max (an s32). */
  pool: number;
  /** Placement seed (ps), u32. */
  seed: number;
}

export const PG_ENCODED_LEN = 17;

export function decodePg(r: Reader): PgId {
  r.u8('pg_t version');
  const at = r.pos;
  const pool = r.s64('pg_t pool');
  if (pool > BigInt(Number.MAX_SAFE_INTEGER) || pool < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MonctlError('DECODE_INVALID', `pg_t pool ${BigInt.asUintN(64, pool)} is not a pool id`, {
      offset: at,
      actions: ['The value is corrupt: restore it from a backup or another monitor.'],
    });
  }
  const seed = r.u32('pg_t seed');
  r.s32('pg_t preferred');
  return { pool: Number(pool), seed };
}

export function encodePg(w: Writer, pg: PgId): void {
  w.u8(1).s64(BigInt(pg.pool)).u32(pg.seed).s32(-1);
}

/** `1.2f`: decimal pool, hex seed (Ceph's operator<< for pg_t). */
export function formatPg(pg: PgId): string {
  return `${pg.pool}.${(pg.seed >>> 0).toString(16)}`;
}

/** Parses `POOL.SEED` (decimal pool, hex seed), e.g. `1.2f`. */
export function parsePg(text: string): PgId {
  const m = /^(\d+)\.([0-9a-fA-F]{1,8})$/.exec(text);
  const pool = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(pool)) {
    throw new MonctlError('BAD_ARGUMENT', `'${text}' is not a placement group id`, {
      actions: ['Write a pg id as POOL.SEED with the seed in hex, e.g. 1.2f.'],
    });
  }
  return { pool, seed: parseInt(m[2]!, 16) >>> 0 };
}

/** Ceph's ordering of pg_t keys: by pool, then by seed. */
export function comparePg(a: PgId, b: PgId): number {
  return a.pool !== b.pool ? (a.pool < b.pool ? -1 : 1) : a.seed - b.seed;
}
