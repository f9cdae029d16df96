import { rmSync } from 'node:fs';
import { MonctlError } from '../errors.js';
import { backupDbDir } from './backup.js';
import { MonStore, type ApplyResult } from './mon-store.js';
import { locateStore } from './locate.js';
import { refuseNewerRelease } from './mon-release.js';
import type { Transaction } from './transaction.js';

export interface WriteRequest {
  /** The user's --store path. */
  store: string | undefined;
  dryRun?: boolean;
  /** Take a backup first (default true). */
  backup?: boolean;
  backupDir?: string;
  /** Builds the transaction from the store as it is now; undefined = nothing to do. */
  plan: (store: MonStore) => Promise<Transaction | undefined>;
  /**
   * Plan once, on a read-only view, before taking the lock (an empty or refused plan then
   * opens nothing for writing); under the lock this re-checks that the store is still the
   * one planned on (it throws when not) and the planned transaction is applied as it is.
   */
  stillPlanned?: (store: MonStore) => Promise<void>;
  now?: () => Date;
}

export interface WriteResult {
  store: string;
  backend: string;
  dry_run: boolean;
  applied: boolean;
  backup?: string;
  transaction?: Transaction;
  result?: ApplyResult;
}

/**
 * A write that failed after its backup was taken. Out of space, nothing of the batch was
 * written (LevelDB and RocksDB drop a torn log record; monctl's own log is renamed into place
 * only when complete), so the backup of the unchanged store is removed to give the space
 * back. After any other failure the backup stays, and the error says where it is.
 */
function failedAfterBackup(e: unknown, backup: string | undefined): unknown {
  if (backup === undefined || !(e instanceof MonctlError)) return e;
  if (e.code === 'NO_SPACE') {
    rmSync(backup, { recursive: true, force: true });
    e.actions.unshift(`The store is unchanged; the backup taken before the write (${backup}) was removed.`);
  } else e.actions.push(`A backup of the store as it was before this command is at ${backup} (\`monctl store restore-backup\` puts it back).`);
  return e;
}

/**
 * The one road every store edit takes: plan on a read-only view for --dry-run; otherwise
 * open read-write (the LOCK refuses a live monitor), plan again on the locked store, back
 * it up, and apply the transaction as one atomic batch.
 */
export async function writeTransaction(req: WriteRequest): Promise<WriteResult> {
  const location = locateStore(req.store);
  const base = { store: location.monDataDir ?? location.dbDir, backend: location.backend };
  const planned = req.dryRun || req.stillPlanned ? await MonStore.with(req.store, {}, req.plan) : undefined;
  if (req.dryRun) return { ...base, dry_run: true, applied: false, ...(planned ? { transaction: planned } : {}) };
  if (req.stillPlanned && (!planned || planned.ops.length === 0)) return { ...base, dry_run: false, applied: false };
  refuseNewerRelease(location.monDataDir);
  // How each backend writes so that the store's own release reads it: see openRocksDb.
  return MonStore.with(req.store, { write: true }, async (store) => {
    if (req.stillPlanned) await req.stillPlanned(store);
    const transaction = planned ?? (await req.plan(store));
    if (!transaction || transaction.ops.length === 0) return { ...base, dry_run: false, applied: false };
    const backup = req.backup === false ? undefined : backupDbDir(location.dbDir, req.backupDir, (req.now ?? (() => new Date()))());
    let result: ApplyResult;
    try {
      result = await store.apply(transaction);
    } catch (e) {
      throw failedAfterBackup(e, backup);
    }
    return { ...base, dry_run: false, applied: true, ...(backup ? { backup } : {}), transaction, result };
  });
}
