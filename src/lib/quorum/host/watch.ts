/**
 * The live view of `quorum up`: redraws the status in place on a terminal, prints a line
 * only when something changed otherwise; returns on SIGINT/SIGTERM (Ctrl-C).
 */
import type { Cluster } from './cluster.js';
import { QuorumClient } from './client.js';
import { clusterStatus, renderStatus, type ClusterStatus } from './status.js';

const REFRESH_MS = 500;

export async function watchStatus(cluster: Cluster, out: NodeJS.WriteStream): Promise<ClusterStatus | undefined> {
  const client = new QuorumClient(cluster, { attemptMs: 400 });
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let last: ClusterStatus | undefined;
  let drawn = 0;
  let previous = '';
  try {
    for (let done = false; !done; ) {
      last = await clusterStatus(cluster, client);
      const lines = renderStatus(last);
      if (out.isTTY) {
        out.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n  (Ctrl-C stops every monitor)\n`);
        drawn = lines.length + 1;
      } else {
        const text = lines.join('\n');
        if (text !== previous) out.write(`${new Date().toISOString()} ${lines.slice(1).join('\n')}\n`);
        previous = text;
      }
      done = await Promise.race([stopped.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), REFRESH_MS))]);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    client.close();
  }
  return last;
}
