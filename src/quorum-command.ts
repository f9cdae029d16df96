import { Args, Flags } from '@oclif/core';
import { BaseCommand } from './base-command.js';
import type { Mutation } from './lib/quorum/api.js';
import { clusterDirFrom, loadCluster, type Cluster } from './lib/quorum/host/cluster.js';
import { QuorumClient, clusterStopped } from './lib/quorum/host/client.js';
import { runningPid } from './lib/quorum/host/processes.js';
import { checkMutation } from './lib/quorum/mutation-check.js';
import { MonctlError } from './lib/errors.js';
import { parseOsdId } from './lib/mon/index.js';

/** `--cluster D`: the embedded cluster's directory (default ./monctl-cluster or $MONCTL_CLUSTER). */
export const clusterFlag = Flags.string({
  char: 'c',
  summary: 'The embedded cluster directory (default: ./monctl-cluster, or $MONCTL_CLUSTER).',
  helpGroup: 'CLUSTER',
});

export const mutationFlags = {
  cluster: clusterFlag,
  timeout: Flags.integer({ summary: 'Give up after this many seconds without a commit.', default: 15, min: 1, max: 600, helpGroup: 'CLUSTER' }),
};

/** What a live osd command returns: the op, and the osdmap epoch it committed in. */
export interface MutationResult {
  op: Mutation['op'];
  epoch?: number;
  result?: unknown;
  /** The leader that acknowledged it (rank). */
  leader?: number;
}

/** Commands that talk to a running embedded quorum. */
export abstract class QuorumCommand extends BaseCommand {
  protected cluster(flag: string | undefined): Cluster {
    return loadCluster(clusterDirFrom(flag));
  }

  /**
   * Sends one command — a typed value, checked as the wire checks it — through the leader
   * and waits for its commit; prints `what` and the epoch.
   */
  protected async submit(flags: { cluster?: string; timeout: number }, mutation: Mutation, what: (r: MutationResult) => string): Promise<MutationResult> {
    const why = checkMutation(mutation);
    if (why !== undefined) throw badArgument(why);
    const cluster = this.cluster(flags.cluster);
    // Nothing running: say so now rather than after --timeout seconds of retries.
    if (cluster.config.names.every((n) => runningPid(cluster, n) === undefined)) throw clusterStopped(cluster);
    const client = new QuorumClient(cluster, { timeoutMs: flags.timeout * 1000 });
    try {
      const reply = await client.submit(mutation);
      const out: MutationResult = { op: mutation.op, epoch: reply.epoch, ...(reply.result !== undefined ? { result: reply.result } : {}), leader: reply.leader };
      this.log(`${what(out)} (committed in osdmap e${reply.epoch ?? '?'})`);
      return out;
    } finally {
      client.close();
    }
  }
}

/** An OSD id argument: `3` or `osd.3` (parseOsdId makes it a number). */
export const osdIdArg = Args.string({ required: true, description: 'OSD id (3 or osd.3).' });

function badArgument(why: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', why, { actions: ['See `monctl osd --help` for the arguments each command takes.'] });
}

/** An integer argument (`what` names it in the error). */
export function integerArg(text: string, what: string): number {
  if (!/^-?\d{1,15}$/.test(text.trim())) throw badArgument(`${what} must be an integer, not '${text}'`);
  return Number(text);
}

/** A number argument, as the ceph CLI's CephFloat reads it. */
export function numberArg(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw badArgument(`${what} must be a number, not '${text}'`);
  return n;
}

export { parseOsdId };
