/**
 * Every archived OSDMap and OSDMap::Incremental (ceph-object-corpus, 15.2 → 20.3): decode →
 * encode gives the same bytes (CRCs included); where Ceph 16.2.15's `osdmaptool --dump json`
 * answer sits beside a full map, our dump deep-equals it (release names after pacific read
 * "unknown" there). An embedded full map (epoch-1 incrementals) must round-trip too. Tentacle
 * (20.x) objects may instead be refused, but only with DECODE_TOO_NEW. Known mismatches live
 * in osdmap-known-failures.json, each with a reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isMonctlError } from '../../src/lib/errors.js';
import { RELEASE, decodeIncremental, decodeOSDMap, dumpOSDMap, encodeIncremental, encodeOSDMap } from '../../src/lib/osdmap/index.js';
import { toJson } from '../../src/lib/render/json.js';
import { corpusAvailable, corpusDir, corpusObjects, type CorpusObject } from '../helpers/corpus.js';

type Check = 'roundtrip' | 'dump';
interface KnownFailure {
  version: string;
  type: string;
  hash: string;
  check: Check;
  reason: string;
}
const ledger = JSON.parse(readFileSync(new URL('./osdmap-known-failures.json', import.meta.url), 'utf8')) as {
  entries: KnownFailure[];
};
const known = (o: CorpusObject, check: Check): KnownFailure | undefined =>
  ledger.entries.find((e) => e.version === o.version && e.type === o.type && e.hash === o.hash && e.check === check);

const mayRefuse = (version: string): boolean => version.startsWith('20.');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const tally = new Map<string, number>();
const count = (key: string): void => void tally.set(key, (tally.get(key) ?? 0) + 1);

/** Decodes, or returns undefined when a Tentacle object is refused as too new. */
function tryDecode<T>(o: CorpusObject, decode: (b: Uint8Array) => T): T | undefined {
  try {
    return decode(o.bytes);
  } catch (e) {
    if (mayRefuse(o.version) && isMonctlError(e) && e.code === 'DECODE_TOO_NEW') return undefined;
    throw e;
  }
}

function checkFull(o: CorpusObject): void {
  const map = tryDecode(o, decodeOSDMap);
  if (map === undefined) return count(`OSDMap ${o.version} refused-too-new`);
  expect(hex(encodeOSDMap(map))).toBe(hex(o.bytes));
  count(`OSDMap ${o.version} roundtrip`);
}

function checkIncremental(o: CorpusObject): void {
  const inc = tryDecode(o, decodeIncremental);
  if (inc === undefined) return count(`Incremental ${o.version} refused-too-new`);
  expect(hex(encodeIncremental(inc))).toBe(hex(o.bytes));
  if (inc.fullmap.length > 0) expect(hex(encodeOSDMap(decodeOSDMap(inc.fullmap)))).toBe(hex(inc.fullmap));
  count(`Incremental ${o.version} roundtrip`);
}

describe.skipIf(!corpusAvailable)(`OSDMap corpus (${corpusDir})`, () => {
  const fulls = corpusObjects('OSDMap');
  const incs = corpusObjects('OSDMap::Incremental');

  afterAll(() => {
    const lines = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `  ${k}: ${n}`);
    console.log(`osdmap-corpus results:\n${lines.join('\n')}`);
  });

  it('has full maps and incrementals for 15.2, 16.2, 18.2 and 19.2; every ledger entry has a reason', () => {
    for (const v of ['15.2', '16.2', '18.2', '19.2']) {
      expect(fulls.some((o) => o.version.startsWith(v)), v).toBe(true);
      expect(incs.some((o) => o.version.startsWith(v)), v).toBe(true);
    }
    for (const e of ledger.entries) expect(e.reason.length, `${e.version}/${e.hash}`).toBeGreaterThan(0);
  });

  it.each(fulls.map((o) => [`${o.version}/OSDMap/${o.hash}`, o] as const))('%s round-trips', (_n, o) => {
    const entry = known(o, 'roundtrip');
    if (entry) {
      expect(() => checkFull(o), `ledgered (${entry.reason}) but passes now: remove it`).toThrow();
      return count(`OSDMap ${o.version} ledgered`);
    }
    checkFull(o);
  });

  it.each(fulls.map((o) => [`${o.version}/OSDMap/${o.hash}`, o] as const))('%s dumps as osdmaptool --dump json', (_n, o) => {
    if (!existsSync(`${o.path}.dump.json`) || known(o, 'dump')) return;
    const map = tryDecode(o, decodeOSDMap);
    if (map === undefined) return;
    const expected = JSON.parse(readFileSync(`${o.path}.dump.json`, 'utf8')) as unknown;
    // The answers are Pacific's osdmaptool's: monctl as Pacific.
    expect(JSON.parse(toJson(dumpOSDMap(map, RELEASE.PACIFIC), 0))).toEqual(expected);
    count(`OSDMap ${o.version} dump-match`);
  });

  it.each(incs.map((o) => [`${o.version}/OSDMap::Incremental/${o.hash}`, o] as const))('%s round-trips', (_n, o) => {
    const entry = known(o, 'roundtrip');
    if (entry) {
      expect(() => checkIncremental(o), `ledgered (${entry.reason}) but passes now: remove it`).toThrow();
      return count(`Incremental ${o.version} ledgered`);
    }
    checkIncremental(o);
  });
});

if (!corpusAvailable) {
  describe('OSDMap corpus', () => {
    it.skip('needs MONCTL_CORPUS pointing at the ceph-object-corpus archive', () => {});
  });
}
