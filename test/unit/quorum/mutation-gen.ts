/**
 * Commands for the prepare tests: every op the quorum takes, with arguments drawn so that a
 * good share of each op is refused (ids that do not exist, unknown pools and pgs, bad pool
 * keys and values, names taken, weights out of range, CRUSH locations that clash) and a good
 * share is accepted. Every command has the shape checkMutation lets through: the refusals
 * come from the map, not the wire.
 */
import type { Mutation } from '../../../src/lib/quorum/api.js';
import type { Prng } from '../../../src/lib/random.js';

/** Flags the generator may set or unset; `nodeep-scrub` is left to the caller's own probe. */
export const GEN_FLAGS = ['noout', 'noin', 'nodown', 'noscrub', 'full', 'pause', 'bogus', ''];

// Ids around the OSDs a run creates (a dozen or so), plus the negative and the absurd.
const osdId = (rng: Prng): number => (rng.chance(0.1) ? rng.pick([-1, -7, 1000, 2 ** 31 - 1]) : rng.int(0, 12));
// Only names the wire check lets through (mutation-check.ts refuses empty and invalid CRUSH
// names and empty pool names); what happens when one gets past it anyway (prepare throws
// projecting the map, and undoes its edit) has its own test.
const bucket = (rng: Prng): string => rng.pick(['host0', 'host1', 'host2', 'rack0', 'rack1', 'default', 'osd.0']);
const POOLS = ['pool0', 'pool1', 'pool2', 'ec0', 'ec1'];
const newPoolName = (rng: Prng): string => rng.pick(POOLS);
const poolName = (rng: Prng): string => rng.pick([...POOLS, 'nosuch']);
const POOL_KEYS = ['size', 'min_size', 'pg_num', 'pgp_num', 'crush_rule', 'pg_autoscale_mode', 'nodelete', 'nopgchange', 'nosizechange', 'noscrub', 'nodeep-scrub', 'bogus', ''];
const POOL_VALUES = ['0', '1', '2', '3', '4', '10', '11', '64', '65536', '65537', '-1', '1.5', '', ' ', 'x', 'true', 'false', 'on', 'off', 'warn', 'replicated_rule', 'ec0', '1', '99'];
const PGIDS = ['1.0', '1.3', '1.7', '1.f', '1.1f', '2.0', '2.3', '3.1', '4.0', '9.0', '0.0', 'x', '1.', '.1', '1.zz', '1.ffffffff', '-1.0', '1.0.0'];

export function hostileMutation(rng: Prng): Mutation {
  switch (rng.int(0, 10)) {
    case 0:
      return { op: 'osd-create' };
    case 1:
      return { op: 'osd-out', id: osdId(rng) };
    case 2:
      return { op: 'osd-in', id: osdId(rng) };
    case 3:
      return { op: 'osd-down', id: osdId(rng) };
    case 4:
      return { op: 'osd-reweight', id: osdId(rng), weight: rng.pick([0, 0.25, 0.5, 0.999, 1, -0.5, 1.0001, 7, -1e9]) };
    case 5: {
      const q: Mutation = { op: 'osd-crush-add', id: osdId(rng), weight: rng.pick([0, 0.5, 1, 2.25, -0.5, -3]), host: bucket(rng) };
      if (rng.chance(0.5)) q.rack = bucket(rng);
      return q;
    }
    case 6: {
      const q: Mutation = { op: 'osd-pool-create', name: newPoolName(rng), pgNum: rng.pick([-4, 0, 1, 8, 16, 65536, 65537]) };
      if (rng.chance(0.6)) q.size = rng.pick([-1, 0, 1, 2, 3, 10, 11]);
      if (rng.chance(0.3)) q.erasure = rng.chance(0.8);
      return q;
    }
    case 7:
      return { op: 'osd-pool-set', name: poolName(rng), key: rng.pick(POOL_KEYS), value: rng.pick(POOL_VALUES) };
    case 8: {
      const pairs: [number, number][] = [];
      for (let i = rng.int(1, 3); i > 0; i--) {
        const from = osdId(rng);
        pairs.push([from, rng.chance(0.15) ? from : osdId(rng)]);
      }
      return { op: 'osd-pg-upmap-items', pgid: rng.pick(PGIDS), pairs };
    }
    default:
      return { op: rng.chance(0.5) ? 'osd-set' : 'osd-unset', flag: rng.pick(GEN_FLAGS) };
  }
}
