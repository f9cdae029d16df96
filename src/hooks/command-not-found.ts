/**
 * oclif's `command_not_found` hook: `monctl stor list` names the closest command (`store
 * list`) instead of oclif's bare "command stor:list not found", as one MonctlError line
 * (BAD_ARGUMENT, exit 2) or, with --json, as the usual `{"error": …}` on stdout. It never runs
 * the guess: a mistyped write must not become a different write.
 */
import type { Hook } from '@oclif/core';
import { MonctlError } from '../lib/errors.js';
import { printError } from '../lib/cli/report.js';
import { closestCommand, shellWord } from '../lib/cli/suggest.js';

const hook: Hook.CommandNotFound = async function (opts) {
  const { config, id } = opts;
  const argv = opts.argv ?? [];
  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');
  const words = id.split(':');
  const visible = config.commands.filter((c) => !c.hidden);
  const candidates = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases), ...config.topics.filter((t) => !t.hidden).map((t) => t.name)];
  const guess = closestCommand(words, candidates);
  const typed = words.join(' ');
  const actions: string[] = [];
  if (guess !== undefined) {
    const rest = words.slice(guess.split(' ').length);
    const whole = [guess, ...rest, ...argv.map(shellWord)].join(' ');
    actions.push(`Did you mean \`${config.bin} ${whole}\`?`);
  }
  actions.push(`Run \`${config.bin} --help\` for the list of commands${guess ? `, or \`${config.bin} ${guess} --help\`` : ''}.`);
  const err = new MonctlError('BAD_ARGUMENT', `\`${typed}\` is not a ${config.bin} command`, { actions });
  this.exit(printError(err, json, false));
};

export default hook;
