/**
 * Ceph 16.2.15's tools name ceph_release_t only up to pacific; monctl names the later releases
 * (quincy … umbrella) as Tentacle does, and prints a Reef or later map as that release's
 * osdmaptool does (with the read balance score of replicated pools). Comparing monctl's text
 * with a Pacific tool's answer about a newer map: those names read "unknown" there, and there
 * is no score.
 */
import { RELEASE, releaseFromName } from '../../src/lib/osdmap/index.js';

const FIELDS = 'require_osd_release|require_min_compat_client|min_compat_client';
const afterPacific = (name: string): boolean => releaseFromName(name) > RELEASE.PACIFIC;

/** `osdmaptool --print` text (`field name` lines) and `--dump json` text (`"field":"name"`). */
export function asPacificText(text: string): string {
  return text
    .replace(new RegExp(`^(${FIELDS}) ([a-z]+)$`, 'gm'), (all, f: string, name: string) => (afterPacific(name) ? `${f} unknown` : all))
    .replace(new RegExp(`"(${FIELDS})":"([a-z]+)"`, 'g'), (all, f: string, name: string) => (afterPacific(name) ? `"${f}":"unknown"` : all))
    .replace(/^(pool \d+ .*?) read_balance_score [0-9.]+$/gm, '$1')
    .replace(/^ (Warning|ERROR): .*\n/gm, '');
}
