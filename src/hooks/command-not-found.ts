/**
 * oclif's `command_not_found` hook: `monctl stor list` names the closest command (`store
 * list`) instead of oclif's bare "command stor:list not found", as one MonctlError line
 * (BAD_ARGUMENT, exit 2) or, with --json, as the usual `{"error": …}` on stdout. It never runs
 * the guess: a mistyped write must not become a different write.
 */
import type { Hook } from '@oclif/core';
import { printError } from '../lib/cli/report.js';
import { unknownCommandError, wantsJson } from '../lib/cli/unknown-command.js';

const hook: Hook.CommandNotFound = async function (opts) {
  const argv = opts.argv ?? [];
  this.exit(printError(unknownCommandError(opts.config, opts.id.split(':'), argv), wantsJson(argv), false));
};

export default hook;
