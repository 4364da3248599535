// The layering of src/ as a test: modules import downward only (units and engine, then scenario,
// model, policy, sim, experiment, cli; bench and the library entry on top), and no runtime import
// cycle exists. Type-only imports are erased at compile time and do not count; dynamic import()
// loads lazily and does not either.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from './helpers.js';

const SRC = repoPath('src');
const LAYERS = ['units', 'engine', 'scenario', 'model', 'policy', 'sim', 'experiment', 'cli', 'bench', 'index.ts'];

/**
 * Imports that run up a layer on purpose. A topology kind is one file holding its schema beside
 * the builder that reads it, with one registry row; the scenario schema takes the kinds' schemas
 * from there rather than splitting each kind in two.
 */
const ALLOWED_UP = new Set(['scenario/schema.ts -> model/network/fabrics/registry.ts', 'scenario/json-schema.ts -> model/network/fabrics/graph.ts']);

const STATIC_IMPORT = /^(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*\{([^}]*)\})?)\s+from\s+'(\.[^']+)'/gm;

/** Each source file (relative to src/) and the files it imports at run time. */
function runtimeImports(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(SRC);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of readFileSync(f, 'utf8').matchAll(STATIC_IMPORT)) {
      if (m[1]) continue;
      const names = m[2] ?? m[3];
      if (names !== undefined && names.split(',').map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith('type '))) continue;
      deps.push(relative(SRC, resolve(dirname(f), m[4]!.replace(/\.js$/, '.ts'))));
    }
    graph.set(relative(SRC, f), deps);
  }
  return graph;
}

const layerOf = (file: string): number => LAYERS.indexOf(file.split('/')[0]!);

describe('architecture', () => {
  const graph = runtimeImports();

  it('reads the imports (the parser sees what a file imports, and skips type-only imports)', () => {
    expect(graph.size).toBeGreaterThan(200);
    expect(graph.get('sim/simulation.ts')).toContain('engine/engine.ts');
    // network-progress.ts imports ShapedJob as a type beside JobSteps, which it uses.
    expect(graph.get('sim/network-progress.ts')).toContain('model/job-steps.ts');
    // shape-defaults.ts imports only types (TrainingShape, Recompute).
    expect(graph.get('model/shape-defaults.ts')).toEqual([]);
    for (const f of graph.keys()) expect(layerOf(f), f).toBeGreaterThanOrEqual(0);
  });

  it('imports run down the layers only', () => {
    const up: string[] = [];
    for (const [f, deps] of graph) for (const d of deps) if (layerOf(d) > layerOf(f) && !ALLOWED_UP.has(`${f} -> ${d}`)) up.push(`${f} -> ${d}`);
    expect(up).toEqual([]);
  });

  it('no module imports itself through others at run time', () => {
    const cycles: string[] = [];
    const state = new Map<string, 1 | 2>();
    const path: string[] = [];
    const visit = (n: string): void => {
      state.set(n, 1);
      path.push(n);
      for (const d of graph.get(n) ?? []) {
        if (state.get(d) === 1) cycles.push(path.slice(path.indexOf(d)).join(' > '));
        else if (!state.has(d)) visit(d);
      }
      path.pop();
      state.set(n, 2);
    };
    for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
    expect(cycles).toEqual([]);
  });
});
