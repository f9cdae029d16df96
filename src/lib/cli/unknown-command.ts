/**
 * What monctl says about a command it does not have (`monctl stor list`, `monctl help stor`):
 * the closest command with the rest of the line, as a BAD_ARGUMENT MonctlError (exit 2).
 * Used by the command_not_found hook and by `--help` / `help` (src/hooks/).
 */
import type { Interfaces } from '@oclif/core';
import { MonctlError } from '../errors.js';
import { closestCommand, shellWord } from './suggest.js';

/** `words`: the command as typed (`['stor', 'list']`); `argv`: what followed it. */
export function unknownCommandError(config: Interfaces.Config, words: readonly string[], argv: readonly string[] = []): MonctlError {
  const visible = config.commands.filter((c) => !c.hidden);
  const candidates = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases), ...config.topics.filter((t) => !t.hidden).map((t) => t.name)];
  const guess = closestCommand(words, candidates);
  const actions: string[] = [];
  if (guess !== undefined) {
    const rest = words.slice(guess.split(' ').length);
    actions.push(`Did you mean \`${[config.bin, guess, ...rest, ...argv.map(shellWord)].join(' ')}\`?`);
  }
  actions.push(`Run \`${config.bin} --help\` for the list of commands${guess ? `, or \`${config.bin} ${guess} --help\`` : ''}.`);
  return new MonctlError('BAD_ARGUMENT', `\`${words.join(' ')}\` is not a ${config.bin} command`, { actions });
}

/** --json among the flags (before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}
