// Every route to a result gives the same bytes: each bundled scenario through the library
// (runScenario in this thread), `poolsim run`, `poolsim run` with plug-ins that re-export the
// built-in policies, `compare` (one policy, one seed), `sweep` (one point), and compare with one
// worker or two. A route that drifts (a file skipped, a row formatted differently) fails here.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv, type Table } from '../src/experiment/csv-table.js';
import { outputFiles, type OutputName } from '../src/experiment/output-sinks.js';
import { runScenario } from '../src/experiment/run-scenario.js';
import { applyAssignments } from '../src/experiment/scenario-edit.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { poolsim, repoPath } from './helpers.js';
import { fileAccess } from '../src/experiment/file-access.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-diff-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Bundled scenarios too large for the suite run here with fewer jobs (the same edit on every route). */
const REDUCED: Record<string, { path: string; value: string }[]> = {
  'scale-100k': [{ path: 'workloads[0].generator.count', value: '3000' }],
};

/** A plug-in module that is the built-in policy `name` (same definition, same name), loaded as a plug-in. */
function reexport(kind: 'QUEUE_POLICIES' | 'PLACEMENT_POLICIES', name: string): string {
  const file = join(work, `${kind}-${name}.mjs`);
  const index = pathToFileURL(repoPath('dist/index.js')).href;
  writeFileSync(file, `import { ${kind} } from ${JSON.stringify(index)};\nexport default ${kind}.get(${JSON.stringify(name)});\n`);
  return file;
}

function readDir(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(dir)) if (f !== 'manifest.json' && f.endsWith('.csv')) files.set(f, readFileSync(join(dir, f), 'utf8'));
  return files;
}

/** The summary.csv of a run, as the cells an experiment's runs.csv row must repeat. */
function cells(table: Table, row: number, columns: readonly string[]): string[] {
  return columns.map((c) => {
    const i = table.header.indexOf(c);
    return i < 0 ? `<no ${c}>` : table.rows[row]![i]!;
  });
}

/** An experiment's jobs.csv without its run column, as run's jobs.csv would be. */
function jobsOfRun(text: string): string {
  const t = parseCsv(text);
  expect(t.header[0]).toBe('run');
  return [t.header.slice(1).join(','), ...t.rows.map((r) => r.slice(1).join(','))].join('\n');
}

function plainJobs(text: string): string {
  const t = parseCsv(text);
  return [t.header.join(','), ...t.rows.map((r) => r.join(','))].join('\n');
}

const names = readdirSync(repoPath('scenarios'))
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('.'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

describe('every route gives the same bytes', () => {
  it.each(names)('%s', (name) => {
    let file = `scenarios/${name}.yaml`;
    const edits = REDUCED[name];
    if (edits) {
      file = join(work, `${name}.yaml`);
      writeFileSync(file, applyAssignments(readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8'), edits));
    }
    const text = readFileSync(file.startsWith('/') ? file : repoPath(file), 'utf8');
    const resolved = loadScenario(text, file, fileAccess(file.startsWith('/') ? file : repoPath(file)));
    const seed = String(resolved.scenario.seed);

    // The library, in this thread.
    const library = new Map<string, string>();
    const files = outputFiles(resolved).filter((f): f is Exclude<OutputName, 'timeline'> => f !== 'timeline');
    runScenario(resolved, { outputs: { files, write: (f, t) => library.set(f, (library.get(f) ?? '') + t) } });

    // poolsim run, with the built-in policies and with plug-ins that are the built-ins.
    const runDir = join(work, `${name}-run`);
    const r1 = poolsim('run', file, '--out', runDir, '--quiet');
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const run = readDir(runDir);
    expect([...run.keys()].sort()).toEqual([...library.keys()].sort());
    for (const [f, t] of library) expect(run.get(f), `${f}: run vs library`).toBe(t);

    const policy = JSON.stringify({ name: reexport('QUEUE_POLICIES', resolved.scenario.policy.name), params: resolved.scenario.policy.params });
    const placement = JSON.stringify({ name: reexport('PLACEMENT_POLICIES', resolved.scenario.placement.name), params: resolved.scenario.placement.params });
    const plugDir = join(work, `${name}-plugin`);
    const r2 = poolsim('run', file, '--out', plugDir, '--quiet', '--policy', policy, '--placement', placement);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    const plug = readDir(plugDir);
    expect([...plug.keys()].sort()).toEqual([...run.keys()].sort());
    for (const [f, t] of run) expect(plug.get(f), `${f}: plug-in vs built-in`).toBe(t);

    // compare (one policy, one seed) and sweep (one point: the first site's own PUE, the run's seed;
    // a swept seed is refused, as --seeds sets the seeds), with jobs.csv.
    const summary = parseCsv(run.get('summary.csv')!);
    const summaryCells = cells(summary, 0, summary.header);
    for (const [command, extra] of [
      ['compare', ['--seeds', '1', '--seed-base', seed]],
      ['sweep', ['--set', `datacentres[0].pue=${resolved.scenario.datacentres[0]!.pue}`, '--seeds', '1', '--seed-base', seed]],
    ] as const) {
      const dir = join(work, `${name}-${command}`);
      const r = poolsim(command, file, '--out', dir, '--quiet', '--jobs', '--workers', '1', ...extra);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const runs = parseCsv(readFileSync(join(dir, 'runs.csv'), 'utf8'));
      expect(cells(runs, 0, summary.header), `${command}: runs.csv vs run's summary.csv`).toEqual(summaryCells);
      expect(jobsOfRun(readFileSync(join(dir, 'jobs.csv'), 'utf8')), `${command}: jobs.csv vs run's`).toBe(plainJobs(run.get('jobs.csv')!));
    }
    // Six routes of the largest bundled scenarios (philly-replay: about 70 s alone) outgrow the
    // suite's 120 s default on a loaded machine.
  }, 360_000);

  it('an experiment writes the same bytes with one worker or two', () => {
    const outs = [1, 2].map((w) => {
      const dir = join(work, `workers-${w}`);
      const r = poolsim('compare', 'scenarios/policy-backfill.yaml', '--policies', 'fifo,easy-backfill,sjf', '--seeds', '3', '--jobs', '--out', dir, '--quiet', '--workers', String(w));
      expect(r.code).toBe(0);
      return ['runs.csv', 'summary.csv', 'jobs.csv'].map((f) => readFileSync(join(dir, f), 'utf8'));
    });
    expect(outs[1]).toEqual(outs[0]);
  });
});
