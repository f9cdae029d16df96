/**
 * A closed pipe (`monctl osdmap tree --osdmap F | head -5`): every command that writes to
 * stdout, through the fast path and through oclif, ends with the exit code it has on an open
 * pipe and nothing on stderr (no stack trace): the read end of stdout is closed before the
 * command starts, so its every write meets EPIPE. Each argv is one that writes to stdout (a
 * listing, a text, the "wrote …" line, or a --json error); every command of the manifest has a
 * case (a new command without one fails the test). Needs a build (dist/), as `npm test` after `npm ci` has.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFixture, removeTempDirs } from '../helpers/ceph.js';
import { repoRoot } from '../helpers/corpus.js';
import { tempDir } from '../helpers/stores.js';

const RUN = join(repoRoot, 'bin', 'run.js');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutBytes: number;
  stderr: string;
}

function run(argv: string[], closeStdout: boolean, env: Record<string, string>): Promise<Outcome> {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['MONCTL_STORE', 'MONCTL_CLUSTER', 'MONCTL_NO_FAST', 'MONCTL_DEBUG']) if (!(k in env)) delete e[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, ...argv], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    // Closing our end now, before the child has even loaded: its every write meets EPIPE.
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (b: Buffer) => (stdoutBytes += b.length));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdoutBytes, stderr }));
  });
}

describe('a closed stdout pipe', () => {
  const tmp = tempDir('epipe');
  const f = (name: string): string => join(tmp.dir, name);
  let mon = '';
  let monForCompact = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    mon = extractFixture('rocksdb');
    monForCompact = extractFixture('leveldb');
    env = { HOME: f('home'), XDG_CACHE_HOME: f('home/.cache') };
    const prep = [
      ['osdmap', 'get', '-s', mon, '-o', f('osdmap')],
      ['osdmap', 'get', '-s', mon, '--epoch', '30', '-o', f('osdmap30')],
      ['crush', 'get', '-s', mon, '-o', f('crush')],
      ['monmap', 'get', '-s', mon, '-o', f('monmap')],
      ['store', 'get', 'osdmap', '31', '-s', mon, '-o', f('inc31')],
    ];
    for (const argv of prep) expect((await run(argv, false, env)).code, argv.join(' ')).toBe(0);
    expect((await run(['crush', 'decompile', '-i', f('crush'), '-o', f('crush.txt')], false, env)).code).toBe(0);
  }, 120_000);
  afterAll(() => {
    tmp.cleanup();
    removeTempDirs();
  });

  /** Command id → the argv of a run that writes to stdout (a fresh DEST per run where needed). */
  function cases(): Record<string, (n: number) => string[]> {
    const s = ['-s', mon];
    const dry = [...s, '--dry-run'];
    const noCluster = ['--cluster', f('no-cluster'), '--json'];
    return {
      // The fast path (file inputs) and the same commands through oclif (store inputs).
      'osdmap print': () => ['osdmap', 'print', '--osdmap', f('osdmap')],
      'osdmap tree': () => ['osdmap', 'tree', '--osdmap', f('osdmap')],
      'osdmap dump': () => ['osdmap', 'dump', '--osdmap', f('osdmap')],
      'pg map': () => ['pg', 'map', '1.2f', '--osdmap', f('osdmap')],
      'crush decompile': () => ['crush', 'decompile', '--crushmap', f('crush')],
      'crush dump': () => ['crush', 'dump', '--crushmap', f('crush')],
      'monmap print': () => ['monmap', 'print', '--monmap', f('monmap')],
      'crush compile': () => ['crush', 'compile', f('crush.txt'), '-o', '-'],
      'crush get': (n) => ['crush', 'get', ...s, '-o', f(`crush.${n}`)],
      'crush test': () => ['crush', 'test', ...s, '--num-rep', '3', '--min-x', '0', '--max-x', '2000', '--show-mappings'],
      'crush tree': () => ['crush', 'tree', ...s],
      'osd map': () => ['osd', 'map', 'rbd', 'obj', ...s],
      'osdmap apply-inc': (n) => ['osdmap', 'apply-inc', '--base', f('osdmap30'), '--inc', f('inc31'), '-o', f(`applied.${n}`)],
      'osdmap diff': () => ['osdmap', 'diff', '30', '31', ...s],
      'osdmap get': (n) => ['osdmap', 'get', ...s, '-o', f(`osdmap.${n}`)],
      'osdmap inc show': () => ['osdmap', 'inc', 'show', '31', ...s],
      'osdmap trim': () => ['osdmap', 'trim', ...dry],
      'osdmap verify': () => ['osdmap', 'verify', ...s],
      'osdmap upgrade-check': () => ['osdmap', 'upgrade-check', '--to', 'reef', ...s],
      'osdmap edit mark-down': () => ['osdmap', 'edit', 'mark-down', '0', ...dry, '--json'],
      'osdmap edit mark-in': () => ['osdmap', 'edit', 'mark-in', '3', ...dry],
      'osdmap edit mark-out': () => ['osdmap', 'edit', 'mark-out', '0', ...dry],
      'osdmap edit reweight': () => ['osdmap', 'edit', 'reweight', '0', '0.5', ...dry],
      'osdmap edit rm-pg-temp': () => ['osdmap', 'edit', 'rm-pg-temp', '1.0', ...dry, '--json'],
      'osdmap edit rm-upmap': () => ['osdmap', 'edit', 'rm-upmap', '1.0', ...dry],
      'osdmap edit set-crush': () => ['osdmap', 'edit', 'set-crush', f('crush'), ...dry, '--json'],
      'osdmap edit set-flag': () => ['osdmap', 'edit', 'set-flag', 'pause', ...dry],
      'osdmap edit rm-upmap-primary': () => ['osdmap', 'edit', 'rm-upmap-primary', '--all', ...dry, '--json'],
      'osdmap edit set-pool': () => ['osdmap', 'edit', 'set-pool', 'rbd', 'size', '2', ...dry],
      'osdmap edit unset-flag': () => ['osdmap', 'edit', 'unset-flag', 'noout', ...dry],
      'paxos show': () => ['paxos', 'show', ...s],
      'paxos trim': () => ['paxos', 'trim', ...dry],
      'paxos versions': () => ['paxos', 'versions', ...s],
      'monmap add': () => ['monmap', 'add', 'd', '10.0.0.9', ...dry],
      'monmap get': (n) => ['monmap', 'get', ...s, '-o', f(`monmap.${n}`)],
      'monmap inject': () => ['monmap', 'inject', '--monmap', f('monmap'), ...dry],
      'monmap rm': () => ['monmap', 'rm', 'a', ...dry, '--json'],
      'monmap set-addr': () => ['monmap', 'set-addr', 'a', '10.0.0.8', ...dry],
      'pg diff': () => ['pg', 'diff', '--from', '30', ...s],
      'pg dump-map': () => ['pg', 'dump-map', ...s],
      'pg history': () => ['pg', 'history', '1.0', ...s],
      'pg stats': () => ['pg', 'stats', ...s],
      'store check': () => ['store', 'check', ...s],
      'store compact': () => ['store', 'compact', '-s', monForCompact],
      'store copy': (n) => ['store', 'copy', f(`copy.${n}`), ...s],
      'store crc': () => ['store', 'crc', ...s],
      'store dump': () => ['store', 'dump', ...s],
      'store get': () => ['store', 'get', 'osdmap', 'last_committed', ...s],
      'store list': () => ['store', 'list', ...s],
      'store migrate': (n) => ['store', 'migrate', f(`migrated.${n}`), '--to', 'rocksdb', ...dry],
      'store rm-prefix': () => ['store', 'rm-prefix', 'logm', ...dry],
      'store rm': () => ['store', 'rm', 'osdmap', 'last_committed', ...dry],
      'store set': () => ['store', 'set', 'monctl_test', 'k', '--u64', '3', ...dry],
      'store stats': () => ['store', 'stats', ...s],
      'store restore-backup': () => ['store', 'restore-backup', '--list', ...s],
      'store trim': () => ['store', 'trim', ...dry],
      'store versions': () => ['store', 'versions', ...s],
      // Live commands without a cluster: their --json error goes to stdout.
      'osd create': () => ['osd', 'create', ...noCluster],
      'osd crush add': () => ['osd', 'crush', 'add', '0', '1', 'host=h', ...noCluster],
      'osd down': () => ['osd', 'down', '0', ...noCluster],
      'osd in': () => ['osd', 'in', '0', ...noCluster],
      'osd out': () => ['osd', 'out', '0', ...noCluster],
      'osd pg-upmap-items': () => ['osd', 'pg-upmap-items', '1.0', '0', '1', ...noCluster],
      'osd pool create': () => ['osd', 'pool', 'create', 'p', '8', ...noCluster],
      'osd pool set': () => ['osd', 'pool', 'set', 'rbd', 'size', '2', ...noCluster],
      'osd reweight': () => ['osd', 'reweight', '0', '0.5', ...noCluster],
      'osd set': () => ['osd', 'set', 'noout', ...noCluster],
      'osd unset': () => ['osd', 'unset', 'noout', ...noCluster],
      'quorum down': () => ['quorum', 'down', ...noCluster],
      'quorum start': () => ['quorum', 'start', 'a', ...noCluster],
      'quorum status': () => ['quorum', 'status', ...noCluster],
      'quorum stop': () => ['quorum', 'stop', 'a', ...noCluster],
      'quorum up': () => ['quorum', 'up', '-n', '0', '--dir', f('no-cluster'), '--json'],
      // The plugins' commands, and help.
      help: () => ['help', 'store'],
      version: () => ['version'],
      autocomplete: () => ['autocomplete', 'script', 'bash'],
    };
  }

  it('every command: the same exit code as on an open pipe, nothing on stderr', async () => {
    const config = await Config.load(repoRoot);
    const table = cases();
    const ids = config.commands.filter((c) => !c.hidden).map((c) => c.id.replace(/:/g, ' '));
    expect(ids.filter((id) => !(id in table))).toEqual([]);
    // Refused edits (rm-upmap-primary: the Pacific fixture's clients are below reef) and live commands without a cluster exit 2 (their --json error is on stdout);
    // an edit the monitor would answer 0 for (mark-down of a down OSD, the same CRUSH map) exits 0.
    const refused = new Set(['osdmap edit rm-pg-temp', 'osdmap edit rm-upmap-primary', 'monmap rm']);
    const runs: Array<{ argv: string[]; exit: number }> = [];
    let n = 0;
    for (const id of Object.keys(table)) {
      const argv = table[id]!(n++);
      runs.push({ argv, exit: refused.has(id) || argv.includes(f('no-cluster')) ? 2 : 0 });
    }
    // oclif's help writer, and the fast path's --json error (a CRUSH map is no OSDMap: exit 7).
    for (const argv of [['--help'], ['store', '--help'], ['osdmap', 'tree', '--help'], ['osdmap', 'edit', 'set-flag', '--help']]) runs.push({ argv, exit: 0 });
    runs.push({ argv: ['osdmap', 'tree', '--osdmap', f('crush'), '--json'], exit: 7 });
    const failures: string[] = [];
    const work = runs.map(({ argv, exit }) => async () => {
      const closed = await run(argv, true, env);
      if (closed.code !== exit || closed.signal !== null || closed.stderr !== '') {
        failures.push(`${argv.join(' ')}: closed pipe → exit ${closed.code} (signal ${closed.signal}), stderr ${JSON.stringify(closed.stderr.slice(0, 300))}; expected exit ${exit}`);
      }
    });
    // Two commands at a time on two cores.
    const queue = [...work];
    await Promise.all([0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }));
    expect(failures).toEqual([]);
    expect(runs.length).toBeGreaterThanOrEqual(78);
  }, 600_000);
});
