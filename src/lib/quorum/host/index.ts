/** The embedded quorum's host layer: cluster dirs, monitor processes, the client, status. */
export { clusterDirFrom, createCluster, loadCluster, monDir, openOrCreateCluster, resolveMonitor, DEFAULT_CLUSTER_DIR, type Cluster, type ClusterConfig } from './cluster.js';
export { QuorumClient, type ClientOptions, type MonitorStatus } from './client.js';
export { downCluster, upCluster, type UpResult } from './lifecycle.js';
export { MonitorHost, monitorConfigOf, loadStored, type HostOptions, type QuorumNode, type QuorumCodec } from './monitor-host.js';
export { logFile, pidFile, runningPid, startMonitor, stopMonitor } from './processes.js';
export { clusterStatus, renderStatus, waitForQuorum, type ClusterStatus, type MonitorView } from './status.js';
