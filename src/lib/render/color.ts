/**
 * Colour on a terminal only: never when the stream is piped or redirected, with NO_COLOR set
 * (any value, https://no-color.org) or TERM=dumb. chalk's own detection misses NO_COLOR, so
 * monctl decides and gives chalk the level.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !('NO_COLOR' in env) && env.TERM !== 'dumb';
}

/** A chalk that colours only when `stream` should be coloured. */
export function chalkFor(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  return new Chalk({ level: colorEnabled(stream, env) ? 1 : 0 });
}

/**
 * One line of a diff (`osdmap diff`, `pg diff`): what was added in green, removed in red,
 * changed in yellow; the `osdmap eA -> eB` heading in bold.
 */
export function colorDiffLine(line: string, c: ChalkInstance): string {
  if (c.level === 0 || line === '') return line;
  if (/^osdmap e\d+ -> e\d+(:|$)/.test(line)) return c.bold(line);
  if (/ removed( \(|$)/.test(line) && !/ added/.test(line)) return c.red(line);
  if (/ added( |$)/.test(line) && !/ removed/.test(line)) return c.green(line);
  if (/ -> | changed|^flags /.test(line)) return c.yellow(line);
  return line;
}
