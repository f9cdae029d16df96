// `npm start`: monctl's main job on the bundled real monitor store (made by a real
// ceph-mon through test/fixtures/make-fixtures.sh): unpack it, then inspect and check it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const backend = process.argv[2] ?? 'rocksdb';
const demo = join(root, '.demo', backend);
rmSync(demo, { recursive: true, force: true });
mkdirSync(demo, { recursive: true });
execFileSync('tar', ['-xzf', join(root, 'test', 'fixtures', `mon-${backend}.tar.gz`), '-C', demo]);
const store = join(demo, 'mon-a');
if (!existsSync(join(root, 'dist'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

for (const args of [['store', 'versions'], ['paxos', 'versions'], ['store', 'stats', '--top', '2'], ['osdmap', 'tree'], ['osdmap', 'verify'], ['store', 'check']]) {
  console.log(`\n$ monctl ${args.join(' ')} --store ${store}`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args, '--store', store], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nThe store is at ${store}; try: export MONCTL_STORE=${store}; ./bin/run.js paxos show --help`);
