/** monctl's library API: everything the commands use, for programs of your own. */
export * from './lib/errors.js';
export * as encoding from './lib/encoding/index.js';
export * as store from './lib/store/index.js';
export * as paxos from './lib/mon/paxos/index.js';
export * as mon from './lib/mon/index.js';
export * as osdmap from './lib/osdmap/index.js';
export * as crush from './lib/crush/index.js';
export * as monmap from './lib/monmap/index.js';
export * as msg from './lib/msg/index.js';
export * as render from './lib/render/index.js';
export { mulberry32, type Prng } from './lib/random.js';
export * as quorum from './lib/quorum/index.js';
/** The seeded quorum simulator (`npm run sim`). */
export * as quorumSim from './lib/quorum/sim/run.js';
