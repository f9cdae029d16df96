/**
 * The fast path of bin/run.js: the hot read-only file commands (`osdmap print|tree|dump
 * --osdmap FILE`, `crush decompile|dump --crushmap FILE`, `monmap print --monmap FILE`,
 * `pg map PGID --osdmap FILE`) and the store listings (`store list|crc -s STORE`, as text) run
 * without loading oclif, which is most of monctl's start-up.
 *
 * It takes only argv it fully understands — the command's file flag and the flags below, each
 * once, as oclif parses them, and --json — and otherwise returns false before doing anything,
 * so that oclif runs the command as usual: --help, --store, --epoch, an unknown or repeated
 * flag, a missing or extra argument, `--`, MONCTL_DEBUG/DEBUG/MONCTL_CONTENT_TYPE. The text,
 * the --json value and the error report come from the same code the oclif commands use
 * (src/lib/cli/), so the output is byte for byte the same; test/commands/fast-path.test.ts
 * runs both paths and checks that the flags below match the command classes.
 */
import { parseRelease } from '../lib/ceph-releases.js';
import { printError } from '../lib/cli/report.js';
import type { View } from '../lib/cli/view.js';
import { toJson } from '../lib/render/json.js';

export interface FastFlag {
  /** The short name, if the command class gives one. */
  char?: string;
}

export interface FastCommand {
  /** The flags taken besides --json (name → short name), as the command class defines them. */
  flags: Record<string, FastFlag>;
  /** The flag without which the command reads a store: then oclif runs it. */
  file: string;
  /** How many arguments the command takes (all required). */
  args: number;
  /** Whether the command takes --release (also from $MONCTL_RELEASE); otherwise either sends it to oclif. */
  takesRelease?: boolean;
  /** A command whose text output is streamed (`stream` writes it; --json goes to oclif). */
  stream?: (flags: Record<string, string>) => Promise<void>;
  run?(flags: Record<string, string>, args: string[]): Promise<View<unknown>>;
}

/** `store list|crc -s STORE [--prefix P]`: the lines streamed as the oclif command streams them. */
function storeListing(kind: 'list' | 'crc'): FastCommand {
  return {
    flags: { store: { char: 's' }, prefix: { char: 'p' } },
    file: 'store',
    args: 0,
    stream: async (f) => (await import('../lib/cli/store-listing.js')).printListingText(f.store, kind, f.prefix),
  };
}

async function readFile(path: string): Promise<Uint8Array> {
  return (await import('../files.js')).readInputFile(path);
}

async function readOSDMapFile(path: string) {
  const [bytes, { decodeOSDMap }] = await Promise.all([readFile(path), import('../lib/osdmap/osdmap.js')]);
  return decodeOSDMap(bytes);
}

const osdmapFile = { osdmap: { char: 'm' } };

type DecodedOSDMap = Awaited<ReturnType<typeof readOSDMapFile>>;

/**
 * --release as releaseFlag parses it (src/lib/cli/release-flag.ts), from the flag or else
 * $MONCTL_RELEASE (parseFast has left a value it would refuse to oclif, which reports it).
 */
function releaseOf(f: Record<string, string>): number | undefined {
  const text = f.release ?? process.env.MONCTL_RELEASE;
  if (text === undefined) return undefined;
  const r = parseRelease(text);
  return 'error' in r ? undefined : r.release;
}

/**
 * A command that only renders the OSDMap file --osdmap names (its view module loads while the
 * map is read); `release` when the command takes --release.
 */
function osdmapFileCommand(loadView: () => Promise<(map: DecodedOSDMap, release?: number) => View<unknown>>, release = false): FastCommand {
  return {
    flags: release ? { ...osdmapFile, release: {} } : osdmapFile,
    file: 'osdmap',
    args: 0,
    takesRelease: release,
    run: async (f) => {
      const [view, map] = await Promise.all([loadView(), readOSDMapFile(f.osdmap!)]);
      return view(map, releaseOf(f));
    },
  };
}
const crushmapFile = { crushmap: { char: 'i' } };

