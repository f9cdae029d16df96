/**
 * Ceph's release numbers and names (src/common/ceph_releases.h): shared by the codecs (an
 * OSDMap's require_osd_release) and the store (a mon data dir's min_mon_release).
 */

/** The release number of a ceph_release_t name (ceph_release_from_name). */
export const RELEASE_NAMES: readonly string[] = [
  'unknown',
  'argonaut',
  'bobtail',
  'cuttlefish',
  'dumpling',
  'emperor',
  'firefly',
  'giant',
  'hammer',
  'infernalis',
  'jewel',
  'kraken',
  'luminous',
  'mimic',
  'nautilus',
  'octopus',
  'pacific',
  'quincy',
  'reef',
  'squid',
  'tentacle',
  'umbrella',
];

/**
 * to_string(ceph_release_t) (ceph_release_name): the names of ceph_release_t up to umbrella
 * (21, the last value before `max` in src/common/ceph_releases.h); any other value is
 * "unknown", as Ceph prints it.
 */
export function releaseName(r: number): string {
  return RELEASE_NAMES[r] ?? 'unknown';
}

/** ceph_release_from_name: the release of a name, 0 (unknown) for a name Ceph does not know. */
export function releaseFromName(name: string): number {
  const i = RELEASE_NAMES.indexOf(name);
  return i < 0 ? 0 : i;
}

/** The newest release whose stores and encodings monctl knows (20, Tentacle). */
export const NEWEST_KNOWN_RELEASE = 20;
