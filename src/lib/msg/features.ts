/**
 * The few Ceph feature masks the address, pool and monmap encoders test. A feature re-uses a
 * bit in a later "incarnation"; testing it also requires the incarnation marker bits (57 for
 * incarnation 2, 57 and 28 for incarnation 3), so each constant below is the full mask.
 */

const bit = (n: number): bigint => 1n << BigInt(n);
const INCARNATION_2 = bit(57);
const INCARNATION_3 = bit(57) | bit(28);

export const FEATURE = {
  /** Bit 11: pg_pool_t v≥3 and enveloped pool_snap_info_t. */
  PGPOOL3: bit(11),
  /** Bit 13: pg_pool_t with a versioned envelope. */
  OSDENC: bit(13),
  /** Bit 43: pg_pool_t v≥15. */
  OSD_POOLRESEND: bit(43),
  /** Bit 56: pg_pool_t v≥22. */
  NEW_OSDOP_ENCODING: bit(56),
  /** Bit 59: entity_addr_t with type and envelope (else the 136-byte legacy form). */
  MSG_ADDR2: bit(59),
  /** Bit 58: CRUSH maps carry chooseleaf_stable (Pacific tests the bare bit). */
  CRUSH_TUNABLES5: bit(58),
  SERVER_LUMINOUS: bit(21) | INCARNATION_2,
  SERVER_MIMIC: bit(28) | INCARNATION_2,
  SERVER_NAUTILUS: bit(2) | INCARNATION_3,
} as const;

/**
 * Every feature a Pacific daemon advertises that matters to these encoders: what
 * `encode(..., CEPH_FEATURES_ALL)` sees, e.g. `monmaptool` writing a file.
 */
export const FEATURES_ALL: bigint = Object.values(FEATURE).reduce((a, b) => a | b, 0n);

/** Ceph's HAVE_FEATURE: every bit of the mask is set. */
export function hasFeature(features: bigint, mask: bigint): boolean {
  return (features & mask) === mask;
}
