/**
 * Every archived CrushWrapper object (ceph-object-corpus, 15.2 → 20.3): decode → encode gives
 * the same bytes; where Ceph 16.2.15's answers sit beside an object, our dump deep-equals
 * `crushtool --dump` and our decompile equals `crushtool -d` byte for byte.
 * Known mismatches live in crush-known-failures.json, each with its reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCrushMap, decompileCrushMap, dumpCrushMap, encodeCrushMap } from '../../src/lib/crush/index.js';
import { MonctlError } from '../../src/lib/errors.js';
import { corpusAvailable, corpusDir, corpusObjects } from '../helpers/corpus.js';

const corpus = corpusDir;

type Check = 'roundtrip' | 'dump' | 'decompile';
interface KnownFailure {
  version: string;
  hash: string;
  check: Check;
  reason: string;
}
const ledger = JSON.parse(readFileSync(new URL('./crush-known-failures.json', import.meta.url), 'utf8')) as {
  entries: KnownFailure[];
};
const known = (version: string, hash: string, check: Check): KnownFailure | undefined =>
  ledger.entries.find((e) => e.version === version && e.hash === hash && e.check === check);

/** The Tentacle corpus may be refused, but only with a clear MonctlError. */
const mayRefuse = (version: string): boolean => version.startsWith('20.');

function objects(): { version: string; hash: string; path: string }[] {
  return corpusObjects('CrushWrapper');
}

describe.skipIf(!corpusAvailable)(`CrushWrapper corpus (${corpus})`, () => {
  const all = corpusAvailable ? objects() : [];

  it('has objects for every version folder it holds', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const e of ledger.entries) expect(e.reason.length, `${e.version}/${e.hash}`).toBeGreaterThan(0);
  });

  for (const { version, hash, path } of all) {
    describe(`${version}/${hash}`, () => {
      const bytes = new Uint8Array(readFileSync(path));
      const decode = () => {
        try {
          return decodeCrushMap(bytes);
        } catch (e) {
          if (mayRefuse(version) && e instanceof MonctlError && (e.code === 'DECODE_TOO_NEW' || e.code === 'DECODE_INVALID')) {
            return undefined;
          }
          throw e;
        }
      };

      it.skipIf(known(version, hash, 'roundtrip') !== undefined)('decode → encode gives the same bytes', () => {
        const map = decode();
        if (map === undefined) return;
        expect(Buffer.from(encodeCrushMap(map)).equals(Buffer.from(bytes))).toBe(true);
      });

      it.skipIf(!existsSync(`${path}.dump.json`) || known(version, hash, 'dump') !== undefined)('dump equals crushtool --dump', () => {
        const map = decode();
        if (map === undefined) return;
        const expected = JSON.parse(readFileSync(`${path}.dump.json`, 'utf8')) as unknown;
        expect(JSON.parse(JSON.stringify(dumpCrushMap(map)))).toEqual(expected);
      });

      it.skipIf(!existsSync(`${path}.txt`) || known(version, hash, 'decompile') !== undefined)('decompile equals crushtool -d', () => {
        const map = decode();
        if (map === undefined) return;
        expect(decompileCrushMap(map)).toBe(readFileSync(`${path}.txt`, 'utf8'));
      });
    });
  }
});

if (!corpusAvailable) {
  describe('CrushWrapper corpus', () => {
    it.skip(`corpus folder ${corpus} not found: set MONCTL_CORPUS to run these checks`, () => {});
  });
}
