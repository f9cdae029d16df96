import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { readInputFile, writeOutputFile } from '../../files.js';
import { compileCrush, type CompileStats } from '../../lib/crush/index.js';
import { MonctlError } from '../../lib/errors.js';
import { releaseFlag } from '../../lib/cli/release-flag.js';

export default class CrushCompile extends BaseCommand {
  static override summary = 'Compile CRUSH text to a binary map, byte for byte as `crushtool -c FILE -o OUT` does.';
  static override description =
    'Reads the text `crush decompile` (or `crushtool -d`) writes, builds the map as the --release\'s crushtool does (default Pacific) — legacy tunables unless the text sets them, bucket weights, straw lengths, device-class shadow trees, choose_args — and writes it. From Quincy rule min_size/max_size are optional and ignored with crushtool\'s warning on stderr; from Squid the msr rule types (msr_firstn, msr_indep), `choosemsr` and `set_msr_*` steps and msr tunables are accepted and the map carries the msr tunables. A syntax or semantic error names the line and column. Without -o the text is only checked.';
  static override examples = [
    '<%= config.bin %> crush compile crush.txt -o crush.bin',
    '<%= config.bin %> crush decompile -s mon-a | <%= config.bin %> crush compile - -o - > crush.bin',
    '<%= config.bin %> crush compile msr.txt --release tentacle -o crush.bin',
  ];
  static override args = {
    text: Args.string({ required: true, description: 'CRUSH text file (`-` for stdin).' }),
  };
  static override flags = {
    out: Flags.string({ char: 'o', summary: 'Write the compiled map to this file (`-` for stdout).' }),
    release: releaseFlag(),
  };

  async run(): Promise<CompileStats & { source: string; out?: string; warnings: string[] }> {
    const { args, flags } = await this.parse(CrushCompile);
    if (flags.out === '-' && this.jsonEnabled()) {
      throw new MonctlError('BAD_ARGUMENT', '`-o -` writes the binary map to stdout, which --json needs for its report', {
        actions: ['Write the map to a file with -o FILE, or drop --json.'],
      });
    }
    const input = args.text === '-' ? readInputFile('/dev/stdin') : readInputFile(args.text);
    const source = args.text === '-' ? '<stdin>' : args.text;
    const warnings: string[] = [];
    const warn = (line: string): void => {
      warnings.push(line);
      if (!this.jsonEnabled()) process.stderr.write(`${line}\n`);
    };
    const { bytes, stats } = compileCrush(new TextDecoder().decode(input), source, { release: flags.release, warn });
    if (flags.out === '-') {
      process.stdout.write(bytes);
    } else if (flags.out !== undefined) {
      writeOutputFile(flags.out, bytes);
      this.log(`wrote ${stats.bytes} bytes to ${flags.out}: ${describe(stats)}`);
    } else {
      this.log(`${source} compiles: ${describe(stats)}; use -o FILE to write it`);
    }
    return { source, ...(flags.out === undefined ? {} : { out: flags.out }), ...stats, warnings };
  }
}

function describe(s: CompileStats): string {
  return `${s.devices} devices, ${s.buckets} buckets (+${s.shadow_buckets} class shadow), ${s.rules} rules, ${s.classes} classes, ${s.choose_args} choose_args`;
}
