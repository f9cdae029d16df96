/**
 * What a monitor does to its store: paxos (keys, versions, commit, trim), the OSDMonitor and
 * MonmapMonitor services (reading their maps from the store, deciding commands, planning the
 * epoch a command writes), the store check and the value decoders of `store dump`.
 */
export * from './paxos/index.js';
export { readFullMap, readFullMapBytes, readIncremental, readOsdmapRange, parseEpoch, OSDMAP_PREFIX } from './osd/store.js';
export { verifyHistory, type HistoryReport, type HistoryMismatch } from './osd/verify.js';
export { verifyHistoryParallel, type ParallelVerifyOptions } from './osd/verify-parallel.js';
export { planOsdmapEdit, stillPlanned, type OsdmapEdit, type OsdmapEditPlan } from './osd/edit-plan.js';
export { decide, applyEdit, OSD_FLAGS, ERRNO, type Decision, type IncEdit, type OsdCommand, type LiveOsdCommand } from './osd/command.js';
export { finishPending } from './osd/pending.js';
export { MonitorRefusal, runCommands, setFlag, unsetFlag, markOut, markIn, markDown, reweight, reweightValue, rmUpmap, rmUpmapPrimary, rmPgTemp, parseOsdId, OSDMAP_EDIT_FLAGS } from './osd/edit-ops.js';
export { setCrush, crushRuleProblems } from './osd/edit-crush.js';
export { setPool, SET_POOL_KEYS } from './osd/edit-pool.js';
export * from './monmap/store.js';
export * from './monmap/edit-commit.js';
export { checkStore, checkStoreAt, type CheckReport, type CheckOptions, type Problem } from './store-check.js';
export { storeStats, type StoreStats, type PrefixStats } from './store-stats.js';
