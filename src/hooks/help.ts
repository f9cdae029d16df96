/**
 * monctl's help class (package.json oclif.helpClass): oclif's own, except that help for a
 * command that does not exist (`monctl stor list --help`, `monctl help stor`) names the
 * closest one, as the command_not_found hook does, instead of "Command stor:list not found."
 */
import { Help } from '@oclif/core';
import { printError } from '../lib/cli/report.js';
import { unknownCommandError } from '../lib/cli/unknown-command.js';

export default class MonctlHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv);
    } catch (err) {
      const m = /^Command (\S+) not found\.$/.exec((err as Error).message ?? '');
      if (m === null) throw err;
      // Printed, and the exit code set: help is also shown from oclif's error handler, where a
      // thrown error would print its stack.
      process.exitCode = printError(unknownCommandError(this.config, m[1]!.split(':')), argv.includes('--json'), false);
    }
  }
}
