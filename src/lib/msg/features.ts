/**
 * The Ceph feature masks monctl's encoders test (src/include/ceph_features.h). A feature re-uses
 * a bit in a later "incarnation"; testing it also requires the incarnation marker bits (57 for
 * incarnation 2, 57 and 28 for incarnation 3), so each constant below is the full mask
 * (CEPH_FEATUREMASK_*), which is what HAVE_FEATURE compares against.
 */

const bit = (n: number): bigint => 1n << BigInt(n);
const INCARNATION_2 = bit(57);
const INCARNATION_3 = bit(57) | bit(28);

/** The masks of the features a Pacific daemon's encoders test (the set FEATURES_ALL covers). */
const PACIFIC_ENCODING = {
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
  /** Bit 58: CRUSH maps carry chooseleaf_stable (Ceph tests the bare bit). */
  CRUSH_TUNABLES5: bit(58),
  SERVER_LUMINOUS: bit(21) | INCARNATION_2,
  SERVER_MIMIC: bit(28) | INCARNATION_2,
  SERVER_NAUTILUS: bit(2) | INCARNATION_3,
} as const;

export const FEATURE = {
  ...PACIFIC_ENCODING,
  /** Bit 9: the enveloped (non-classic) OSDMap encodings. */
  PGID64: bit(9),
  /** Bit 39: new-style OSDMap encoding. */
  OSDMAP_ENC: bit(39),
  /** Bit 21, incarnation 2 (shares the bit with SERVER_LUMINOUS). */
  CRUSH_CHOOSE_ARGS: bit(21) | INCARNATION_2,
  /** Bit 57 (incarnation 1): SERVER_JEWEL, also the incarnation-2 marker. */
  SERVER_JEWEL: bit(57),
  /** Bit 14, incarnation 2. */
  SERVER_KRAKEN: bit(14) | INCARNATION_2,
  /** Bit 16, incarnation 3: osd_xinfo_t v4. */
  SERVER_OCTOPUS: bit(16) | INCARNATION_3,
  SERVER_PACIFIC: bit(20) | INCARNATION_3,
  /** Bit 32, incarnation 3. */
  STRETCH_MODE: bit(32) | INCARNATION_3,
  /** Bit 33, incarnation 3: CRUSH rules written with min/max size 1/100. */
  SERVER_QUINCY: bit(33) | INCARNATION_3,
  /** Bit 34, incarnation 3. */
  RANGE_BLOCKLIST: bit(34) | INCARNATION_3,
  /**
   * Bit 31, incarnation 3: from 18.2.2 the OSDMap client section v10 (pg_upmap_primaries) and
   * the Incremental client section v9 are written only with it.
   */
  SERVER_REEF: bit(31) | INCARNATION_3,
  /**
   * Bit 38, incarnation 2: the CRUSH msr tunables (CrushWrapper::encode). Squid and Tentacle
   * daemons advertise it; it is not among the OSDMap's significant features, so full maps
   * never carry the msr tunables while the quorum's CRUSH blobs do.
   */
  CRUSH_MSR: bit(38) | INCARNATION_2,
  /** Bit 49, incarnation 2. */
  SERVER_SQUID: bit(49) | INCARNATION_2,
  /** Bit 50, incarnation 2: pg_pool_t v32 (pg_pool_t::encode). */
  SERVER_TENTACLE: bit(50) | INCARNATION_2,
} as const;

/**
 * Every feature a Pacific daemon advertises that matters to these encoders: what
 * `encode(..., CEPH_FEATURES_ALL)` sees, e.g. `monmaptool` writing a file. The later releases'
 * bits are left out: they change no Pacific encoding.
 */
export const FEATURES_ALL: bigint = Object.values(PACIFIC_ENCODING).reduce((a, b) => a | b, 0n);

/** Ceph's HAVE_FEATURE: every bit of the mask is set. */
export function hasFeature(features: bigint, mask: bigint): boolean {
  return (features & mask) === mask;
}
