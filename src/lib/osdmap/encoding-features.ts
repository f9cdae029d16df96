/**
 * The features a monitor encodes an OSDMap (and its Incremental) with: OSDMonitor::encode_pending
 * encodes the pending map with `tmp.get_encoding_features()` and records the same value as the
 * Incremental's encode_features. OSDMap::get_encoding_features starts from SIGNIFICANT_FEATURES
 * (the features any OSDMap encoder tests, src/osd/OSDMap.h) and removes the bits of every release
 * newer than require_osd_release, so a cluster whose require_osd_release is still older keeps
 * writing the older encodings whatever its daemons run.
 *
 * SIGNIFICANT_FEATURES grew over the releases: SERVER_OCTOPUS from Octopus, SERVER_REEF from
 * 18.2.2, SERVER_TENTACLE from Tentacle. Since each is removed while require_osd_release is
 * below its release, the value depends only on require_osd_release for every monitor from
 * Pacific to Tentacle (observed: 0x0f00088010212a04 up to Quincy, 0x0f00088090212a04 for Reef and
 * Squid, 0x0f04088090212a04 for Tentacle) — except 18.2.0 and 18.2.1, whose SIGNIFICANT_FEATURES
 * lacked SERVER_REEF and whose encoders wrote the Reef section versions unconditionally
 * (see clientVersionFor and incClientVersionFor).
 */
import { FEATURE } from '../msg/features.js';
import { RELEASE } from './osdmap-types.js';

/** OSDMap::SIGNIFICANT_FEATURES of a Tentacle monitor (CEPH_FEATUREMASK_* values). */
export const OSDMAP_SIGNIFICANT_FEATURES: bigint =
  FEATURE.PGID64 |
  FEATURE.PGPOOL3 |
  FEATURE.OSDENC |
  FEATURE.OSDMAP_ENC |
  FEATURE.OSD_POOLRESEND |
  FEATURE.NEW_OSDOP_ENCODING |
  FEATURE.MSG_ADDR2 |
  FEATURE.CRUSH_TUNABLES5 |
  FEATURE.CRUSH_CHOOSE_ARGS |
  FEATURE.SERVER_LUMINOUS |
  FEATURE.SERVER_MIMIC |
  FEATURE.SERVER_NAUTILUS |
  FEATURE.SERVER_OCTOPUS |
  FEATURE.SERVER_REEF |
  FEATURE.SERVER_TENTACLE;

const bitOf = (mask: bigint, n: number): bigint => mask & (1n << BigInt(n));

/**
 * The release bits get_encoding_features clears below each release: the feature's own bit
 * (CEPH_FEATURE_*, not the incarnation markers, which older features share).
 */
const RELEASE_GATES: ReadonlyArray<[number, bigint]> = [
  [RELEASE.TENTACLE, bitOf(FEATURE.SERVER_TENTACLE, 50)],
  [RELEASE.REEF, bitOf(FEATURE.SERVER_REEF, 31)],
  [RELEASE.OCTOPUS, bitOf(FEATURE.SERVER_OCTOPUS, 16)],
  [RELEASE.NAUTILUS, bitOf(FEATURE.SERVER_NAUTILUS, 2)],
  [RELEASE.MIMIC, bitOf(FEATURE.SERVER_MIMIC, 28)],
  [RELEASE.LUMINOUS, bitOf(FEATURE.SERVER_LUMINOUS, 21)],
  [RELEASE.KRAKEN, (1n << 14n) | FEATURE.MSG_ADDR2],
  [RELEASE.JEWEL, FEATURE.SERVER_JEWEL | FEATURE.NEW_OSDOP_ENCODING | FEATURE.CRUSH_TUNABLES5],
];

/** OSDMap::get_encoding_features for a map whose require_osd_release is `release`. */
export function osdmapEncodingFeatures(release: number): bigint {
  let f = OSDMAP_SIGNIFICANT_FEATURES;
  for (const [since, bits] of RELEASE_GATES) if (release < since) f &= ~bits;
  return f;
}
