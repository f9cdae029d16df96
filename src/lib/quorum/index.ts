/** The embedded mini-quorum's pure core: see api.ts for the host contract. */
export * from './api.js';
export { runSeed, type SimOptions, type SimResult } from './sim/run.js';
