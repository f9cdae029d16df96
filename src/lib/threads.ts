/**
 * Worker threads for the CPU-bound loops (PG placement, crush test): how many to use, and how a
 * module starts a copy of itself as a worker. Under the TypeScript sources (tests run them) the
 * worker registers tsx's loader before importing the module.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Default thread count: every core of the machine, at most 4. */
export const defaultThreads = (): number => Math.max(1, Math.min(4, availableParallelism()));

/** A worker running the module at `moduleUrl` (its `import.meta.url`) with `workerData`. */
export function startModuleWorker(moduleUrl: string, workerData: unknown): Worker {
  const url = new URL(moduleUrl);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
