/**
 * The dependency rules of ARCHITECTURE.md as data: test/unit/architecture.test.ts checks the
 * import graph of src/ against them. Paths are relative to src/.
 */
import type { ForbiddenRule } from './import-graph.js';

export const RULES: readonly ForbiddenRule[] = [
  {
    why: 'the codec rooms are pure: no store, monitor, quorum, rendering or CLI',
    from: /^lib\/(osdmap|monmap|crush|encoding|msg)\//,
    to: /^lib\/(store|paxos|mon|render|quorum|cli)\/|^(commands|fast)\/|^[^/]+\.ts$/,
  },
  { why: 'encoding imports nothing but errors', from: /^lib\/encoding\//, to: /^(?!lib\/encoding\/|lib\/errors\.ts$)/ },
  {
    why: 'crush hash, ln, buckets and mapper are leaves (types and errors only)',
    from: /^lib\/crush\/(hash|ln|buckets|mapper|mapper-msr)\.ts$/,
    to: /^(?!lib\/crush\/(hash|ln|buckets|mapper-msr|types)\.ts$|lib\/errors\.ts$)/,
  },
  {
    why: 'store is KV only: keys, transactions, backends',
    from: /^lib\/store\//,
    to: /^(?!lib\/store\/|lib\/encoding\/|lib\/(errors|ceph-releases|threads)\.ts$)/,
  },
  { why: 'render is presentation of plain values', from: /^lib\/render\//, to: /^lib\/(store|paxos|mon|quorum|osdmap|monmap|crush|cli)\// },
  { why: 'the monitor wing is below the quorum', from: /^lib\/mon\//, to: /^lib\/quorum\// },
  { why: 'the library never imports a command, the fast path or the CLI base classes', from: /^lib\//, to: /^(commands|fast)\/|^[^/]+\.ts$/ },
  { why: 'a command imports no other command', from: /^commands\//, to: /^commands\// },
];

/**
 * Edges and folder cycles known and accepted for now, each with its reason. Every entry must
 * still occur (a stale entry fails the test), so the list only shrinks.
 */
export const ALLOWED_EDGES: readonly string[] = [];

export const ALLOWED_FOLDER_CYCLES: readonly { folders: string[]; why: string }[] = [];