/** Keyed by the command id as typed: `topic command`. */
export const FAST_COMMANDS: Record<string, FastCommand> = {
  'store list': storeListing('list'),
  'store crc': storeListing('crc'),
  'osdmap print': osdmapFileCommand(async () => (await import('../lib/cli/osdmap-views.js')).osdmapPrintView, true),
  'osdmap tree': osdmapFileCommand(async () => (await import('../lib/cli/osdmap-tree-view.js')).osdmapTreeView),
  'osdmap dump': osdmapFileCommand(async () => (await import('../lib/cli/osdmap-views.js')).osdmapDumpView, true),
  'pg map': {
    flags: osdmapFile,
    file: 'osdmap',
    args: 1,
    run: async (f, [pgid]) => {
      const [views, { parsePg }] = await Promise.all([import('../lib/cli/pg-views.js'), import('../lib/osdmap/pg.js')]);
      const raw = parsePg(pgid!);
      return views.pgMapView(await readOSDMapFile(f.osdmap!), raw, pgid!);
    },
  },
  'crush decompile': {
    flags: { ...crushmapFile, out: { char: 'o' } },
    file: 'crushmap',
    args: 0,
    run: async (f) => {
      const views = await import('../lib/cli/crush-views.js');
      const view = views.crushDecompileView(f.crushmap!, await readFile(f.crushmap!), f.out);
      if (f.out !== undefined) (await import('../files.js')).writeOutputFile(f.out, view.decompiled);
      return view;
    },
  },
  'crush dump': {
    flags: crushmapFile,
    file: 'crushmap',
    args: 0,
    run: async (f) => (await import('../lib/cli/crush-views.js')).crushDumpView(await readFile(f.crushmap!)),
  },
  'monmap print': {
    flags: { monmap: { char: 'm' }, release: {} },
    file: 'monmap',
    args: 0,
    takesRelease: true,
    run: async (f) => {
      const [views, { decodeStoredMonMap }] = await Promise.all([import('../lib/cli/monmap-views.js'), import('../lib/mon/monmap/store.js')]);
      return views.monmapPrintView(decodeStoredMonMap(await readFile(f.monmap!)), { file: f.monmap! }, releaseOf(f));
    },
  },
};

export interface FastInvocation {
  command: FastCommand;
  flags: Record<string, string>;
  args: string[];
  json: boolean;
}

/** argv (after the script) → what to run, or undefined: leave it to oclif. */
export function parseFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): FastInvocation | undefined {
  if (env.MONCTL_NO_FAST || env.MONCTL_DEBUG || env.DEBUG || env.MONCTL_CONTENT_TYPE) return undefined;
  const key = `${argv[0]} ${argv[1]}`;
  if (!Object.hasOwn(FAST_COMMANDS, key)) return undefined;
  const command = FAST_COMMANDS[key]!;
  // A release for a command that does not take one, or one it would refuse: oclif decides.
  if (env.MONCTL_RELEASE !== undefined && (!command.takesRelease || 'error' in parseRelease(env.MONCTL_RELEASE))) return undefined;
  const flags: Record<string, string> = {};
  const args: string[] = [];
  let json = false;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') {
      if (json) return undefined;
      json = true;
      continue;
    }
    if (!a.startsWith('-')) {
      args.push(a);
      continue;
    }
    let name: string | undefined;
    let value: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (!Object.hasOwn(command.flags, name)) return undefined;
      value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    } else {
      name = Object.keys(command.flags).find((n) => command.flags[n]!.char === a[1]);
      if (name === undefined || a.length < 2) return undefined;
      value = a.length > 2 ? a.slice(2) : argv[++i];
      if (value?.startsWith('=')) return undefined;
    }
    if (value === undefined || value === '' || value.startsWith('-') || Object.hasOwn(flags, name)) return undefined;
    flags[name] = value;
  }
  if (args.length !== command.args || !Object.hasOwn(flags, command.file)) return undefined;
  if (json && command.stream) return undefined;
  if (flags.release !== undefined && 'error' in parseRelease(flags.release)) return undefined;
  return { command, flags, args, json };
}

/** Runs argv on the fast path and sets the exit code; false (having done nothing): use oclif. */
export async function runFast(argv: readonly string[]): Promise<boolean> {
  const inv = parseFast(argv);
  if (inv === undefined) return false;
  let out: string | undefined;
  try {
    if (inv.command.stream) {
      await inv.command.stream(inv.flags);
      return true;
    }
    const view = await inv.command.run!(inv.flags, inv.args);
    out = inv.json ? toJson(view.json()) + '\n' : view.text;
  } catch (err) {
    process.exitCode = printError(err, inv.json, false);
    return true;
  }
  if (out) process.stdout.write(out);
  return true;
}
