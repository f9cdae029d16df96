/**
 * What the quorum writes is a real monitor store: every paxos version decodes as a
 * MonitorDBStore::Transaction, every incremental's full_crc is the CRC of the full map that
 * applying it produces (and that full map is the stored one, byte for byte), and the osdmap
 * history passes the library's `osdmap verify`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIncremental, decodeOSDMap, applyIncremental, encodeOSDMap, OSD_STATE, OSDMAP_FLAG } from '../../../src/lib/osdmap/index.js';

import { PAXOS_PREFIX } from '../../../src/lib/mon/paxos/keys.js';
import { getVersion, kvKey, type Kv } from '../../../src/lib/quorum/kv.js';
import { MonStore } from '../../../src/lib/store/mon-store.js';
import { transactionFromBytes, OP_PUT } from '../../../src/lib/store/index.js';
import { tempDir } from '../../helpers/stores.js';
import { COMMANDS, runCommands, writeMonDir } from './fixture.js';
import { decodeStoredMonMap, verifyHistory } from '../../../src/lib/mon/index.js';

/** The fixture's run, with every command acknowledged. */
function runCluster(keep = 500): { disk: Kv; results: unknown[]; epochs: number[] } {
  const { disk, replies } = runCommands(keep);
  expect(replies.map((r) => r.ok)).toEqual(COMMANDS.map(() => true));
  return { disk, results: replies.map((r) => r.result), epochs: replies.map((r) => r.epoch!) };
}

describe('the quorum writes a real monitor store', () => {
  const { disk, results, epochs } = runCluster();
  const last = Number(getVersion(disk, 'osdmap', 'last_committed'));

  it('answers each command after its own epoch commits', () => {
    expect(results.slice(0, 3)).toEqual([0, 1, 2]);
    expect(epochs).toEqual(epochs.map((_, i) => i + 2));
    expect(last).toBe(COMMANDS.length + 1);
  });

  it('stores every paxos version as a MonitorDBStore transaction of service writes', () => {
    const first = getVersion(disk, PAXOS_PREFIX, 'first_committed')!;
    const lastV = getVersion(disk, PAXOS_PREFIX, 'last_committed')!;
    expect(first).toBe(1n);
    const v1 = transactionFromBytes(disk.get(kvKey(PAXOS_PREFIX, '1'))!);
    expect(v1.ops.map((o) => `${o.prefix}/${o.key}`)).toEqual([
      'monmap/1',
      'monmap/last_committed',
      'monmap/first_committed',
      'osdmap/full_1',
      'osdmap/1',
      'osdmap/last_committed',
      'osdmap/first_committed',
    ]);
    for (let v = 2n; v <= lastV; v++) {
      const tx = transactionFromBytes(disk.get(kvKey(PAXOS_PREFIX, v.toString()))!, `paxos/${v}`);
      const e = String(v);
      // Plus the ids of the commands the version carries (request-log.ts: retries are not applied twice).
      expect(tx.ops.filter((o) => o.type === OP_PUT).map((o) => `${o.prefix}/${o.key}`)).toEqual([`osdmap/full_${e}`, `osdmap/${e}`, 'osdmap/last_committed', `monctl_requests/${e}`]);
    }
    expect(getVersion(disk, 'osdmap', 'full_latest')).toBe(BigInt(last));
  });

  it('gives each incremental the CRC of the full map it produces, and that map is the stored one', () => {
    let map = decodeOSDMap(disk.get(kvKey('osdmap', 'full_1'))!);
    expect(map.crush.nameMap.get(-1)).toBe('default');
    for (let e = 2; e <= last; e++) {
      const inc = decodeIncremental(disk.get(kvKey('osdmap', String(e)))!);
      map = applyIncremental(map, inc);
      const stored = disk.get(kvKey('osdmap', `full_${e}`))!;
      expect(map.crc, `epoch ${e}`).toBe(inc.fullCrc);
      expect(decodeOSDMap(stored).crc).toBe(inc.fullCrc);
      expect(Buffer.compare(encodeOSDMap(map, inc.encodeFeatures), stored), `epoch ${e} bytes`).toBe(0);
    }
    expect(map.maxOsd).toBe(3);
    expect(map.osdState.every((s) => (s & OSD_STATE.EXISTS) !== 0)).toBe(true);
    expect(map.osdWeight[1]).toBe(0x8000);
    expect([...map.poolName.values()]).toEqual(['rbd', 'ecpool']);
    expect(map.pools.get(1)!.minSize).toBe(1);
    expect(map.pgUpmapItems.get('1.7')?.value).toEqual([[0, 1]]);
    expect(map.flags & OSDMAP_FLAG.NOOUT).toBe(0);
    expect([...map.crush.nameMap.values()].sort()).toEqual(['default', 'node1', 'node2', 'osd.0', 'osd.1', 'r1']);
    expect([...map.crush.ruleNameMap.values()]).toEqual(['replicated_rule', 'ecpool']);
    expect(map.pools.get(2)!.crushRule).toBe(1);
  });

  it('keeps monmap epoch 1 with the configured monitors', () => {
    const m = decodeStoredMonMap(disk.get(kvKey('monmap', '1'))!);
    expect(m.ranks).toEqual(['a', 'b', 'c']);
    expect(m.fsid).toBe('8c4ef1a2-5d3b-4c6e-9f70-1a2b3c4d5e6f');
  });

  describe('osdmap verify on the persisted store', () => {
    const tmp = tempDir('quorum-verify');
    let mon = '';
    beforeAll(async () => {
      mon = await writeMonDir(disk, tmp.dir, 'leveldb');
    });
    afterAll(() => tmp.cleanup());

    it('rebuilds every epoch from the incrementals and matches bytes and CRCs', async () => {
      const report = await MonStore.with(mon, {}, (store) => verifyHistory(store));
      expect(report).toMatchObject({ ok: true, from: 1, to: last, rebuilt: last - 1, missingFull: [] });
    });
  });

  it('trims paxos and the osdmap inside proposals, leaving the same keys on every monitor', () => {
    const trimmed = runCluster(3).disk;
    const first = getVersion(trimmed, PAXOS_PREFIX, 'first_committed')!;
    const lastV = getVersion(trimmed, PAXOS_PREFIX, 'last_committed')!;
    expect(first).toBeGreaterThan(1n);
    expect(trimmed.has(kvKey(PAXOS_PREFIX, (first - 1n).toString()))).toBe(false);
    const osdFirst = Number(getVersion(trimmed, 'osdmap', 'first_committed'));
    expect(osdFirst).toBeGreaterThan(1);
    expect(trimmed.has(kvKey('osdmap', `full_${osdFirst - 1}`))).toBe(false);
    expect(trimmed.has(kvKey('osdmap', `full_${osdFirst}`))).toBe(true);
    expect(lastV - first).toBeLessThanOrEqual(3n + 1n + 1n);
  });
});
