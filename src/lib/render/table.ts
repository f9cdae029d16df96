import Table from 'cli-table3';
import { Chalk } from 'chalk';

/** Colour only on a terminal and never with NO_COLOR (chalk's own detection misses NO_COLOR). */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export const chalk = new Chalk({ level: colorEnabled() ? 1 : 0 });

/** A borderless cli-table3 table in `ceph osd tree`'s style: header row, padded columns. */
export function table(head: string[], rows: Array<Array<string | number | bigint>>, align?: Array<'left' | 'right'>): string {
  const t = new Table({
    head: head.map((h) => chalk.bold(h)),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    ...(align ? { colAligns: align } : {}),
  });
  for (const r of rows) t.push(r.map((c) => String(c)));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}
