/**
 * `--release`: the Ceph release whose bytes and text a command reproduces (also
 * $MONCTL_RELEASE). Parsed to the release number (16–20); a bad value is a usage error.
 */
import { Flags } from '@oclif/core';
import { RELEASE_CHOICES, parseRelease } from '../ceph-releases.js';
import { MonctlError } from '../errors.js';

/** A release named on the command line, as its number; anything else is a usage error (exit 2). */
export function releaseArgument(input: string, where = '--release or $MONCTL_RELEASE'): number {
  const r = parseRelease(input);
  if ('error' in r) {
    throw new MonctlError('BAD_ARGUMENT', r.error, { actions: [`Name a release monctl knows: ${RELEASE_CHOICES.join(', ')} (or 16–20), with ${where}.`] });
  }
  return r.release;
}

export const releaseFlag = Flags.custom<number>({
  summary: `Ceph release to behave as: ${RELEASE_CHOICES.join('|')} or 16–20 (default: $MONCTL_RELEASE, else what the input says, else pacific).`,
  env: 'MONCTL_RELEASE',
  helpValue: 'RELEASE',
  // A usage error (exit 2), whether the value came from --release or $MONCTL_RELEASE.
  parse: async (input: string) => releaseArgument(input),
});
