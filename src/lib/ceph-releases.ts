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

/** The oldest release whose text and encodings monctl reproduces (16, Pacific). */
export const OLDEST_KNOWN_RELEASE = 16;

/** What a `--release` value may be: a release name from Pacific on, or its number. */
export const RELEASE_CHOICES: readonly string[] = RELEASE_NAMES.slice(OLDEST_KNOWN_RELEASE, NEWEST_KNOWN_RELEASE + 1);

/**
 * The release a user named (`--release reef`, `--release 18`, `MONCTL_RELEASE=tentacle`): its
 * number, from Pacific (16) to Tentacle (20). Returns an error message for anything else: a
 * release older than Pacific, a name Ceph does not have, or one newer than monctl knows
 * (umbrella, 21, is named by Ceph but its encodings are not known here).
 */
export function parseRelease(text: string): { release: number } | { error: string } {
  const t = text.trim().toLowerCase();
  const n = /^\d+$/.test(t) ? Number(t) : releaseFromName(t);
  if (n >= OLDEST_KNOWN_RELEASE && n <= NEWEST_KNOWN_RELEASE) return { release: n };
  const known = `${RELEASE_CHOICES.join(', ')} (or ${OLDEST_KNOWN_RELEASE}–${NEWEST_KNOWN_RELEASE})`;
  if (n > NEWEST_KNOWN_RELEASE) return { error: `release "${text}" (${n}, ${releaseName(n)}) is newer than monctl knows; known: ${known}` };
  if (n > 0) return { error: `release "${text}" (${n}, ${releaseName(n)}) is older than monctl reproduces; known: ${known}` };
  return { error: `unknown release "${text}"; known: ${known}` };
}

/**
 * The release a command works as: the one the user named, else the one its input says (a
 * store's min_mon_release, a map's require_osd_release, when from Pacific on), else Pacific.
 */
export function effectiveRelease(named: number | undefined, fromInput?: number): number {
  if (named !== undefined) return named;
  if (fromInput !== undefined && fromInput >= OLDEST_KNOWN_RELEASE && fromInput <= NEWEST_KNOWN_RELEASE) return fromInput;
  return OLDEST_KNOWN_RELEASE;
}
