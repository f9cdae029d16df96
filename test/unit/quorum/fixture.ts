/** A calm three-monitor quorum that ran a list of commands, and its store written as a mon dir. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientReply } from '../../../src/lib/quorum/api.js';
import { splitKvKey, type Kv } from '../../../src/lib/quorum/kv.js';
import { parseMutation } from '../../../src/lib/quorum/mutation-check.js';
import { Cluster } from '../../../src/lib/quorum/sim/cluster.js';
import { mulberry32 } from '../../../src/lib/random.js';
import type { BackendKind } from '../../../src/lib/store/backend.js';
import { rawKey } from '../../../src/lib/store/index.js';
import { LevelDbBackend } from '../../../src/lib/store/leveldb.js';
import { RocksDbBackend } from '../../../src/lib/store/rocksdb.js';

export const COMMANDS = [
  'osd create',
  'osd create',
  'osd create',
  'osd out 2',
  'osd crush add 0 1.0 host=node1 rack=r1',
  'osd crush add 1 0.5 host=node2',
  'osd pool create rbd 16 3',
  'osd pool create ecpool 8 erasure',
  'osd pool set rbd min_size 1',
  'osd pg-upmap-items 1.7 0 1',
  'osd set noout',
  'osd reweight 1 0.5',
  'osd out 0',
  'osd unset noout',
];

/** Three monitors on a network that loses nothing, 40 ticks in: a quorum with a leader. */
export function calmCluster(seed: number, opts: { keep?: number; maxDelayTicks?: number } = {}): Cluster {
  const keep = opts.keep ?? 500;
  const c = new Cluster(
    { size: 3, seed, electionTimeoutTicks: 12, leaseTicks: 6, paxosKeep: keep, osdmapKeep: keep, faults: { dropChance: 0, duplicateChance: 0, maxDelayTicks: opts.maxDelayTicks ?? 0 }, crashAfterPersistChance: 0 },
    mulberry32(seed),
  );
  for (let t = 0; t < 40; t++) c.step();
  return c;
}

/** The rank that leads now (undefined during an election). */
export const leaderOf = (c: Cluster): number | undefined => c.up.find((r) => c.nodes[r]!.leader === r);

/** Each command sent to a different monitor in turn, the next one once it has committed. */
export function runCommands(keep = 500): { disk: Kv; replies: ClientReply[] } {
  const c = calmCluster(7, { keep });
  COMMANDS.forEach((cmd, i) => {
    c.nodes[i % 3]!.submit({ clientId: 't', reqId: i, mutation: parseMutation(cmd.split(' ')) });
    for (let t = 0; t < 8; t++) c.step();
  });
  return { disk: c.disks[0]!, replies: [...c.replies].sort((a, b) => a.reqId - b.reqId) };
}

/** Writes the store as `<parent>/mon-a` (store.db, kv_backend, monitor/magic) for the tools. */
export async function writeMonDir(disk: Kv, parent: string, backend: BackendKind): Promise<string> {
  const mon = join(parent, 'mon-a');
  mkdirSync(join(mon, 'store.db'), { recursive: true });
  writeFileSync(join(mon, 'kv_backend'), `${backend}\n`);
  const db = backend === 'leveldb' ? await LevelDbBackend.create(join(mon, 'store.db')) : await RocksDbBackend.create(join(mon, 'store.db'));
  const ops = [...disk].map(([k, value]) => ({ type: 'put' as const, key: rawKey(splitKvKey(k).prefix, splitKvKey(k).key), value }));
  ops.push({ type: 'put', key: rawKey('monitor', 'magic'), value: new TextEncoder().encode('ceph mon volume v012\n') });
  await db.batch(ops);
  await db.close();
  return mon;
}
