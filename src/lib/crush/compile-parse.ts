/**
 * The CRUSH text grammar of crushtool (src/crush/grammar.h) as a PEG parser over
 * the source text. Boost Spirit classic parses the same way: literals match as prefixes,
 * alternatives are tried in order, repetitions never backtrack into an item. Whitespace and
 * `#` comments separate tokens. The result is a syntax tree whose tokens keep their offsets,
 * so errors can name line and column.
 */
import { MonctlError } from '../errors.js';

export interface Tok {
  text: string;
  at: number;
}

export interface DeviceDecl { kind: 'device'; id: Tok; name: Tok; cls?: Tok }
export interface TunableDecl { kind: 'tunable'; name: Tok; value: Tok }
export interface TypeDecl { kind: 'type'; id: Tok; name: Tok }
export interface BucketItem { name: Tok; weight?: Tok; pos?: Tok }
export interface BucketDecl {
  kind: 'bucket';
  type: Tok;
  name: Tok;
  ids: { id: Tok; cls?: Tok }[];
  alg: Tok;
  hashes: Tok[];
  items: BucketItem[];
}
export type RuleStep =
  | { kind: 'take'; item: Tok; cls?: Tok }
  | { kind: 'set'; op: string; value: Tok }
  | { kind: 'choose'; leaf: boolean; mode: string; n: Tok; type: Tok }
  | { kind: 'choosemsr'; n: Tok; type: Tok }
  | { kind: 'emit' };
/** minSize/maxSize: required before Quincy, optional (and ignored) from Quincy on. */
export interface RuleDecl { kind: 'rule'; at: number; name?: Tok; id: Tok; type: Tok; minSize?: Tok; maxSize?: Tok; steps: RuleStep[] }

/** What the grammar accepts besides Pacific's (grammar.h of later releases). */
export interface GrammarRelease {
  /** Quincy: `min_size` and `max_size` are optional. */
  optionalSizes: boolean;
  /** Squid: msr rule types, `choosemsr` and `set_msr_*` steps. */
  msr: boolean;
}

export const PACIFIC_GRAMMAR: GrammarRelease = { optionalSizes: false, msr: false };
export interface ChooseArgDecl { bucketId: Tok; weightSet?: Tok[][]; ids?: Tok[] }
export interface ChooseArgsDecl { kind: 'choose_args'; key: Tok; args: ChooseArgDecl[] }
export type Decl = DeviceDecl | TunableDecl | TypeDecl | BucketDecl | RuleDecl | ChooseArgsDecl;

/** The `set_*` rule steps of Pacific, in the grammar's order of alternatives. */
export const SET_STEPS = [
  'set_choose_tries',
  'set_choose_local_tries',
  'set_choose_local_fallback_tries',
  'set_chooseleaf_tries',
  'set_chooseleaf_vary_r',
  'set_chooseleaf_stable',
] as const;

/** Squid's further `set_*` steps, after Pacific's in the grammar. */
export const MSR_SET_STEPS = ['set_msr_descents', 'set_msr_collision_tries'] as const;

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Line (1-based) and column (1-based) of an offset, and the rest of that line. */
export function locate(text: string, at: number): { line: number; column: number; rest: string } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const start = before.lastIndexOf('\n') + 1;
  const end = text.indexOf('\n', at);
  return { line, column: at - start + 1, rest: text.slice(at, end < 0 ? text.length : end).replace(/\r$/, '') };
}

export function compileError(source: string, text: string, at: number, message: string): MonctlError {
  const { line, column } = locate(text, at);
  return new MonctlError('BAD_ARGUMENT', `${source}:${line}:${column}: ${message}`, {
    actions: ['Fix the CRUSH text at that line (`crush decompile` shows the expected form).'],
  });
}

class Scanner {
  pos = 0;
  /** Farthest offset where something was expected, and what. */
  farthest = 0;
  expected = new Set<string>();

  constructor(readonly text: string) {}

  skip(): void {
    const t = this.text;
    for (;;) {
      while (this.pos < t.length && isSpace(t[this.pos]!)) this.pos++;
      if (t[this.pos] !== '#') return;
      while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
    }
  }

  private miss(what: string): null {
    if (this.pos > this.farthest) {
      this.farthest = this.pos;
      this.expected = new Set();
    }
    if (this.pos === this.farthest) this.expected.add(what);
    return null;
  }

  /** A literal; like Spirit's str_p it matches a prefix of a longer word. */
  lit(s: string): Tok | null {
    this.skip();
    if (!this.text.startsWith(s, this.pos)) return this.miss(`'${s}'`);
    const tok = { text: s, at: this.pos };
    this.pos += s.length;
    return tok;
  }

  lexeme(re: RegExp, what: string): Tok | null {
    this.skip();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (m === null) return this.miss(what);
    const tok = { text: m[0], at: this.pos };
    this.pos += m[0].length;
    return tok;
  }

