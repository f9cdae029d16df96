/**
 * Every OSDMonitor command both roads take, run offline (`osdmap edit …`'s planner on a store)
 * and through the embedded quorum's OsdmapService from the same map: the same incremental,
 * byte for byte, or the same refusal errno, or both propose nothing. The offline epoch is then
 * written, so each command starts where the one before left the map.
 */
import { describe, expect, it } from 'vitest';
import { readFullMap } from '../../../src/lib/mon/index.js';
import { MonStore, writeTransaction } from '../../../src/lib/store/index.js';
import { extractFixture } from '../../helpers/ceph.js';
import { COMMAND_CASES, offlineOutcome, outcomeKey, quorumOutcome } from '../../helpers/osd-command-paths.js';

describe('OSDMonitor commands: offline and quorum roads give the same incremental', () => {
  it('rocksdb fixture: every case in order', async () => {
    const mon = extractFixture('rocksdb');
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const kinds: Record<string, number> = { epoch: 0, unchanged: 0, refused: 0 };
    for (const c of COMMAND_CASES) {
      const { offline, fullBytes } = await MonStore.with(mon, {}, async (store) => ({
        offline: await offlineOutcome(store, c.offline, now),
        fullBytes: (await readFullMap(store)).bytes,
      }));
      const quorum = quorumOutcome(fullBytes, c.live, now);
      expect(outcomeKey(quorum), c.name).toEqual(outcomeKey(offline.outcome));
      kinds[offline.outcome.kind]!++;
      if (offline.outcome.kind === 'epoch' && quorum.kind === 'epoch') {
        expect(Buffer.from(quorum.incBytes).toString('hex'), `${c.name}: incremental bytes`).toBe(Buffer.from(offline.outcome.incBytes).toString('hex'));
        await writeTransaction({ store: mon, backup: false, plan: async () => offline.transaction });
      }
    }
    // The table exercises all three answers.
    expect(kinds.epoch).toBeGreaterThan(10);
    expect(kinds.unchanged).toBeGreaterThanOrEqual(3);
    expect(kinds.refused).toBeGreaterThanOrEqual(6);
  });
});
