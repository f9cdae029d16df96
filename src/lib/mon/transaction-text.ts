/** A MonitorDBStore transaction as text, one line per op (`paxos show`, write commands' --dry-run). */
import { formatRendered, renderValue } from '../render/value.js';
import { opTypeName, type Transaction } from '../store/transaction.js';

/** One readable line per op, for `paxos show` and write commands' `--dry-run`. */
export function formatTransaction(tx: Transaction): string[] {
  return tx.ops.map((op) => {
    const name = opTypeName(op.type).padEnd(11);
    switch (op.type) {
      case 1: {
        const v = formatRendered(renderValue(op.prefix, op.key, op.value, { hexBytes: 16 }));
        return `${name} ${op.prefix}/${op.key} (${op.value.length} bytes) ${v}`;
      }
      case 2:
        return `${name} ${op.prefix}/${op.key}`;
      case 3:
      case 4:
        return `${name} ${op.prefix} [${op.key || '<start>'}, ${op.endKey || '<end>'})`;
      default:
        return `${name} type ${op.type} ${op.prefix}/${op.key}`;
    }
  });
}
