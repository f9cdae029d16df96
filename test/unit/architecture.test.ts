/**
 * The import graph of src/ (type imports, re-exports and dynamic imports included): no cycle
 * between files or between rooms, and none of the edges ARCHITECTURE.md forbids, less the
 * allow-list in test/helpers/architecture-rules.ts (each entry must still occur).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_EDGES, ALLOWED_FOLDER_CYCLES, RULES } from '../helpers/architecture-rules.js';
import { buildImportGraph, cycles, folderGraph, folderOf, forbiddenEdges, importSpecifiers } from '../helpers/import-graph.js';
import { REPO_ROOT } from '../helpers/ceph.js';

const graph = buildImportGraph(join(REPO_ROOT, 'src'));

describe('architecture: the import graph of src/', () => {
  it('reads every kind of import line (and no commented-out one)', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export * from './c.js';",
      'import {\n  d,\n  e,\n} from "./d.js";',
      "import './side.js';",
      "const m = await import('./lazy.js');",
      "let t: import('./types.js').T;",
      "// import { no } from './commented.js';",
      "/* import { no } from './block.js'; */",
      "import { pkg } from '@oclif/core';",
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['../b.js', './a.js', './c.js', './d.js', './lazy.js', './side.js', './types.js']);
    expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]))).toEqual([['a', 'b', 'c']]);
    expect(graph.files.length).toBeGreaterThan(200);
    expect(graph.edges.get('base-command.ts')).toContain('lib/errors.ts');
  });

  it('has no file-level cycle', () => {
    expect(cycles(graph.edges)).toEqual([]);
  });

  it('has no room-level cycle (but the allowed ones)', () => {
    const found = cycles(folderGraph(graph)).map((c) => c.join(' '));
    expect(found.sort()).toEqual(ALLOWED_FOLDER_CYCLES.map((c) => [...c.folders].sort().join(' ')).sort());
  });

  it('has none of the forbidden edges (but the allowed ones)', () => {
    expect(forbiddenEdges(graph, RULES)).toEqual([...ALLOWED_EDGES].sort());
  });

  it('ARCHITECTURE.md names every room of lib/', () => {
    const doc = readFileSync(join(REPO_ROOT, 'ARCHITECTURE.md'), 'utf8');
    const rooms = new Set(graph.files.filter((f) => f.startsWith('lib/')).map(folderOf));
    const missing = [...rooms].filter((r) => !doc.includes(`\`${r.replace(/^lib\//, '')}`));
    expect(missing).toEqual([]);
  });
});
