// The routes to one result that no other test holds together (docs/experiments.md, "Routes to
// one result"): a scenario file with CRLF line ends and its quantities in other units, `run --seed`
// and `run --policy` against the file saying so, a compare row that is not the scenario's own
// policy, `check --save`'s row, `run` started under its V8 flags (no relaunch), and the extra
// outputs (--timeline, --requests, --link-interval) against a plain run. On three bundled
// scenarios, horizons cut: one with a flow network across two sites, one with an inference service,
// one with failures and checkpoints. Then `fill`'s routes: seeds and placements alone or together,
// the placement named by the scenario, and a built-in placement as a plug-in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_V8_FLAGS } from '../src/cli/relaunch.js';
import { parseCsv } from '../src/experiment/csv-table.js';
import { poolsim, repoPath } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-route-twins-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `text` with each `[from, to]` replaced once; every `from` must be there. */
function rewrite(text: string, pairs: readonly (readonly [string, string])[]): string {
  for (const [from, to] of pairs) {
    expect(text, from).toContain(from);
    text = text.replace(from, to);
  }
  return text;
}

/** Every CSV a run wrote (the manifest holds the scenario's own hash, which differs by route). */
function csvs(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.csv')) files.set(f, readFileSync(join(dir, f), 'utf8'));
  return files;
}

function run(file: string, out: string, ...extra: string[]): Map<string, string> {
  const r = poolsim('run', file, '--out', out, '--quiet', ...extra);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return csvs(out);
}

function expectSameFiles(got: Map<string, string>, want: Map<string, string>, route: string): void {
  expect([...got.keys()], route).toEqual([...want.keys()]);
  for (const [f, t] of want) expect(got.get(f), `${route}: ${f}`).toBe(t);
}

/** Row `row` of an experiment's runs.csv against a run's summary.csv and services.csv, cell by cell. */
function expectRunsRow(runsCsv: string, row: number, files: Map<string, string>, route: string): void {
  const runs = parseCsv(runsCsv);
  const cell = (column: string) => {
    const j = runs.header.indexOf(column);
    expect(j, `${route}: runs.csv has ${column}`).toBeGreaterThanOrEqual(0);
    return runs.rows[row]![j];
  };
  const summary = parseCsv(files.get('summary.csv')!);
  for (const [i, column] of summary.header.entries()) expect(cell(column), `${route}: ${column}`).toBe(summary.rows[0]![i]);
  const services = files.get('services.csv');
  if (services === undefined) return;
  const table = parseCsv(services);
  for (const r of table.rows) {
    for (const [i, column] of table.header.entries()) {
      // The name is the column's own, and the balancer's name is the scenario's text.
      if (column === 'service' || column === 'balancer') continue;
      expect(cell(`services.${r[0]}.${column}`), `${route}: services.${r[0]}.${column}`).toBe(r[i]);
    }
  }
}

interface Case {
  name: string;
  /** Edits that cut the bundled scenario down (applied on every route). */
  cut: [string, string][];
  /** The same quantities written in other units. */
  units: [string, string][];
  /** run's extra outputs, which must leave the other files as they were. */
  extra: string[];
}

const CASES: Case[] = [
  {
    name: 'two-dc-latency',
    cut: [['latency: 1ms, bandwidth: 400Gbps }', 'latency: 1ms, bandwidth: 400Gbps, window: 16MiB }']],
    units: [['latency: 1ms', 'latency: 1000us'], ['400Gbps', '50GB/s'], ['16MiB', '16777216'], ['params: 13B', 'params: 13000000000'], ['tokens: 20B', 'tokens: 2e10']],
    extra: ['--link-interval', '30min'],
  },
  {
    name: 'inference-diurnal',
    cut: [['horizon: 1d', 'horizon: 3h']],
    units: [['horizon: 3h', 'horizon: 10800s'], ['latency: 30ms', 'latency: 0.03s'], ['interval: 1min', 'interval: 60s'], ['scale_up_delay: 5min', 'scale_up_delay: 300s'], ['peak: 1.6/s', 'peak: 96/min'], ['median: 4h', 'median: 240min']],
    extra: ['--requests'],
  },
  {
    name: 'llama3-reliability',
    cut: [['seed: 1\n', 'seed: 1\nhorizon: 10d\n']],
    units: [['horizon: 10d', 'horizon: 240h'], ['mtbf: 2111d', 'mtbf: 50664h'], ['repair: 1d', 'repair: 86400s'], ['restart: 5min', 'restart: 300s'], ['tokens: 11.5T', 'tokens: 11500000000000']],
    extra: [],
  },
];

