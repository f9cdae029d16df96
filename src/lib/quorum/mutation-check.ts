/**
 * The shape of a Mutation: checked when one arrives off the wire (checkMutation) and parsed
 * from `ceph osd …` words (parseMutation), so the host's CLI and the core agree on one form.
 */
import { MonctlError } from '../errors.js';
import type { Mutation } from './api.js';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
/** CrushWrapper::is_valid_crush_name: letters, digits, `-`, `_`, `.`; never empty. */
const isCrushName = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_.-]+$/.test(v);

type Fields = Record<string, (v: unknown) => boolean>;
const opt = (f: (v: unknown) => boolean) => (v: unknown) => v === undefined || f(v);
const isPairs = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((p) => Array.isArray(p) && p.length === 2 && isInt(p[0]) && isInt(p[1]));

const SHAPES: Record<Mutation['op'], Fields> = {
  'osd-create': {},
  'osd-out': { id: isInt },
  'osd-in': { id: isInt },
  'osd-down': { id: isInt },
  'osd-reweight': { id: isInt, weight: isNum },
  'osd-crush-add': { id: isInt, weight: isNum, host: isCrushName, rack: opt(isCrushName) },
  'osd-pool-create': { name: isName, pgNum: isInt, size: opt(isInt), erasure: opt((v) => typeof v === 'boolean') },
  'osd-pool-set': { name: isName, key: isStr, value: isStr },
  'osd-pg-upmap-items': { pgid: isStr, pairs: isPairs },
  'osd-set': { flag: isStr },
  'osd-unset': { flag: isStr },
};

/** Why `v` is not a Mutation, or undefined when it is one. */
export function checkMutation(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'not an object';
  const op = (v as { op?: unknown }).op;
  if (typeof op !== 'string' || !(op in SHAPES)) return `unknown op ${String(op)}`;
  const fields = SHAPES[op as Mutation['op']];
  for (const [name, ok] of Object.entries(fields)) {
    if (!ok((v as Record<string, unknown>)[name])) return `${op}: bad ${name}`;
  }
  for (const name of Object.keys(v)) if (name !== 'op' && !(name in fields)) return `${op}: unexpected field ${name}`;
  return undefined;
}

function bad(words: string[], why: string): MonctlError {
  return new MonctlError('BAD_ARGUMENT', `cannot parse "${words.join(' ')}": ${why}`, {
    actions: ['Use one of: osd create | osd out|in|down ID | osd reweight ID W | osd crush add ID WEIGHT host=H [rack=R] | osd pool create NAME PG_NUM [SIZE] [erasure] | osd pool set NAME KEY VALUE | osd pg-upmap-items PGID FROM TO… | osd set|unset FLAG'],
  });
}

function int(words: string[], s: string | undefined, what: string): number {
  if (s === undefined || !/^-?\d+$/.test(s)) throw bad(words, `${what} must be an integer`);
  return Number(s);
}

function num(words: string[], s: string | undefined, what: string): number {
  const n = Number(s);
  if (s === undefined || s === '' || !Number.isFinite(n)) throw bad(words, `${what} must be a number`);
  return n;
}

function parseCrushAdd(words: string[], rest: string[]): Mutation {
  const id = int(words, rest[0]?.replace(/^osd\./, ''), 'ID');
  const weight = num(words, rest[1], 'WEIGHT');
  const loc = new Map(rest.slice(2).map((kv) => kv.split('=', 2) as [string, string]));
  const host = loc.get('host');
  if (!host) throw bad(words, 'host=H is required');
  const rack = loc.get('rack');
  for (const k of loc.keys()) if (k !== 'host' && k !== 'rack') throw bad(words, `unsupported location ${k}`);
  return rack === undefined ? { op: 'osd-crush-add', id, weight, host } : { op: 'osd-crush-add', id, weight, host, rack };
}

function parsePool(words: string[], rest: string[]): Mutation {
  const [sub, name, ...args] = rest;
  if (name === undefined) throw bad(words, 'pool NAME is required');
  if (sub === 'create') {
    const pgNum = int(words, args[0], 'PG_NUM');
    const erasure = args.includes('erasure');
    const sizeWord = args.slice(1).find((a) => a !== 'erasure' && a !== 'replicated');
    const m: Mutation = { op: 'osd-pool-create', name, pgNum };
    if (sizeWord !== undefined) m.size = int(words, sizeWord, 'SIZE');
    if (erasure) m.erasure = true;
    return m;
  }
  if (sub === 'set' && args.length === 2) return { op: 'osd-pool-set', name, key: args[0]!, value: args[1]! };
  throw bad(words, 'expected pool create NAME PG_NUM or pool set NAME KEY VALUE');
}

/**
 * `osd out 3` → { op: 'osd-out', id: 3 } (the leading `osd` is optional). What the wire check
 * would refuse (an invalid CRUSH name, say) is refused here, before anything is sent.
 */
export function parseMutation(input: string[]): Mutation {
  const m = parseWords(input);
  const why = checkMutation(m);
  if (why !== undefined) throw bad(input, why);
  return m;
}

function parseWords(input: string[]): Mutation {
  const words = input[0] === 'osd' ? input.slice(1) : input;
  const [cmd, ...rest] = words;
  switch (cmd) {
    case 'create':
      return { op: 'osd-create' };
    case 'out':
    case 'in':
    case 'down':
      return { op: `osd-${cmd}`, id: int(input, rest[0]?.replace(/^osd\./, ''), 'ID') };
    case 'reweight':
      return { op: 'osd-reweight', id: int(input, rest[0]?.replace(/^osd\./, ''), 'ID'), weight: num(input, rest[1], 'W') };
    case 'crush':
      if (rest[0] !== 'add') throw bad(input, 'only crush add is supported');
      return parseCrushAdd(input, rest.slice(1));
    case 'pool':
      return parsePool(input, rest);
    case 'pg-upmap-items': {
      const pgid = rest[0];
      const ids = rest.slice(1).map((s) => int(input, s, 'OSD id'));
      if (pgid === undefined || ids.length === 0 || ids.length % 2 !== 0) throw bad(input, 'expected PGID FROM TO [FROM TO…]');
      const pairs: [number, number][] = [];
      for (let i = 0; i < ids.length; i += 2) pairs.push([ids[i]!, ids[i + 1]!]);
      return { op: 'osd-pg-upmap-items', pgid, pairs };
    }
    case 'set':
    case 'unset':
      if (rest[0] === undefined) throw bad(input, 'FLAG is required');
      return { op: `osd-${cmd}`, flag: rest[0] };
    default:
      throw bad(input, `unknown command ${cmd ?? ''}`);
  }
}
