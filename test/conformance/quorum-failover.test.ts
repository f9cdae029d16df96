/**
 * Three real monitor processes: a client writes `osd create` in a loop while the leader is
 * killed with SIGKILL. A new leader must be elected within 3 s, every acknowledged mutation
 * must be in the final osdmap (and in the full map of the epoch its ack named), nothing may be
 * applied twice, and the killed monitor, started again, must catch up to the same paxos and
 * osdmap keys as the others.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import QuorumDown from '../../src/commands/quorum/down.js';
import QuorumStart from '../../src/commands/quorum/start.js';
import QuorumUp from '../../src/commands/quorum/up.js';
import type { UpResult } from '../../src/lib/quorum/host/lifecycle.js';
import { QuorumClient } from '../../src/lib/quorum/host/client.js';
import { decodeOSDMap } from '../../src/lib/osdmap/index.js';
import { OSD_STATE } from '../../src/lib/osdmap/osdmap-types.js';
import { readFullMap } from '../../src/lib/mon/osd/store.js';
import { MonStore } from '../../src/lib/store/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/ceph.js';
import { killSeen, monPath, notePids, openCluster, statusOf, storeKeys, until } from '../helpers/quorum.js';
import { runCommand } from '../helpers/run-command.js';

const WRITE_LIMIT = 400;
const WRITE_MS = 12_000;

interface Ack {
  id: number;
  epoch: number;
}

describe('quorum failover with real processes', () => {
  const dir = join(makeTempDir('monctl-quorum-failover-'), 'cluster');
  afterAll(() => {
    killSeen();
    removeTempDirs();
  });

  it('kill -9 the leader: new leader within 3 s, no acknowledged write lost, the old leader catches up', async () => {
    try {
      const up = await runCommand<UpResult>(QuorumUp, ['-n', '3', '--dir', dir, '--detach', '--json']);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      const cluster = openCluster(dir);
      const oldLeader = up.result!.status.quorum_leader_name!;
      expect(up.result!.status.quorum).toEqual([0, 1, 2]);

      const acks: Ack[] = [];
      const client = new QuorumClient(cluster, { timeoutMs: 10_000 });
      let stopWriting = false;
      const writer = (async () => {
        const t0 = Date.now();
        while (!stopWriting && acks.length < WRITE_LIMIT && Date.now() - t0 < WRITE_MS) {
          const r = await client.submit({ op: 'osd-create' });
          acks.push({ id: Number(r.result), epoch: r.epoch! });
        }
      })();

      const before = await until(5_000, async () => acks.length, (n) => n >= 20);
      expect(before.ok, 'writes before the failover').toBe(true);
      const leaderPid = notePids(cluster)[cluster.config.names.indexOf(oldLeader)]!;
      process.kill(leaderPid, 'SIGKILL');
      const killedAt = Date.now();
      const elected = await until(5_000, () => statusOf(cluster), (s) => s.quorum_leader_name !== undefined && s.quorum_leader_name !== oldLeader && s.quorum.length === 2);
      const failoverMs = Date.now() - killedAt;
      console.log(`quorum-failover: new leader ${elected.value.quorum_leader_name} ${failoverMs} ms after SIGKILL of mon.${oldLeader}`);
      expect(elected.ok, JSON.stringify(elected.value)).toBe(true);
      expect(failoverMs).toBeLessThan(3_000);

      const acksAtFailover = acks.length;
      await until(5_000, async () => acks.length, (n) => n >= acksAtFailover + 20);
      stopWriting = true;
      await writer;
      client.close();
      expect(acks.length).toBeGreaterThan(acksAtFailover);

      const restarted = await runCommand(QuorumStart, ['--cluster', dir, oldLeader]);
      expect(restarted.exitCode, restarted.stderr).toBe(0);
      notePids(cluster);
      const caughtUp = await until(
        15_000,
        () => statusOf(cluster),
        (s) => s.quorum.length === 3 && s.monitors.every((m) => m.paxos?.last_committed === s.paxos?.last_committed),
      );
      expect(caughtUp.ok, JSON.stringify(caughtUp.value.monitors)).toBe(true);

      const down = await runCommand(QuorumDown, ['--cluster', dir]);
      expect(down.exitCode, down.stderr).toBe(0);

      // Every ack is in the final map, and in the full map of the epoch the ack named.
      const ids = acks.map((a) => a.id);
      expect(new Set(ids).size, 'distinct OSD ids acknowledged').toBe(ids.length);
      await MonStore.with(monPath(cluster, 'a'), {}, async (store) => {
        const { map } = await readFullMap(store, undefined);
        const existing = [...Array(map.maxOsd).keys()].filter((i) => ((map.osdState[i] ?? 0) & OSD_STATE.EXISTS) !== 0);
        // No acknowledged create lost, and none applied twice: a retry reuses its (clientId,
        // reqId) and is answered from the committed request log, also when it reaches the new
        // leader while that one is still recovering the old leader's last proposal. The
        // writer never gives up on a create, so every OSD that exists was acknowledged.
        const extra = existing.filter((i) => !ids.includes(i));
        for (const id of ids) expect(existing, `acknowledged osd.${id}`).toContain(id);
        console.log(`quorum-failover: ${acks.length} acked, ${extra.length} extra OSDs, ${client.ambiguousRetries} retries with an unknown outcome`);
        expect(extra, 'OSDs created that no acknowledgement names').toEqual([]);
        for (const a of acks) {
          const full = await store.get('osdmap', `full_${a.epoch}`);
          if (full === undefined) continue; // trimmed
          const m = decodeOSDMap(full);
          expect(((m.osdState[a.id] ?? 0) & OSD_STATE.EXISTS) !== 0, `osd.${a.id} in full_${a.epoch}`).toBe(true);
        }
      });

      // The restarted monitor holds the same paxos and osdmap history as the others.
      const views = await Promise.all(cluster.config.names.map((n) => storeKeys(monPath(cluster, n), ['paxos', 'osdmap'])));
      const last = views.map((v) => v.get('paxos\0last_committed'));
      expect(new Set(last).size, 'paxos/last_committed').toBe(1);
      const common = [...views[0]!.keys()].filter((k) => views.every((v) => v.has(k)) && !/pending|accepted_pn|first_committed/.test(k));
      expect(common.length).toBeGreaterThan(10);
      for (const k of common) expect(new Set(views.map((v) => v.get(k))).size, `same value of ${k.replace('\0', '/')}`).toBe(1);
      for (const v of views) expect(v.get('osdmap\0last_committed')).toBe(views[0]!.get('osdmap\0last_committed'));
    } finally {
      killSeen();
    }
  });
});
