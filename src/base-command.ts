import { Command, Flags, type Interfaces } from '@oclif/core';
import { MonctlError } from './lib/errors.js';
import { printError } from './lib/cli/report.js';
import { closest } from './lib/cli/suggest.js';
import type { View } from './lib/cli/view.js';
import { toJson } from './lib/render/json.js';
import { formatTransaction } from './lib/mon/transaction-text.js';
import { OutputSink } from './lib/render/output.js';
import { listingEntries, type ListingKind } from './lib/store/listing.js';
import { printListingText } from './lib/cli/store-listing.js';
import { MonStore, dumpTransaction, prefixKeyRange, writeTransaction, type OpenOptions, type Transaction } from './lib/store/index.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

/**
 * Every monctl command: `--json` (the value `run()` returns is the JSON contract), errors
 * mapped to one line, a stable code and an exit code in one place, never a stack trace
 * unless MONCTL_DEBUG is set.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  /** Plain text to stdout (no printf-style formatting: keys may contain `%`). */
  override log(message = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(`${message}\n`);
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(toJson(json) + '\n');
  }

  /** Writes a view's text (unless --json) and returns its --json value. */
  protected show<T>(view: View<T>): T {
    if (view.text !== undefined && !this.jsonEnabled()) process.stdout.write(view.text);
    return view.json();
  }

  private flagSuggestion(err: unknown): string | undefined {
    return suggestFlags(err, this.ctor);
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<void> {
    // this.exit(n): not an error, just the exit code.
    if ((err as { code?: string }).code === 'EEXIT') throw err;
    // oclif's own errors (bad flags, missing args) print one clean line; JSON gets ours.
    if (err.oclif !== undefined && !(err instanceof MonctlError)) {
      const guess = this.flagSuggestion(err);
      if (!this.jsonEnabled()) {
        if (guess) err.message += `\n${guess}`;
        return super.catch(err);
      }
      const actions = [`See \`monctl ${(this.id ?? '').replace(/:/g, ' ')} --help\`.`];
      if (guess) actions.unshift(guess);
      this.logJson({ error: { code: 'BAD_ARGUMENT', message: err.message, actions } });
      this.exit(err.oclif.exit ?? 2);
    }
    this.exit(printError(err, this.jsonEnabled(), Boolean(process.env.MONCTL_DEBUG)));
  }
}

/** The flags a command class takes, by long name (with --json when it has it). */
function flagNames(ctor: typeof Command): string[] {
  const all = { ...(ctor.baseFlags ?? {}), ...(ctor.flags ?? {}) };
  return [...Object.keys(all).filter((n) => !all[n]!.hidden), ...(ctor.enableJsonFlag ? ['json'] : []), 'help'];
}

/** `--prefx` → "Did you mean --prefix?" for an unknown-flag error (undefined otherwise). */
export function suggestFlags(err: unknown, ctor: typeof Command): string | undefined {
  const unknown = (err as { flags?: unknown }).flags;
  if (!Array.isArray(unknown) || !/^Nonexistent flag/.test((err as Error).message)) return undefined;
  const names = flagNames(ctor);
  const lines: string[] = [];
  for (const f of unknown as string[]) {
    if (!f.startsWith('--')) continue;
    const typed = f.slice(2).split('=')[0]!;
    const guess = closest(typed, names);
    if (guess !== undefined) lines.push(`Did you mean --${guess} (for ${f})?`);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** `--store/-s`, defaulting to $MONCTL_STORE. */
export const storeFlag = Flags.string({
  char: 's',
  summary: 'Monitor data dir or its store.db (default: $MONCTL_STORE).',
  env: 'MONCTL_STORE',
  helpGroup: 'STORE',
});

/** Commands that open a monitor store. */
export abstract class StoreCommand extends BaseCommand {
  static override baseFlags = { store: storeFlag };

  /**
   * Streams a key listing (`list`: `prefix\tkey`, `crc`: `prefix\tkey\tcrc`) to stdout, as
   * ceph-kvstore-tool prints it; `--json` gives `[{prefix, key[, crc]}]`.
   */
  protected async printListing(storePath: string | undefined, kind: ListingKind, prefix: string | undefined): Promise<void> {
    if (!this.jsonEnabled()) return printListingText(storePath, kind, prefix);
    const out = new OutputSink();
    let n = 0;
    await this.withStore(storePath, async (store) => {
      await out.write('[');
      for await (const entries of listingEntries(store, kind, prefixKeyRange(prefix))) {
        let text = '';
        for (const e of entries) text += `${n++ === 0 ? '\n' : ',\n'}    ${toJson(e, 0)}`;
        await out.write(text);
      }
      await out.line(n === 0 ? ']' : '\n]');
    });
    await out.flush();
  }

  protected withStore<T>(path: string | undefined, fn: (store: MonStore) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
    return MonStore.with(path, opts, fn);
  }
}

/** Flags of every command that writes to a store. */
export const writeFlags = {
  'dry-run': Flags.boolean({ summary: 'Show the transaction that would be applied; change nothing.', helpGroup: 'WRITE' }),
  'no-backup': Flags.boolean({ summary: 'Skip the backup copy of store.db taken before writing.', helpGroup: 'WRITE' }),
  'backup-dir': Flags.string({ summary: 'Where to put the backup (default: beside store.db).', helpGroup: 'WRITE' }),
};

export interface WriteOutcome {
  store: string;
  backend: string;
  dry_run: boolean;
  applied: boolean;
  backup?: string;
  transaction?: Record<string, unknown>;
  result?: { puts: number; erases: number; compactions: number };
}

/** Commands that change a store: --dry-run, backup, one atomic batch, refused on a live mon. */
export abstract class WriteCommand extends StoreCommand {
  // Restated on purpose: oclif's manifest (cacheCommand) collects static flags up the class
  // chain only while each class has static properties of its own, so an abstract class with
  // none cuts --store and --json from every command below it (test/commands/cli-help.test.ts).
  static override baseFlags = StoreCommand.baseFlags;
  protected async runWrite(
    flags: { store?: string; 'dry-run': boolean; 'no-backup': boolean; 'backup-dir'?: string },
    plan: (store: MonStore) => Promise<Transaction | undefined>,
    stillPlanned?: (store: MonStore) => Promise<void>,
  ): Promise<WriteOutcome> {
    const r = await writeTransaction({
      store: flags.store,
      dryRun: flags['dry-run'],
      backup: !flags['no-backup'],
      backupDir: flags['backup-dir'],
      plan,
      ...(stillPlanned ? { stillPlanned } : {}),
    });
    const lines = r.transaction ? formatTransaction(r.transaction) : [];
    if (!r.transaction || lines.length === 0) this.log('nothing to do: the store already has that state');
    else if (r.dry_run) this.log(`dry run: would apply ${lines.length} ops to ${r.store} as one batch:\n  ${lines.join('\n  ')}`);
    else {
      this.log(`applied ${lines.length} ops to ${r.store} in one batch:\n  ${lines.join('\n  ')}`);
      if (r.backup) this.log(`backup: ${r.backup}`);
    }
    return { ...r, transaction: r.transaction ? dumpTransaction(r.transaction) : undefined };
  }
}
