import { Flags } from '@oclif/core';
import { CrushSourceCommand, crushSourceFlags } from '../../map-sources.js';
import { MonctlError } from '../../lib/errors.js';
import {
  crushTestChunks,
  crushTestWeights,
  decodeCrushMap,
  type CrushTestMapping,
  type CrushTestOptions,
  type CrushTestStats,
} from '../../lib/crush/index.js';
import { OutputSink } from '../../lib/render/output.js';
import { crushTestChunksParallel } from '../../lib/crush/tester-parallel.js';
import { defaultThreads } from '../../lib/threads.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';
import { crushCommandRelease } from '../../lib/crush/release.js';
import { progressLine } from '../../lib/cli/crush-views.js';

export interface CrushTestResult {
  mappings: CrushTestMapping[];
  statistics: CrushTestStats[];
}

/** `--weight 3 0.5 --weight 4 0` arrives as ['3', '0.5', '4', '0']; `3:0.5` / `3=0.5` also work. */
export function parseWeightArgs(values: readonly string[]): Map<number, number> {
  const tokens = values.flatMap((v) => v.split(/[:=]/)).filter((t) => t !== '');
  if (tokens.length % 2 !== 0) {
    throw new MonctlError('BAD_ARGUMENT', `--weight takes a device id and a weight, got: ${values.join(' ')}`, {
      actions: ['Write it as `--weight OSD WEIGHT`, e.g. `--weight 3 0.5`.'],
    });
  }
  const out = new Map<number, number>();
  for (let k = 0; k < tokens.length; k += 2) {
    const dev = Number(tokens[k]);
    const w = Number(tokens[k + 1]);
    if (!Number.isInteger(dev) || Number.isNaN(w)) {
      throw new MonctlError('BAD_ARGUMENT', `bad --weight ${tokens[k]} ${tokens[k + 1]}`, { actions: ['The device id is an integer and the weight a number from 0 to 1.'] });
    }
    out.set(dev, w);
  }
  return out;
}

export default class CrushTest extends CrushSourceCommand {
  static override summary = 'Map inputs through CRUSH rules, like `crushtool -i FILE --test` (same output lines).';
  static override description =
    'Runs every rule (or --rule R) for x in --min-x..--max-x (default 0..1023) and each replica count (--num-rep, or --min-rep..--max-rep, or with --release pacific the rule\'s min_size..max_size; Quincy and later refuse to run without one, as their crushtool does). ' +
    'Devices in some bucket weigh 1.0 unless --weight overrides them; --pool-id P hashes each x with P first. choose_args index 0 (else the compat set) is used, as crushtool does. Squid\'s msr rules (msr_firstn/msr_indep) are mapped as crush_msr_do_rule does. ' +
    'Lines stream in crushtool\'s order as they are computed (memory stays flat); with stdout redirected and stderr a terminal, a progress line shows on stderr. ' +
    'A map whose buckets contain each other makes crushtool run forever; monctl prints the lines before the first input that meets the cycle, then stops with an error (exit 7). ' +
    '--min-rep/--max-rep are crushtool\'s from Quincy on (16.2 rejects them). --json gives every mapping and the per-rule statistics as data.';
  static override examples = [
    '<%= config.bin %> crush test -i crush.bin --show-mappings --num-rep 3 --max-x 9 --min-x 0',
    '<%= config.bin %> crush test -i crush.bin --rule 1 --show-statistics --weight 3 0.5',
  ];
  static override flags = {
    ...crushSourceFlags,
    rule: Flags.integer({ summary: 'Test only this rule id (default: all rules).' }),
    'num-rep': Flags.integer({ summary: 'Replica count to ask for (Pacific\'s default: each of the rule\'s min_size..max_size).' }),
    'min-rep': Flags.integer({ summary: 'Smallest replica count (with --max-rep; crushtool 17+).' }),
    'max-rep': Flags.integer({ summary: 'Largest replica count (with --min-rep; crushtool 17+).' }),
    'min-x': Flags.integer({ summary: 'First input (with --max-x; otherwise 0..1023).' }),
    'max-x': Flags.integer({ summary: 'Last input (with --min-x; otherwise 0..1023).' }),
    x: Flags.integer({ summary: 'Test this single input.' }),
    weight: Flags.string({ char: 'w', summary: 'Device weight override `OSD W` (W from 0 to 1); repeatable.', multiple: true }),
    'pool-id': Flags.integer({ summary: 'Hash each x with this pool id first, as crushtool --pool-id does.' }),
    'show-mappings': Flags.boolean({ summary: 'Print `CRUSH rule R x X [a,b,c]` for every input.' }),
    'show-bad-mappings': Flags.boolean({ summary: 'Print the mappings with fewer items than asked for or a NONE hole.' }),
    'show-statistics': Flags.boolean({ summary: 'Print the result-size counts per rule and replica count.' }),
    'show-utilization': Flags.boolean({ summary: 'Print stored/expected counts per device (implies --show-statistics).' }),
    'show-utilization-all': Flags.boolean({ summary: 'As --show-utilization, including devices with nothing stored.' }),
    threads: Flags.integer({ summary: 'Threads to map on (default: the cores, at most 4; 32,768 x or more only).', min: 1 }),
    release: releaseFlag(),
  };

  async run(): Promise<CrushTestResult> {
    const { flags } = await this.parse(CrushTest);
    const { bytes, inputRelease } = await this.loadCrushBytes(flags);
    const map = decodeCrushMap(bytes);
    const release = crushCommandRelease(map, flags.release, inputRelease);
    const opts: CrushTestOptions = {
      minRule: flags.rule,
      maxRule: flags.rule,
      // crushtool applies the options in command-line order; --num-rep and --x win here.
      minRep: flags['num-rep'] ?? flags['min-rep'],
      maxRep: flags['num-rep'] ?? flags['max-rep'],
      minX: flags.x ?? flags['min-x'],
      maxX: flags.x ?? flags['max-x'],
      poolId: flags['pool-id'],
      weights: parseWeightArgs(flags.weight ?? []),
      showMappings: flags['show-mappings'],
      showBadMappings: flags['show-bad-mappings'],
      showStatistics: flags['show-statistics'],
      showUtilization: flags['show-utilization'],
      showUtilizationAll: flags['show-utilization-all'],
      release,
    };
    const json = this.jsonEnabled();
    const result: CrushTestResult = { mappings: [], statistics: [] };
    if (opts.showUtilizationAll && !json) {
      // crushtool writes this one to stderr, in hex.
      const hex = Array.from(crushTestWeights(map, opts.weights), (w) => w.toString(16)).join(',');
      process.stderr.write(`devices weights (hex): [${hex}]\n`);
    }
    if (json) {
      for (const _ of crushTestChunks(map, opts, (m) => result.mappings.push(m), (s) => result.statistics.push(s)));
      return result;
    }
    // Text comes in slices of a block's mappings and is written with backpressure as it comes.
    const out = new OutputSink();
    const progress = process.stderr.isTTY && !process.stdout.isTTY ? progressLine(process.stderr, Date.now) : undefined;
    try {
      for await (const chunk of crushTestChunksParallel(bytes, opts, flags.threads ?? defaultThreads(), undefined, progress?.update)) {
        await out.write(chunk);
        if (out.isClosed) break;
      }
    } finally {
      progress?.clear();
      await out.flush();
    }
    return result;
  }
}
