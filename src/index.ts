/** monctl's library API: everything the commands use, for programs of your own. */
export * from './lib/errors.js';
export * as encoding from './lib/encoding/index.js';
export * as store from './lib/store/index.js';
export * as paxos from './lib/paxos/index.js';
export * as render from './lib/render/index.js';
