/**
 * How a failed command reports: a MonctlError as one line `monctl: CODE (…): message` and its
 * actions (or `{"error": …}` on stdout with --json) and its exit code; anything else is a bug
 * (exit 70). BaseCommand.catch and the fast path (src/fast/) both print through this.
 */
import { MonctlError } from '../errors.js';
import { Chalk } from 'chalk';
import { colorEnabled } from '../render/color.js';
import { toJson } from '../render/json.js';

/** Exit code for bugs (EX_SOFTWARE): not the user's fault, please report. */
export const INTERNAL_ERROR_EXIT = 70;

export interface ErrorReport {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Prints reportError's report of `err` (in red on a terminal); returns the exit code to use. */
export function printError(err: unknown, json: boolean, debug: boolean): number {
  const r = reportError(err, json, debug, colorEnabled(process.stderr));
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  return r.exitCode;
}

/**
 * `debug` ($MONCTL_DEBUG) adds the cause's (or the bug's) stack to stderr; `color` paints the
 * error line red and the actions' arrows cyan (printError decides: stderr a terminal, no NO_COLOR).
 */
export function reportError(err: unknown, json: boolean, debug: boolean, color = false): ErrorReport {
  const c = new Chalk({ level: color ? 1 : 0 });
  let stdout = '';
  let stderr = '';
  if (err instanceof MonctlError) {
    if (json) stdout = toJson({ error: err.toJSON() }) + '\n';
    else {
      stderr = `${c.red(`monctl: ${err.describe()}`)}\n`;
      for (const a of err.actions) stderr += `  ${c.cyan('→')} ${a}\n`;
    }
    if (debug && err.cause) stderr += `${String((err.cause as Error).stack ?? err.cause)}\n`;
    return { stdout, stderr, exitCode: err.exitCode };
  }
  const e = err as Error;
  if (json) stdout = toJson({ error: { code: 'INTERNAL', message: e.message } }) + '\n';
  else stderr = `${c.red(`monctl: internal error: ${e.message}`)}\n  ${c.cyan('→')} This is a bug in monctl; rerun with MONCTL_DEBUG=1 and report the output.\n`;
  if (debug) stderr += `${e.stack ?? ''}\n`;
  return { stdout, stderr, exitCode: INTERNAL_ERROR_EXIT };
}
