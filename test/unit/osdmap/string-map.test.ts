import { describe, expect, it } from 'vitest';
import { compareBytewise } from '../../../src/lib/osdmap/string-map.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('compareBytewise (std::map<string> order)', () => {
  it('is UTF-8 byte order, also where UTF-16 order differs (surrogates vs U+E000..U+FFFF)', () => {
    const words = ['', 'a', 'B', 'ab', 'a\u0000', 'é', 'z', '\u7fff', '\ud7ff', '\ue000', '\uffff', '😀', 'a😀', 'a\uffff', 'exists', 'up'];
    for (const a of words) for (const b of words) expect(compareBytewise(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(utf8Order(a, b));
    expect(compareBytewise('😀', '\uffff')).toBe(1);
    expect('😀' < '\uffff').toBe(true);
  });
});
