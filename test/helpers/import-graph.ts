/**
 * The import graph of `src/`, read from the import lines (type-only imports, re-exports and
 * dynamic `import('./x.js')` included), with its file- and folder-level cycles and the edges
 * ARCHITECTURE.md forbids. Relative imports only: packages are not part of the graph.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportGraph {
  /** Files relative to the root, e.g. `lib/osdmap/osdmap.ts`. */
  files: string[];
  /** file → the files it imports. */
  edges: Map<string, Set<string>>;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Comments out of the way, so an example in a doc comment is not an import. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const SPECIFIERS = [
  /\bfrom\s*['"]([^'"]+)['"]/g, // import … from, export … from
  /^\s*import\s*['"]([^'"]+)['"]/gm, // import './side-effect.js'
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // import('./x.js') and import('./x.js').Type
];

/** The relative specifiers a file imports. */
export function importSpecifiers(text: string): string[] {
  const code = stripComments(text);
  const found: string[] = [];
  for (const re of SPECIFIERS) for (const m of code.matchAll(re)) if (m[1]!.startsWith('.')) found.push(m[1]!);
  return found;
}

function resolveSpecifier(root: string, from: string, spec: string): string {
  const base = resolve(dirname(join(root, from)), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate);
  }
  throw new Error(`${from}: cannot resolve import '${spec}'`);
}

export function buildImportGraph(root: string): ImportGraph {
  const files = listTs(root).map((f) => relative(root, f));
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(readFileSync(join(root, file), 'utf8'))) targets.add(resolveSpecifier(root, file, spec));
    edges.set(file, targets);
  }
  return { files, edges };
}

/**
 * The room (folder) a file belongs to, as ARCHITECTURE.md names them: a top-level folder of
 * lib/ with everything under it (the store's reader subfolders are parts of the store), except
 * the sub-rooms listed here; each loose file of lib/ is a room of its own; outside lib/, the
 * directory.
 */
const SUB_ROOMS = ['lib/quorum/host', 'lib/quorum/sim', 'lib/mon/paxos', 'lib/mon/osd', 'lib/mon/monmap'];
export function folderOf(file: string): string {
  const sub = SUB_ROOMS.find((r) => file.startsWith(`${r}/`));
  if (sub) return sub;
  const parts = file.split('/');
  if (parts[0] === 'lib') return parts.length === 2 ? file : `lib/${parts[1]}`;
  return dirname(file);
}

/** The folder graph: an edge between two different folders when any file of one imports the other. */
export function folderGraph(g: ImportGraph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of g.edges) {
    const f = folderOf(from);
    if (!out.has(f)) out.set(f, new Set());
    for (const to of tos) if (folderOf(to) !== f) out.get(f)!.add(folderOf(to));
  }
  return out;
}

/** Strongly connected components with more than one node (Tarjan), each sorted, largest first. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || edges.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!));
}

/** A dependency rule: files matching `from` may not import files matching `to`. */
export interface ForbiddenRule {
  why: string;
  from: RegExp;
  to: RegExp;
}

/** Every import that breaks a rule, as `from -> to (why)`. */
export function forbiddenEdges(g: ImportGraph, rules: readonly ForbiddenRule[]): string[] {
  const out: string[] = [];
  for (const [from, tos] of g.edges) {
    for (const to of tos) {
      for (const rule of rules) if (rule.from.test(from) && rule.to.test(to)) out.push(`${from} -> ${to} (${rule.why})`);
    }
  }
  return out.sort();
}
