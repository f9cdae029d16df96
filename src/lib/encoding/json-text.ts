/**
 * JSON text with u64 values (bigint) printed as plain numbers, the way Ceph's JSONFormatter
 * prints them, and Uint8Array printed as hex. Pretty output uses Ceph's 4-space indent.
 */
export function toJson(value: unknown, indent = 4): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'bigint') {
        marks.push(v.toString());
        return `\u0000big${marks.length - 1}\u0000`;
      }
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return v;
    },
    indent,
  );
  if (marks.length === 0) return text;
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}
