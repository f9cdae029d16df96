import Table from 'cli-table3';
import { chalkFor, colorEnabled } from './color.js';

export { colorEnabled };

export const chalk = chalkFor(process.stdout);

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
