/**
 * Ceph muscle memory: `monctl osd set noout -s STORE`. The `osd …` commands change a running
 * embedded cluster; given a store (`--store/-s`) they refuse and name the offline command that
 * makes the same change to a stopped monitor's store, ready to copy (`monctl osdmap edit
 * set-flag noout -s STORE`), rather than oclif's "Nonexistent flag: -s".
 */
import { Flags } from '@oclif/core';
import { MonctlError } from '../errors.js';
import { shellWord } from './suggest.js';

/** `--store/-s` on a live `osd …` command: accepted only to say which offline command to run. */
export const offlineStoreFlag = Flags.string({
  char: 's',
  summary: 'A stopped monitor\'s store: refused, with the `monctl osdmap edit …` command that makes this change offline.',
  helpGroup: 'STORE',
});

/** `ceph osd …` words → the `osdmap edit` words that do the same offline (undefined: none does). */
export function offlineEdit(words: readonly string[]): string[] | undefined {
  const [osd, verb, ...rest] = words;
  if (osd !== 'osd') return undefined;
  switch (verb) {
    case 'set':
      return ['set-flag', ...rest];
    case 'unset':
      return ['unset-flag', ...rest];
    case 'out':
    case 'in':
    case 'down':
      return [`mark-${verb}`, ...rest];
    case 'reweight':
      return ['reweight', ...rest];
    case 'pool':
      return rest[0] === 'set' ? ['set-pool', ...rest.slice(1)] : undefined;
    default:
      return undefined;
  }
}

/**
 * The error for a live `osd …` command given --store: BAD_ARGUMENT (exit 2) naming the
 * offline command with the same arguments and that store.
 */
export function offlineStoreRefusal(words: readonly string[], store: string): MonctlError {
  const typed = `monctl ${words.join(' ')}`;
  const edit = offlineEdit(words);
  if (edit === undefined) {
    return new MonctlError('BAD_ARGUMENT', `\`${typed}\` changes a running embedded cluster (--cluster); it does not edit a store, and no offline command makes this change`, {
      actions: ['Start the cluster (`monctl quorum up`) and run it without --store, or see `monctl osdmap edit --help` for the offline edits.'],
    });
  }
  const offline = ['monctl', 'osdmap', 'edit', ...edit.map(shellWord), '-s', shellWord(store)].join(' ');
  return new MonctlError('BAD_ARGUMENT', `\`${typed}\` changes a running embedded cluster (--cluster), not a store; \`${offline}\` makes this change in a stopped monitor's store`, {
    actions: [`Run \`${offline}\` (add --dry-run to see the new epoch first).`],
  });
}
