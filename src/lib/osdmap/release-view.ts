/**
 * An OSDMap as one release's tools see it. osdmaptool (and the mon) of release R decode a map
 * with R's decoders: a section newer than R's is skipped to its end, so what R does not know is
 * simply absent (Pacific skips the client section's v10 `pg_upmap_primaries` and the osd-only
 * v12 `allow_crimson`; Reef skips pg_pool_t v31/v32's `nonprimary_shards`). R then prints names
 * only up to its own release (ceph_release_t's to_string: anything later is "unknown").
 *
 * The text and JSON of `osdmap print|tree|dump` and placement take the release explicitly; when
 * the user names none it is the map's require_osd_release (from Pacific to Tentacle), else
 * Pacific (src/lib/ceph-releases.ts effectiveRelease).
 */
import { effectiveRelease, releaseName as cephReleaseName } from '../ceph-releases.js';
import { RELEASE, effectiveRequireOsdRelease, type OSDMap } from './osdmap-types.js';

/** The release whose tools' text a command reproduces for this map. */
export function textRelease(m: OSDMap, named?: number): number {
  return effectiveRelease(named, effectiveRequireOsdRelease(m));
}

/** to_string(ceph_release_t) as release `release` prints it: later releases are "unknown". */
export function releaseNameAs(r: number, release: number): string {
  return r > release ? 'unknown' : cephReleaseName(r);
}

/** What `release`'s decoder keeps of the map (a shallow copy when anything is dropped). */
export function asDecodedBy(m: OSDMap, release: number): OSDMap {
  const dropReef = release < RELEASE.REEF && (m.pgUpmapPrimaries.size > 0 || m.allowCrimson);
  const dropTentacle = release < RELEASE.TENTACLE && [...m.pools.values()].some((p) => p.nonprimaryShards.length > 0);
  if (!dropReef && !dropTentacle) return m;
  const out: OSDMap = { ...m };
  if (dropReef) {
    // OSDMap::decode (Pacific): client section v10 and osd-only v12 are past its struct_v.
    out.pgUpmapPrimaries = new Map();
    out.allowCrimson = false;
  }
  if (dropTentacle) {
    // pg_pool_t::decode before Tentacle stops at v30: nonprimary_shards (v32) stays empty.
    out.pools = new Map([...m.pools].map(([id, p]) => [id, p.nonprimaryShards.length > 0 ? { ...p, nonprimaryShards: [] } : p]));
  }
  return out;
}