  name = (): Tok | null => this.lexeme(/[A-Za-z0-9_.-]+/y, 'a name');
  posint = (): Tok | null => this.lexeme(/[0-9]+/y, 'a number');
  negint = (): Tok | null => this.lexeme(/-[0-9]+/y, 'a negative number');
  integer = (): Tok | null => this.lexeme(/-?[0-9]+/y, 'an integer');
  /** Spirit's real_p: sign, digits with an optional dot (or a dot and digits), exponent. */
  real = (): Tok | null => this.lexeme(/[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y, 'a number');

  /** Runs a rule; on failure puts the position back and returns null. */
  attempt<T>(rule: () => T | null): T | null {
    const save = this.pos;
    const r = rule();
    if (r === null) this.pos = save;
    return r;
  }

  opt<T>(rule: () => T | null): T | undefined {
    return this.attempt(rule) ?? undefined;
  }

  /** A literal, then `rule`. */
  then<T>(word: string, rule: () => T | null): () => T | null {
    return () => (this.lit(word) === null ? null : rule());
  }

  /** The first of these literals that matches, tried in order. */
  oneOf(...words: string[]): Tok | null {
    for (const w of words) {
      const t = this.attempt(() => this.lit(w));
      if (t !== null) return t;
    }
    return null;
  }

  many<T>(rule: () => T | null): T[] {
    const out: T[] = [];
    for (;;) {
      const r = this.attempt(rule);
      if (r === null) return out;
      out.push(r);
    }
  }
}

/** Parses CRUSH text; a syntax error is a MonctlError naming line and column. */
export function parseCrushText(text: string, source = '<input>', grammar: GrammarRelease = PACIFIC_GRAMMAR): Decl[] {
  const s = new Scanner(text);
  const bucket = bucketGrammar(s);
  const rule = ruleGrammar(s, grammar);
  // crushmap = *(tunable | device | bucket_type) >> *(bucket | crushrule) >> *choose_args
  const decls: Decl[] = [
    ...s.many(headerGrammar(s)),
    ...s.many((): Decl | null => s.attempt(bucket) ?? s.attempt(rule)),
    ...s.many(chooseArgsGrammar(s)),
  ];
  s.skip();
  if (s.pos < text.length) {
    const at = Math.max(s.farthest, s.pos);
    const expected = s.farthest >= s.pos ? [...s.expected] : [];
    const { rest } = locate(text, at);
    throw compileError(source, text, at, `parse error at '${rest}'${expected.length > 0 ? ` (expected ${expected.join(' or ')})` : ''}`);
  }
  return decls;
}

function headerGrammar(s: Scanner): () => Decl | null {
  const tunable = (): TunableDecl | null => {
    if (!s.lit('tunable')) return null;
    const name = s.name();
    const value = name && s.posint();
    return name && value ? { kind: 'tunable', name, value } : null;
  };
  const device = (): DeviceDecl | null => {
    if (!s.lit('device')) return null;
    const id = s.posint();
    const name = id && s.name();
    if (!id || !name) return null;
    return { kind: 'device', id, name, cls: s.opt(s.then('class', s.name)) };
  };
  const bucketType = (): TypeDecl | null => {
    if (!s.lit('type')) return null;
    const id = s.posint();
    const name = id && s.name();
    return id && name ? { kind: 'type', id, name } : null;
  };
  return () => s.attempt(tunable) ?? s.attempt(device) ?? s.attempt(bucketType);
}

function bucketGrammar(s: Scanner): () => BucketDecl | null {
  const bucketId = () => {
    if (!s.lit('id')) return null;
    const id = s.negint();
    return id ? { id, cls: s.opt(s.then('class', s.name)) } : null;
  };
  const bucketHash = () => (s.lit('hash') ? (s.attempt(s.integer) ?? s.attempt(() => s.lit('rjenkins1'))) : null);
  const bucketItem = (): BucketItem | null => {
    if (!s.lit('item')) return null;
    const name = s.name();
    if (!name) return null;
    return { name, weight: s.opt(s.then('weight', s.real)), pos: s.opt(s.then('pos', s.posint)) };
  };
  return () => {
    const type = s.name();
    const name = type && s.name();
    if (!name || !s.lit('{')) return null;
    const ids = s.many(bucketId);
    const alg = s.then('alg', s.name)();
    if (!alg) return null;
    const hashes = s.many(bucketHash);
    const items = s.many(bucketItem);
    return s.lit('}') ? { kind: 'bucket', type: type!, name, ids, alg, hashes, items } : null;
  };
}

function stepGrammar(s: Scanner, grammar: GrammarRelease): () => RuleStep | null {
  const take = (): RuleStep | null => {
    if (!s.lit('take')) return null;
    const item = s.name();
    return item ? { kind: 'take', item, cls: s.opt(s.then('class', s.name)) } : null;
  };
  const set = (op: string) => (): RuleStep | null => {
    const value = s.then(op, s.posint)();
    return value ? { kind: 'set', op, value } : null;
  };
  const choose = (word: 'choose' | 'chooseleaf') => (): RuleStep | null => {
    if (!s.lit(word)) return null;
    const mode = s.oneOf('indep', 'firstn');
    const n = mode && s.integer();
    const type = n && s.then('type', s.name)();
    return type ? { kind: 'choose', leaf: word === 'chooseleaf', mode: mode!.text, n: n!, type } : null;
  };
  const choosemsr = (): RuleStep | null => {
    const n = s.then('choosemsr', s.integer)();
    const type = n && s.then('type', s.name)();
    return type ? { kind: 'choosemsr', n: n!, type } : null;
  };
  const emit = (): RuleStep | null => (s.lit('emit') ? { kind: 'emit' } : null);
  // Spirit's order of alternatives: `choose` is tried (and fails) before `chooseleaf`.
  const sets = grammar.msr ? [...SET_STEPS, ...MSR_SET_STEPS] : SET_STEPS;
  const msr = grammar.msr ? [choosemsr] : [];
  const alternatives = [take, ...sets.map(set), choose('choose'), choose('chooseleaf'), ...msr, emit];
  return () => {
    if (!s.lit('step')) return null;
    for (const alt of alternatives) {
      const r = s.attempt(alt);
      if (r) return r;
    }
    return null;
  };
}

/**
 * A rule: `id` or `ruleset`, a type, min_size and max_size (required before Quincy, optional
 * after), steps. Squid adds the msr_firstn and msr_indep types.
 */
function ruleGrammar(s: Scanner, grammar: GrammarRelease): () => RuleDecl | null {
  const step = stepGrammar(s, grammar);
  const types = grammar.msr ? ['replicated', 'erasure', 'msr_firstn', 'msr_indep'] : ['replicated', 'erasure'];
  return () => {
    const kw = s.lit('rule');
    if (!kw) return null;
    const name = s.opt(s.name);
    if (!s.lit('{') || !s.oneOf('id', 'ruleset')) return null;
    const id = s.posint();
    const type = id && s.lit('type') && s.oneOf(...types);
    if (!type) return null;
    const size = (word: string) => (grammar.optionalSizes ? s.opt(s.then(word, s.posint)) : (s.then(word, s.posint)() ?? undefined));
    const minSize = size('min_size');
    if (!grammar.optionalSizes && minSize === undefined) return null;
    const maxSize = size('max_size');
    if (!grammar.optionalSizes && maxSize === undefined) return null;
    const steps = s.many(step);
    if (steps.length === 0 || !s.lit('}')) return null;
    return { kind: 'rule', at: kw.at, name, id: id!, type, minSize, maxSize, steps };
  };
}

function chooseArgsGrammar(s: Scanner): () => ChooseArgsDecl | null {
  const bracketed = <T>(rule: () => T | null) => (): T[] | null => {
    if (!s.lit('[')) return null;
    const xs = s.many(rule);
    return s.lit(']') ? xs : null;
  };
  const chooseArg = (): ChooseArgDecl | null => {
    const bucketId = s.then('{', s.then('bucket_id', s.negint))();
    if (!bucketId) return null;
    const weightSet = s.opt(s.then('weight_set', bracketed(bracketed(s.real))));
    const ids = s.opt(s.then('ids', bracketed(s.integer)));
    return s.lit('}') ? { bucketId, weightSet, ids } : null;
  };
  return () => {
    const key = s.then('choose_args', s.posint)();
    if (!key || !s.lit('{')) return null;
    const args = s.many(chooseArg);
    return s.lit('}') ? { kind: 'choose_args', key, args } : null;
  };
}

/**
 * adjust_bucket_item_place: for every pair (i, j), i before j, where bucket i lists bucket j
 * as an item, the two slots of the bucket list swap contents. The slots are those of the
 * original order, as Ceph's iterator map never follows a swap.
 */
export function orderBuckets(decls: Decl[], fail: (at: number, message: string) => MonctlError): Decl[] {
  const slots = decls.flatMap((d, k) => (d.kind === 'bucket' ? [k] : []));
  const buckets = slots.map((k) => decls[k] as BucketDecl);
  const itemsOf = new Map<string, Set<string>>();
  const slotOf = new Map<string, number>();
  buckets.forEach((b, k) => {
    const set = itemsOf.get(b.name.text) ?? new Set<string>();
    for (const item of b.items) set.add(item.name.text);
    itemsOf.set(b.name.text, set);
    slotOf.set(b.name.text, slots[k]!);
  });
  const out = [...decls];
  for (let i = 0; i < buckets.length; i++) {
    for (let j = i + 1; j < buckets.length; j++) {
      const a = buckets[i]!.name.text;
      const b = buckets[j]!.name.text;
      if (!itemsOf.get(a)!.has(b)) continue;
      if (itemsOf.get(b)!.has(a)) throw fail(buckets[i]!.name.at, `bucket '${a}' and bucket '${b}' contain each other`);
      const x = slotOf.get(a)!;
      const y = slotOf.get(b)!;
      [out[x], out[y]] = [out[y]!, out[x]!];
    }
  }
  return out;
}