describe('routes to one run', () => {
  for (const c of CASES) {
    it(`${c.name}: CRLF and other units, --seed, --policy, compare's second row, check, no relaunch and extra outputs give the same bytes`, () => {
      const dir = mkdtempSync(join(work, `${c.name}-`));
      const text = rewrite(readFileSync(repoPath(`scenarios/${c.name}.yaml`), 'utf8'), c.cut);
      const file = join(dir, 's.yaml');
      writeFileSync(file, text);
      const base = run(file, join(dir, 'base'));

      // CRLF line ends and every quantity written in other units.
      const other = join(dir, 'units-crlf.yaml');
      writeFileSync(other, rewrite(text, c.units).replace(/\n/g, '\r\n'));
      expectSameFiles(run(other, join(dir, 'units-crlf')), base, 'CRLF, other units');

      // run --seed against the file's seed.
      const seeded = join(dir, 'seed.yaml');
      writeFileSync(seeded, rewrite(text, [['seed: 1\n', 'seed: 5\n']]));
      const seedRun = run(seeded, join(dir, 'seed-file'));
      expect(seedRun.get('summary.csv')).not.toBe(base.get('summary.csv'));
      expectSameFiles(run(file, join(dir, 'seed-option'), '--seed', '5'), seedRun, 'run --seed');

      // run --policy against the file naming that policy, and compare's row for it (not the first).
      const sjfFile = join(dir, 'sjf.yaml');
      writeFileSync(sjfFile, rewrite(text, [['policy: fifo\n', 'policy: sjf\n']]));
      const sjf = run(sjfFile, join(dir, 'sjf-file'));
      expectSameFiles(run(file, join(dir, 'sjf-option'), '--policy', 'sjf'), sjf, 'run --policy');
      const cmp = poolsim('compare', file, '--policies', 'fifo,sjf', '--seeds', '1', '--workers', '1', '--out', join(dir, 'cmp'), '--quiet');
      expect(cmp.code, cmp.stderr).toBe(0);
      expectRunsRow(readFileSync(join(dir, 'cmp', 'runs.csv'), 'utf8'), 1, sjf, 'compare row 1');

      // check --save's row.
      const check = poolsim('check', file, '--save', join(dir, 'check.csv'), '--workers', '1', '--quiet');
      expect(check.code, check.stderr).toBe(0);
      expectRunsRow(readFileSync(join(dir, 'check.csv'), 'utf8'), 0, base, 'check --save');

      // Started under its V8 flags, poolsim runs in place instead of relaunching itself.
      const inPlace = spawnSync(process.execPath, [...CLI_V8_FLAGS, repoPath('dist/cli/main.js'), 'run', file, '--out', join(dir, 'in-place'), '--quiet'], { encoding: 'utf8' });
      expect(inPlace.status, inPlace.stderr).toBe(0);
      expectSameFiles(csvs(join(dir, 'in-place')), base, 'in place');

      // Extra outputs add files and change none of the others.
      const more = run(file, join(dir, 'extra'), '--timeline', join(dir, 'timeline.json'), ...c.extra);
      for (const [f, t] of base) expect(more.get(f), `extra outputs: ${f}`).toBe(t);
    }, 180_000);
  }
});

