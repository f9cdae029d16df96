/**
 * `osdmaptool --print`, `--tree` and `--dump json` text: every corpus OSDMap with Ceph 16.2.15's
 * answers beside it (`<hash>.print.txt`, `.tree.txt`, `.dump.json`) must match byte for byte
 * (release names after pacific read "unknown" in those answers, which have no read balance
 * score). Skipped without MONCTL_CORPUS. The number formatting (C++ `%g` and weightf_t) is
 * checked on its own too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELEASE, decodeOSDMap, dumpOSDMap } from '../../../src/lib/osdmap/index.js';
import { cephJsonText, formatFixed, formatG, formatSnapId, printOSDMap } from '../../../src/lib/osdmap/print.js';
import { formatOSDTreeTable, formatWeightf, printOSDTree } from '../../../src/lib/osdmap/tree.js';
import { corpusAvailable, corpusObjects } from '../../helpers/corpus.js';

describe('C++ number formatting', () => {
  it('formatG is printf("%g"): 6 significant digits, trailing zeros dropped, exponent past 1e6', () => {
    expect(formatG(0)).toBe('0');
    expect(formatG(1)).toBe('1');
    expect(formatG(Math.fround(0.95))).toBe('0.95');
    expect(formatG(Math.fround(0.85))).toBe('0.85');
    expect(formatG(Math.fround(55705 / 65536))).toBe('0.849991');
    expect(formatG(0.5)).toBe('0.5');
    expect(formatG(123456)).toBe('123456');
    expect(formatG(1234567)).toBe('1.23457e+06');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(-2.5)).toBe('-2.5');
    expect(formatG(999999.5)).toBe('1e+06');
    // Exact ties round to even, as glibc does on the binary value.
    expect(formatG(0.5, 0)).toBe('0.5');
    expect(formatG(2.5, 1)).toBe('2');
  });

  it('formatFixed and weightf_t: %.5f, `0` below 1e-6, `-` below -0.01', () => {
    expect(formatFixed(1, 5)).toBe('1.00000');
    expect(formatFixed(Math.fround(0.79999), 5)).toBe('0.79999');
    expect(formatWeightf(0)).toBe('0');
    expect(formatWeightf(-1)).toBe('-');
    expect(formatWeightf(6402 / 65536)).toBe('0.09769');
    expect(formatWeightf(1)).toBe('1.00000');
  });

  it('snap ids print in hex, with head and snapdir named', () => {
    expect(formatSnapId(0x2an)).toBe('2a');
    expect(formatSnapId(0xfffffffffffffffen)).toBe('head');
    expect(formatSnapId(0xffffffffffffffffn)).toBe('snapdir');
  });

  it('TextTable: left-aligned headers, right-aligned cells but TYPE NAME, empty cells padded', () => {
    const text = formatOSDTreeTable([
      ['-1', '', '0.19717', 'root default'],
      ['0', 'ssd', '0.09859', '    osd.0', 'up', '1.00000', '1.00000'],
    ]);
    expect(text).toBe(
      'ID  CLASS  WEIGHT   TYPE NAME     STATUS  REWEIGHT  PRI-AFF\n' +
        '-1         0.19717  root default                           \n' +
        ' 0    ssd  0.09859      osd.0         up   1.00000  1.00000\n',
    );
    expect(formatOSDTreeTable([])).toBe('ID  CLASS  WEIGHT  TYPE NAME  STATUS  REWEIGHT  PRI-AFF\n');
  });
});

describe.skipIf(!corpusAvailable)('osdmaptool --print / --tree / --dump json on the corpus OSDMaps', () => {
  const withAnswers = corpusObjects('OSDMap').filter((o) => ['print.txt', 'tree.txt', 'dump.json'].some((ext) => existsSync(`${o.path}.${ext}`)));

  it('has OSDMaps with osdmaptool answers', () => {
    expect(withAnswers.length).toBeGreaterThan(0);
  });

  it.each(withAnswers.map((o) => [`${o.version}/${o.hash}`, o] as const))('%s', (_name, o) => {
    const map = decodeOSDMap(o.bytes);
    // The answers are Pacific's osdmaptool's: monctl as Pacific (--release 16).
    if (existsSync(`${o.path}.print.txt`)) expect(printOSDMap(map, RELEASE.PACIFIC)).toBe(readFileSync(`${o.path}.print.txt`, 'utf8'));
    if (existsSync(`${o.path}.tree.txt`)) expect(printOSDTree(map)).toBe(readFileSync(`${o.path}.tree.txt`, 'utf8'));
    // `--dump json` text, floats with 17 significant digits (osdmaptool ends it without a newline).
    if (existsSync(`${o.path}.dump.json`)) expect(cephJsonText(dumpOSDMap(map, RELEASE.PACIFIC))).toBe(readFileSync(`${o.path}.dump.json`, 'utf8').replace(/\n$/, ''));
  });
});
