/** The simulated clients' commands: a seeded mix of every mutation the quorum takes. */
import type { Prng } from '../../random.js';
import type { Mutation } from '../api.js';

const FLAGS = ['noout', 'noin', 'nodown', 'noscrub', 'norebalance'];

export function randomMutation(rng: Prng): Mutation {
  const id = rng.int(0, 5);
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
      return { op: 'osd-create' };
    case 2:
      return { op: 'osd-out', id };
    case 3:
      return { op: 'osd-in', id };
    case 4:
      return { op: 'osd-down', id };
    case 5:
      return { op: 'osd-reweight', id, weight: rng.int(0, 4) / 4 };
    case 6:
      return rng.chance(0.5)
        ? { op: 'osd-crush-add', id, weight: rng.int(1, 8) / 4, host: `host${rng.int(0, 2)}` }
        : { op: 'osd-crush-add', id, weight: rng.int(1, 8) / 4, host: `host${rng.int(0, 2)}`, rack: `rack${rng.int(0, 1)}` };
    case 7:
      return rng.chance(0.2) ? { op: 'osd-pool-create', name: `ec${rng.int(0, 1)}`, pgNum: 4, erasure: true } : { op: 'osd-pool-create', name: `pool${rng.int(0, 3)}`, pgNum: rng.pick([4, 8, 16]), size: rng.int(1, 3) };
    case 8:
      return { op: 'osd-pool-set', name: `pool${rng.int(0, 3)}`, key: rng.pick(['size', 'min_size', 'pg_num', 'nodelete']), value: rng.pick(['1', '2', '3', 'true']) };
    case 9:
      return { op: 'osd-pg-upmap-items', pgid: `${rng.int(1, 3)}.${rng.int(0, 3).toString(16)}`, pairs: [[id, rng.int(0, 5)]] };
    case 10:
      return { op: 'osd-set', flag: rng.pick(FLAGS) };
    default:
      return { op: 'osd-unset', flag: rng.pick(FLAGS) };
  }
}
