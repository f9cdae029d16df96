/**
 * `--release`: the Ceph release whose bytes and text a command reproduces (also
 * $MONCTL_RELEASE). Parsed to the release number (16–20); a bad value is a usage error.
 */
import { Flags } from '@oclif/core';
import { RELEASE_CHOICES, parseRelease } from '../ceph-releases.js';

export const releaseFlag = Flags.custom<number>({
  summary: `Ceph release to behave as: ${RELEASE_CHOICES.join('|')} or 16–20 (default: $MONCTL_RELEASE, else what the input says, else pacific).`,
  env: 'MONCTL_RELEASE',
  helpValue: 'RELEASE',
  async parse(input: string) {
    const r = parseRelease(input);
    if ('error' in r) throw new Error(r.error);
    return r.release;
  },
});
