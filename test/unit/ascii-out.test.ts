import { describe, expect, it } from 'vitest';
import { AsciiOut } from '../../src/lib/ascii-out.js';
import { mulberry32 } from '../../src/lib/random.js';

describe('AsciiOut', () => {
  it('writes integers as template strings and toString(16) do, growing as it goes', () => {
    const rng = mulberry32(7);
    const rnd = (): number => rng.next();
    const out = new AsciiOut(4);
    let expected = '';
    const samples = [0, 1, -1, 9, 10, 0x7fffffff, -0x80000000, 255, 4096];
    for (let i = 0; i < 5000; i++) samples.push(Math.floor(rnd() * 0x100000000) - 0x80000000);
    for (const n of samples) {
      out.int(n);
      out.byte(44);
      expected += `${n},`;
      const u = Math.abs(n);
      out.hex(u);
      out.ascii('\t.');
      expected += `${u.toString(16)}\t.`;
    }
    expect(out.toString()).toBe(expected);
    expect(out.length).toBe(expected.length);
  });
});
