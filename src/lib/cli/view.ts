/**
 * What a read-only map command shows: the text it writes to stdout without --json (undefined:
 * nothing) and the value that is its --json contract, computed only when asked for. The oclif
 * command and the fast path (src/fast/) both render through these, so their output is one code.
 */
export interface View<T> {
  text: string | undefined;
  json: () => T;
}
