#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// The #! line drops NODE_EXTRA_CA_CERTS: when it is set, Node reads and parses that certificate
// file at every start (about 70 ms of CPU), and monctl never makes a TLS connection.
// `monctl --version` is answered here, in oclif's format, without loading oclif (most of the
// start-up time); so are the hot read-only file commands (dist/fast/dispatch.js: `osdmap print
// --osdmap FILE` and the like), unless MONCTL_NO_FAST is set. Everything else, and any argv the
// fast path does not fully understand, goes through oclif, which finds commands via its manifest.
// A reader that goes away (`monctl osdmap tree … | head -5`) ends the output quietly: writes to
// the closed pipe fail with EPIPE, which would otherwise be an uncaught 'error' event (a stack
// trace, exit 1). The command finishes with its own exit code; long listings stop early
// (src/lib/render/output.ts).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
const argv = process.argv.slice(2);
const FAST_TOPICS = ['osdmap', 'crush', 'monmap', 'pg', 'store'];
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else if (!(FAST_TOPICS.includes(argv[0]) && !process.env.MONCTL_NO_FAST && (await (await import('../dist/fast/dispatch.js')).runFast(argv)))) {
  const { execute, settings } = await import('@oclif/core');
  // dist/ always, whatever NODE_ENV says (oclif would load the TypeScript sources under
  // NODE_ENV=development|test in a checkout); bin/dev.js runs the sources.
  settings.enableAutoTranspile = false;
  // `monctl help TOPIC … --flag` is `monctl TOPIC … --help`: the help command takes no flags, and
  // oclif's answer to one (its stock help for a command that may not exist) ends in a stack trace.
  const helpFlags = argv[0] === 'help' ? argv.slice(1).filter((a) => a.startsWith('-')) : [];
  const args = helpFlags.length > 0 ? [...argv.slice(1).filter((a) => !a.startsWith('-')), '--help', ...(helpFlags.includes('--json') ? ['--json'] : [])] : argv;
  await execute({ args, dir: import.meta.url });
}
