import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader, Writer, decodeUTime, decodeUuid } from '../../src/lib/encoding/index.js';
import { isMonctlError } from '../../src/lib/errors.js';
import { decodeMonMap, encodeMonMap, printMonMap } from '../../src/lib/monmap/index.js';
import { decodeEntityAddr, decodeEntityAddrvec, encodeEntityAddr, encodeEntityAddrvec } from '../../src/lib/msg/index.js';
import { decodePg, encodePg } from '../../src/lib/osdmap/pg.js';
import { dumpPgPool } from '../../src/lib/osdmap/pool-dump.js';
import { decodePgPool, encodePgPool, type PgPool } from '../../src/lib/osdmap/pool.js';
import { toJson } from '../../src/lib/render/json.js';
import { corpusAvailable, corpusDir, corpusObjects, type CorpusObject } from '../helpers/corpus.js';

/**
 * Ceph's own corpus check for the address, pg, pool and monmap codecs: every archived object
 * of 15.2–19.2 decodes to its last byte and re-encodes to the same bytes; each MonMap prints
 * exactly as Pacific's `monmaptool --print`; each pool inside the archived OSDMaps dumps as
 * `osdmaptool --dump json` does. 20.3 objects decode exactly or are refused as too new.
 */
const available = corpusAvailable;
if (!available) console.warn('codecs-corpus: MONCTL_CORPUS is not set to a corpus folder; skipping');
const objects = corpusObjects;

interface LedgerEntry {
  version: string;
  type: string;
  hash: string;
  reason: string;
}
const ledger = (
  JSON.parse(readFileSync(fileURLToPath(new URL('./codecs-known-failures.json', import.meta.url)), 'utf8')) as {
    entries: LedgerEntry[];
  }
).entries;
const ledgered = (v: string, t: string, h: string): LedgerEntry | undefined =>
  ledger.find((e) => e.version === v && e.type === t && e.hash === h);

const isTentacle = (version: string): boolean => version.startsWith('20.');

interface Codec<T> {
  decode(r: Reader): T;
  encode(w: Writer, v: T): void;
}
const CODECS: Record<string, Codec<unknown>> = {
  entity_addr_t: { decode: decodeEntityAddr, encode: (w, v) => encodeEntityAddr(w, v as never) },
  entity_addrvec_t: { decode: decodeEntityAddrvec, encode: (w, v) => encodeEntityAddrvec(w, v as never) },
  pg_t: { decode: decodePg, encode: (w, v) => encodePg(w, v as never) },
  pg_pool_t: { decode: decodePgPool, encode: (w, v) => encodePgPool(w, v as never) },
  MonMap: { decode: decodeMonMap, encode: (w, v) => encodeMonMap(w, v as never) },
};

const tally = new Map<string, number>();
const count = (key: string): void => void tally.set(key, (tally.get(key) ?? 0) + 1);

function roundTrip(o: CorpusObject): 'exact' | 'too-new' {
  const codec = CODECS[o.type]!;
  let value: unknown;
  try {
    const r = new Reader(o.bytes);
    value = codec.decode(r);
    r.end(o.type);
  } catch (e) {
    if (isTentacle(o.version) && isMonctlError(e) && e.code === 'DECODE_TOO_NEW') return 'too-new';
    throw e;
  }
  const w = new Writer();
  codec.encode(w, value);
  expect(Buffer.from(w.bytes()).toString('hex')).toBe(Buffer.from(o.bytes).toString('hex'));
  const again = codec.decode(new Reader(w.bytes()));
  expect(again).toEqual(value);
  return 'exact';
}

describe.skipIf(!available)(`codec corpus (${corpusDir})`, () => {
  afterAll(() => {
    const lines = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `  ${k}: ${n}`);
    console.log(`codecs-corpus results:\n${lines.join('\n')}`);
  });

  for (const type of Object.keys(CODECS)) {
    const objs = objects(type);
    it(`has ${type} objects for 15.2, 16.2, 18.2 and 19.2`, () => {
      for (const v of ['15.2', '16.2', '18.2', '19.2']) expect(objs.some((o) => o.version.startsWith(v)), v).toBe(true);
    });
    it.each(objs.map((o) => [`${o.version}/${type}/${o.hash}`, o] as const))('%s round-trips', (_n, o) => {
      const known = ledgered(o.version, o.type, o.hash);
      if (known) {
        expect(() => roundTrip(o), `ledgered (${known.reason}) but passes now: remove it`).toThrow();
        count(`${o.type} ${o.version} ledgered`);
        return;
      }
      count(`${o.type} ${o.version} ${roundTrip(o)}`);
    });
  }

  const monmaps = objects('MonMap');
  it.each(monmaps.map((o) => [`${o.version}/MonMap/${o.hash}`, o] as const))('%s prints as monmaptool --print', (name, o) => {
    const txt = join(corpusDir, o.version, 'MonMap', `${o.hash}.print.txt`);
    if (!existsSync(txt)) return;
    expect(printMonMap(decodeMonMap(new Reader(o.bytes)), name)).toBe(readFileSync(txt, 'utf8'));
    count(`MonMap ${o.version} print-match`);
  });

  const osdmaps = objects('OSDMap').filter((o) => existsSync(join(corpusDir, o.version, 'OSDMap', `${o.hash}.dump.json`)));
  it.each(osdmaps.map((o) => [`${o.version}/OSDMap/${o.hash}`, o] as const))('%s pools dump as osdmaptool --dump json', (_n, o) => {
    const pools = poolsOfOsdMap(o.bytes);
    if (!pools) return; // not the Pacific envelope layout
    const expected = (JSON.parse(readFileSync(join(corpusDir, o.version, 'OSDMap', `${o.hash}.dump.json`), 'utf8')) as {
      pools?: unknown[];
    }).pools ?? [];
    const ours = pools.map(({ id, name, pool }) => JSON.parse(toJson(dumpPgPool(pool, { id, name }), 0)) as unknown);
    expect(ours).toEqual(expected);
    for (const { pool, bytes } of pools) {
      const w = new Writer();
      encodePgPool(w, pool);
      expect(Buffer.from(w.bytes()).equals(Buffer.from(bytes))).toBe(true);
      count(`pg_pool_t(in OSDMap) ${o.version} exact+dump`);
    }
  });
});

/**
 * The pools of a full OSDMap (Ceph src/osd/OSDMap.cc OSDMap::encode, its client-usable section): outer envelope v8/c7, client-usable envelope,
 * fsid, epoch, created, modified, map<s64, pg_pool_t>, map<s64, string>. Undefined for other
 * layouts.
 */
function poolsOfOsdMap(bytes: Uint8Array): { id: number; name: string; pool: PgPool; bytes: Uint8Array }[] | undefined {
  if (bytes[0]! < 7) return undefined;
  const r = new Reader(bytes);
  r.envelope('OSDMap', 8);
  r.envelope('OSDMap client', 10);
  decodeUuid(r);
  r.u32();
  decodeUTime(r);
  decodeUTime(r);
  const n = r.count('pools');
  const pools: { id: number; pool: PgPool; bytes: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) {
    const id = Number(r.s64());
    const at = r.pos;
    const pool = decodePgPool(r);
    pools.push({ id, pool, bytes: bytes.subarray(at, r.pos) });
  }
  const names = new Map<number, string>();
  const m = r.count('pool_name');
  for (let i = 0; i < m; i++) {
    const id = Number(r.s64());
    names.set(id, r.string());
  }
  return pools.map((p) => ({ ...p, name: names.get(p.id) ?? '' }));
}
