/**
 * `hexdump -C` layout, which is what Ceph's bufferlist::hexdump (ceph-kvstore-tool get/dump)
 * imitates: offset, 16 bytes in two groups of 8, printable ASCII; repeated rows become `*`;
 * the last line is the total length.
 */
export function hexdump(bytes: Uint8Array): string {
  const lines: string[] = [];
  let previous: string | undefined;
  let starred = false;
  for (let o = 0; o < bytes.length; o += 16) {
    const row = bytes.subarray(o, Math.min(o + 16, bytes.length));
    const key = Array.from(row).join(',');
    if (row.length === 16 && key === previous && o + 16 < bytes.length) {
      if (!starred) lines.push('*');
      starred = true;
      continue;
    }
    previous = key;
    starred = false;
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      if (i < row.length) {
        const b = row[i]!;
        hex += ' ' + b.toString(16).padStart(2, '0');
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${o.toString(16).padStart(8, '0')} ${hex}  |${ascii}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.join('\n');
}

/** The first `n` bytes as spaced hex, with an ellipsis when there is more. */
export function hexHead(bytes: Uint8Array, n = 32): string {
  const head = Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > n ? `${head} …` : head;
}