/** 12 nodes of two GPU models and 80 pods: shares of one GPU and whole GPUs, in openb's columns. */
function fillFiles(dir: string): string {
  const nodes = ['sn,cpu_milli,memory_mib,gpu,model'];
  for (let i = 0; i < 12; i++) nodes.push(`n${i},64000,262144,${i < 8 ? 8 : 2},${i < 8 ? 'G2' : 'T4'}`);
  const pods = ['name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time'];
  for (let i = 0; i < 80; i++) {
    const gpus = [1, 1, 1, 2, 4][i % 5]!;
    const milli = gpus > 1 ? 1000 : [200, 300, 500, 700, 1000][(i * 7) % 5]!;
    pods.push(`p${i},${1000 + (i % 4) * 1000},4096,${gpus},${milli},,LS,Running,${i},${i + 1000},${i}`);
  }
  writeFileSync(join(dir, 'nodes.csv'), nodes.join('\n') + '\n');
  writeFileSync(join(dir, 'pods.csv'), pods.join('\n') + '\n');
  const map = '{ G2: V100-SXM2-32GB, T4: T4 }';
  return `name: fill-routes\nseed: 1\nnetwork: ideal\ndatacentres:\n  - name: dc\n    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: ${map} }\nworkloads:\n  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: ${map} }\npolicy: fifo\nplacement: best-fit\n`;
}

describe('routes to one fill', () => {
  it('a seed and a placement alone, the placement the scenario names, and fgd as a plug-in give the rows of the fill of all', () => {
    const dir = mkdtempSync(join(work, 'fill-'));
    const text = fillFiles(dir);
    const file = join(dir, 's.yaml');
    writeFileSync(file, text);
    const fill = (f: string, out: string, ...args: string[]) => {
      const r = poolsim('fill', f, '--until', '90%', '--out', join(dir, out), '--quiet', ...args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      return ['fill.csv', 'fill-summary.csv'].map((n) => parseCsv(readFileSync(join(dir, out, n), 'utf8')));
    };
    const [allRows, allSummary] = fill(file, 'all', '--placement', 'best-fit,fgd', '--seeds', '2');
    const pick = (t: ReturnType<typeof parseCsv>) => t.rows.filter((r) => r[0] === 'fgd' && r[1] === '2');
    expect(pick(allRows!).length).toBeGreaterThan(20);
    expect(pick(allSummary!)).toHaveLength(1);

    const fgdFile = join(dir, 'fgd.yaml');
    writeFileSync(fgdFile, rewrite(text, [['placement: best-fit', 'placement: fgd']]));
    const plugin = join(dir, 'fgd.mjs');
    writeFileSync(plugin, `import { PLACEMENT_POLICIES } from ${JSON.stringify(pathToFileURL(repoPath('dist/index.js')).href)};\nexport default PLACEMENT_POLICIES.get('fgd');\n`);
    for (const [route, f, args] of [
      ['--placement fgd --seed 2', file, ['--placement', 'fgd', '--seed', '2']],
      ["the scenario's fgd, --seed 2", fgdFile, ['--seed', '2']],
      ['fgd as a plug-in, --seed 2', file, ['--placement', plugin, '--seed', '2']],
    ] as const) {
      const [rows, summary] = fill(f, route.replace(/[^a-z0-9]+/gi, '-'), ...args);
      expect(rows!.header, route).toEqual(allRows!.header);
      expect(rows!.rows, route).toEqual(pick(allRows!));
      expect(summary!.rows, route).toEqual(pick(allSummary!));
    }
  }, 120_000);
});

describe("docs/experiments.md's table of routes", () => {
  it('names tests that exist', () => {
    const doc = readFileSync(repoPath('docs/experiments.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Routes to one result'), doc.indexOf('## Progress'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| routes'));
    expect(rows.length).toBeGreaterThan(15);
    for (const row of rows) {
      const tests = row.split(' | ').at(-1)!.replace(/ \|$/, '').split(', ');
      for (const t of tests) expect(existsSync(repoPath(`test/${t}.test.ts`)), `${t} (${row})`).toBe(true);
    }
  });
});
