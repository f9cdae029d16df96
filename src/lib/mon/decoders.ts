import { MonctlError } from '../errors.js';
import { dumpMonMap, summarizeMonMap } from '../monmap/dump.js';
import { MONMAP_PREFIX, decodeStoredMonMap } from './monmap/store.js';
import { OSD_STATE } from '../osdmap/osdmap-types.js';
import { decodeOSDMap } from '../osdmap/osdmap.js';
import { decodeIncremental } from '../osdmap/incremental.js';
import { dumpIncremental, printIncremental } from '../osdmap/inc-print.js';
import { dumpOSDMap } from '../osdmap/dump.js';
import { PAXOS_PREFIX, isVersionKey } from './paxos/keys.js';
import type { RenderedValue, ValueDecoder } from '../render/value.js';
import { dumpTransaction, keyName, opTypeName, transactionFromBytes } from '../store/index.js';

/** `paxos/<v>`: a MonitorDBStore::Transaction. */
const paxosVersion: ValueDecoder = (prefix, key, value): RenderedValue | undefined => {
  if (prefix !== PAXOS_PREFIX || !isVersionKey(key)) return undefined;
  const tx = transactionFromBytes(value, keyName(prefix, key));
  const counts = new Map<string, number>();
  for (const op of tx.ops) {
    const k = `${opTypeName(op.type)} ${op.prefix}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const summary = `${tx.ops.length} ops (${[...counts].map(([k, n]) => `${n}× ${k}`).join(', ')})`;
  return { type: 'decoded', decoder: 'MonitorDBStore::Transaction', summary, value: dumpTransaction(tx) };
};

/** `monmap/<epoch>`: a MonMap, shown as `ceph mon dump -f json` shows it. */
const monmapEpoch: ValueDecoder = (prefix, key, value): RenderedValue | undefined => {
  if (prefix !== MONMAP_PREFIX || !isVersionKey(key)) return undefined;
  const map = decodeStoredMonMap(value, keyName(prefix, key));
  return { type: 'decoded', decoder: 'MonMap', summary: summarizeMonMap(map), value: dumpMonMap(map) };
};

/** `osdmap/full_<epoch>`: a full OSDMap, shown as `osdmaptool --dump json` shows it. */
const osdmapFull: ValueDecoder = (prefix, key, value): RenderedValue | undefined => {
  if (prefix !== 'osdmap' || !/^full_\d+$/.test(key)) return undefined;
  let map;
  try {
    map = decodeOSDMap(value);
  } catch (e) {
    throw e instanceof MonctlError ? e.withKey(keyName(prefix, key)) : e;
  }
  let up = 0;
  let inn = 0;
  for (let i = 0; i < map.maxOsd; i++) {
    if ((map.osdState[i] ?? 0) & OSD_STATE.UP) up++;
    if ((map.osdState[i] ?? 0) & OSD_STATE.EXISTS && (map.osdWeight[i] ?? 0) > 0) inn++;
  }
  const summary = `epoch ${map.epoch}, max_osd ${map.maxOsd} (${up} up, ${inn} in), ${map.pools.size} pools, crc 0x${map.crc.toString(16).padStart(8, '0')}`;
  return { type: 'decoded', decoder: 'OSDMap', summary, value: dumpOSDMap(map) };
};

/** `osdmap/<epoch>`: an OSDMap::Incremental. */
const osdmapIncremental: ValueDecoder = (prefix, key, value): RenderedValue | undefined => {
  if (prefix !== 'osdmap' || !isVersionKey(key)) return undefined;
  let inc;
  try {
    inc = decodeIncremental(value);
  } catch (e) {
    throw e instanceof MonctlError ? e.withKey(keyName(prefix, key)) : e;
  }
  const changes = printIncremental(inc).split('\n').slice(1).filter((l) => l.trim() !== '');
  const summary = `epoch ${inc.epoch}, ${changes.length} changes, full_crc 0x${inc.fullCrc.toString(16).padStart(8, '0')}`;
  return { type: 'decoded', decoder: 'OSDMap::Incremental', summary, value: dumpIncremental(inc) };
};

/** The decoders `store dump --decode` applies, first match wins. */
export const storeValueDecoders: readonly ValueDecoder[] = [paxosVersion, monmapEpoch, osdmapFull, osdmapIncremental];

/** Like a decoder, but a value that fails to decode is shown as an error, not thrown. */
export function safeDecoders(decoders: readonly ValueDecoder[]): ValueDecoder[] {
  return decoders.map((d) => (prefix, key, value) => {
    try {
      return d(prefix, key, value);
    } catch (e) {
      if (!(e instanceof MonctlError)) throw e;
      return { type: 'decoded', decoder: 'error', summary: e.describe(), value: e.toJSON() };
    }
  });
}
