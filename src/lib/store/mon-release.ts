import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEWEST_KNOWN_RELEASE, releaseFromName, releaseName } from '../ceph-releases.js';
import { MonctlError } from '../errors.js';

/**
 * The release a mon data dir says it belongs to: the `min_mon_release` file ceph-mon writes
 * beside store.db (a release name, or its number). Undefined when there is no such file;
 * -1 for a name Ceph's release table does not have (a release newer than monctl knows).
 */
export function monDataDirRelease(monDataDir: string | undefined): { text: string; release: number } | undefined {
  if (!monDataDir) return undefined;
  const file = join(monDataDir, 'min_mon_release');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  const release = /^\d+$/.test(text) ? Number(text) : releaseFromName(text) || -1;
  return { text, release };
}

/**
 * Writes re-encode maps and lay out keys as the releases monctl knows do; a store of a newer
 * release (its monitors may encode what monctl cannot) is read, never written.
 */
export function refuseNewerRelease(monDataDir: string | undefined): void {
  const r = monDataDirRelease(monDataDir);
  if (!r || (r.release >= 0 && r.release <= NEWEST_KNOWN_RELEASE)) return;
  throw new MonctlError('DECODE_TOO_NEW', `${join(monDataDir!, 'min_mon_release')} says this store belongs to Ceph release "${r.text}", newer than monctl knows (up to ${NEWEST_KNOWN_RELEASE}, ${releaseName(NEWEST_KNOWN_RELEASE)}); monctl reads it but will not write to it`, {
    actions: ["Use the Ceph release's own tools for this edit (ceph-kvstore-tool, ceph-monstore-tool), or a monctl that knows this release."],
  });
}
