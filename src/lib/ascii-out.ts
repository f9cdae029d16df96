/**
 * A growable byte buffer for ASCII text written a number at a time: the PG dump and `crush test`
 * write hundreds of thousands of short lines, and building each as a JS string made the garbage
 * collector the third-largest item of their profiles. Digits go straight into a Uint8Array; the text becomes one
 * string only once, at the end.
 */
export class AsciiOut {
  private buf: Uint8Array;
  private len = 0;
  /** Scratch for the digits of one number, least significant first. */
  private readonly digits = new Uint8Array(24);

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** One byte (a character code below 128). */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.len++] = c;
  }

  /** An ASCII string, as is. */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  /** An integer (|n| < 2^53) in decimal, as `${n}` prints it. */
  int(n: number): void {
    this.reserve(24);
    let v = n;
    if (v < 0) {
      this.buf[this.len++] = 45; // '-'
      v = -v;
    }
    this.unsigned(v, 10);
  }

  /** A non-negative integer in lower-case hexadecimal, as n.toString(16) prints it. */
  hex(n: number): void {
    this.reserve(24);
    this.unsigned(n, 16);
  }

  private unsigned(v: number, base: number): void {
    const d = this.digits;
    let k = 0;
    do {
      const r = v % base;
      d[k++] = r < 10 ? 48 + r : 87 + r; // '0'… or 'a'…
      v = (v - r) / base;
    } while (v > 0);
    while (k > 0) this.buf[this.len++] = d[--k]!;
  }

  /** The text written so far (it is ASCII, so latin1 decoding is exact). */
  toString(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('latin1');
  }
}
