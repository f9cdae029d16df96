import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../src/lib/encoding/index.js';
import { decodeMonMap, encodeMonMap, printMonMap } from '../../src/lib/monmap/index.js';
import { mulberry32 } from '../../src/lib/random.js';

/**
 * Differential test against the real monmaptool: seeded random monmaps (1–7 mons, v1/v2/both
 * addresses, IPv4/IPv6, optional min_mon_release and features) made by monmaptool in a temp
 * dir; decode → encode must give the same bytes and our print must equal `monmaptool --print`.
 * MONCTL_SEED replays a run; the seed is printed on failure.
 */
const hasTool = spawnSync('monmaptool', ['--help'], { stdio: 'ignore' }).error === undefined;
if (!hasTool) console.warn('monmap-live: monmaptool not installed; skipping');

const CASES = 40;
const baseSeed = Number(process.env.MONCTL_SEED ?? Date.now() % 0x7fffffff) >>> 0;
const env = { ...process.env, TZ: 'UTC' };

const prng = (seed: number): (() => number) => mulberry32(seed).next;

interface Case {
  args: string[];
  description: string;
}

function makeCase(seed: number, file: string): Case {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hex = (n: number): string => Array.from({ length: n }, () => int(16).toString(16)).join('');
  const fsid = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  const args = ['--create', '--clobber', '--fsid', fsid];
  const mons = 1 + int(7);
  const used = new Set<string>();
  for (let i = 0; i < mons; i++) {
    let name: string;
    // The first character is a letter: monmaptool would take a leading '-' for an option.
    do name = pick('abcdefghijklmnopqrstuvwxyz'.split('')) + Array.from({ length: int(6) }, () => pick('abcdefghijklmnopqrstuvwxyz0123456789-_'.split(''))).join('');
    while (used.has(name));
    used.add(name);
    const v6 = rand() < 0.4;
    const host = v6
      ? `[${Array.from({ length: 8 }, () => (rand() < 0.35 ? '0' : int(0x10000).toString(16))).join(':')}]`
      : `${1 + int(254)}.${int(256)}.${int(256)}.${1 + int(254)}`;
    const nonce = rand() < 0.2 ? `/${int(100000)}` : '';
    const form = int(4);
    if (form === 0) args.push('--add', name, `${host}:${pick([6789, 3300, 1 + int(65535)])}`);
    else if (form === 1) args.push('--addv', name, `[v2:${host}:${3300 + int(100)}${nonce}]`);
    else if (form === 2) args.push('--addv', name, `[v1:${host}:${6789 + int(100)}${nonce}]`);
    else args.push('--addv', name, `[v2:${host}:${3300 + int(100)}${nonce},v1:${host}:${6789 + int(100)}${nonce}]`);
  }
  if (rand() < 0.5) args.push('--set-min-mon-release', pick(['luminous', 'mimic', 'nautilus', 'octopus', 'pacific']));
  if (rand() < 0.5) args.push('--enable-all-features');
  if (mons > 1 && rand() < 0.3) args.push('--rm', [...used][int(used.size)]!);
  args.push(file);
  return { args, description: `monmaptool ${args.join(' ')}` };
}

describe.skipIf(!hasTool)('monmaptool differential (live)', () => {
  const dir = hasTool ? mkdtempSync(join(tmpdir(), 'monctl-monmap-')) : '';
  let compared = 0;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`monmap-live: ${compared} monmaps compared (base seed ${baseSeed})`);
  });

  it.each(Array.from({ length: CASES }, (_, i) => [i] as const))('random monmap #%i', (i) => {
    const seed = (baseSeed + i * 0x9e3779b1) >>> 0;
    const file = join(dir, `mm${i}`);
    const c = makeCase(seed, file);
    const made = spawnSync('monmaptool', c.args, { env, encoding: 'utf8' });
    expect(made.status, `seed ${seed} (MONCTL_SEED=${baseSeed}): ${c.description}\n${made.stderr}${made.stdout}`).toBe(0);
    const bytes = new Uint8Array(readFileSync(file));
    const r = new Reader(bytes);
    const map = decodeMonMap(r);
    r.end('MonMap');
    const w = new Writer();
    encodeMonMap(w, map);
    expect(Buffer.from(w.bytes()).toString('hex'), `seed ${seed} (MONCTL_SEED=${baseSeed}): ${c.description}`).toBe(
      Buffer.from(bytes).toString('hex'),
    );
    const real = execFileSync('monmaptool', ['--print', file], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(printMonMap(map, file), `seed ${seed} (MONCTL_SEED=${baseSeed}): ${c.description}`).toBe(real);
    compared++;
  });
});
