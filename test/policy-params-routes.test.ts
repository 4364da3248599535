// The two-route rule for policies with parameters: `compare --policies NAME` (and sweep, check
// --policy, run --policy) naming the scenario's own policy runs it as the scenario configures it,
// so its row is `poolsim run`'s summary byte for byte; a variant run with other parameters than the
// scenario's says so in its label (`priority{}`), never under the scenario's bare name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/experiment/csv-table.js';
import { poolsim } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'poolsim-params-routes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 40 jobs of three priorities on two kinds: every parameter below changes the runs. */
const scenario = (policy: string, placement: string): string => `name: params-routes
seed: 3
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: a100, count: 2, device: A100-80GB }
      - { name: v100, count: 2, device: V100-SXM2-32GB }
workloads:
  - generator:
      name: mixed
      count: 40
      arrival: { process: poisson, mean_interval: 10min }
      devices: { distribution: empirical, values: [1, 2, 4, 8, 16], weights: [20, 20, 20, 20, 10] }
      duration: { distribution: lognormal, median: 40min, sigma: 1.0, max: 6h }
      priority: { distribution: empirical, values: [0, 1, 2], weights: [5, 3, 2] }
      reference_device: A100-80GB
policy: ${policy}
placement: ${placement}
`;

const HETERO = '{ name: heterogeneity-aware, params: { min_speed_ratio: 0.9 } }';
const CASES: [string, string, string][] = [
  ['priority', '{ name: priority, params: { preemptive: true, strict: false } }', HETERO],
  ['multifactor', '{ name: multifactor, params: { weight_age: 0, weight_job_size: 50000, favor_small: true, backfill: false } }', HETERO],
  ['sjf', '{ name: sjf, params: { strict: true } }', '{ name: topology-aware, params: { cross_site: when-free } }'],
  ['las', '{ name: las, params: { thresholds: [10min, 1h], preemptive: false } }', HETERO],
];

const csv = (path: string) => parseCsv(readFileSync(path, 'utf8'));

/** Every column of run's summary.csv, as the row of runs.csv `row` has it. */
function expectSameRow(runDir: string, runsCsv: string, row: number): void {
  const summary = csv(join(runDir, 'summary.csv'));
  const runs = csv(runsCsv);
  for (const [i, column] of summary.header.entries()) expect(runs.rows[row]![runs.header.indexOf(column)], column).toBe(summary.rows[0]![i]);
}

describe("a policy named bare that is the scenario's own", () => {
  for (const [name, policy, placement] of CASES) {
    it(`${name} with its parameters (and its placement's): compare's row is run's, byte for byte`, () => {
      const dir = mkdtempSync(join(work, `${name}-`));
      const file = join(dir, 'c.yaml');
      writeFileSync(file, scenario(policy, placement));
      const placementName = /name: ([a-z-]+)/.exec(placement)![1]!;
      const run = poolsim('run', file, '--out', join(dir, 'run'), '--quiet');
      expect(run.code, run.stderr).toBe(0);
      const cmp = poolsim('compare', file, '--policies', `${name},fifo`, '--placements', `${placementName},first-fit`, '--seeds', '1', '--out', join(dir, 'cmp'), '--quiet');
      expect(cmp.code, cmp.stderr).toBe(0);
      // Runs in placement, then policy order: row 0 is the scenario's policy on its placement.
      expectSameRow(join(dir, 'run'), join(dir, 'cmp', 'runs.csv'), 0);
      const manifest = JSON.parse(readFileSync(join(dir, 'cmp', 'manifest.json'), 'utf8')) as { policies: { name: string; params: unknown }[]; placements: { name: string; params: unknown }[] };
      expect(manifest.policies[0]!.params).not.toEqual({});
      expect(manifest.placements[0]!.params).not.toEqual({});
      // run --policy NAME is the scenario's policy too.
      const runNamed = poolsim('run', file, '--policy', name, '--placement', placementName, '--out', join(dir, 'run-named'), '--quiet');
      expect(runNamed.code, runNamed.stderr).toBe(0);
      expect(readFileSync(join(dir, 'run-named', 'summary.csv'), 'utf8')).toBe(readFileSync(join(dir, 'run', 'summary.csv'), 'utf8'));
      // The defaults, asked for explicitly, run under a label that says so, and are not the scenario's runs.
      const defaults = poolsim('compare', file, '--policies', `{name: ${name}, params: {}}`, '--seeds', '1', '--out', join(dir, 'defaults'), '--quiet');
      expect(defaults.code, defaults.stderr).toBe(0);
      const d = csv(join(dir, 'defaults', 'runs.csv'));
      expect(d.rows[0]![d.header.indexOf('policy')]).toBe(`${name}{}`);
      const own = csv(join(dir, 'cmp', 'runs.csv'));
      const cells = (t: typeof d, r: number) => t.header.filter((c) => c !== 'run' && c !== 'policy').map((c) => t.rows[r]![t.header.indexOf(c)]);
      expect(cells(d, 0)).not.toEqual(cells(own, 0));
    });
  }

  it('priority: run shows the preemptions, and compare and sweep show the same under the same label', () => {
    const dir = mkdtempSync(join(work, 'sweep-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, scenario(CASES[0]![1], 'best-fit'));
    const run = poolsim('run', file, '--out', join(dir, 'run'), '--quiet');
    expect(run.code, run.stderr).toBe(0);
    const summary = csv(join(dir, 'run', 'summary.csv'));
    expect(Number(summary.rows[0]![summary.header.indexOf('preemptions')])).toBeGreaterThan(0);
    const sweep = poolsim('sweep', file, '--set', 'datacentres.dc.node_groups.a100.count=2', '--policies', 'priority,fifo', '--seeds', '1', '--out', join(dir, 'sweep'), '--quiet');
    expect(sweep.code, sweep.stderr).toBe(0);
    expectSameRow(join(dir, 'run'), join(dir, 'sweep', 'runs.csv'), 0);
  });

  it("a preemptive priority whose victims are a plug-in relative to the scenario, named from another folder", () => {
    const dir = mkdtempSync(join(work, 'plugin-'));
    const file = 'test/fixtures/policy-plugins/preemptive.yaml';
    const run = poolsim('run', file, '--out', join(dir, 'run'), '--quiet');
    expect(run.code, run.stderr).toBe(0);
    const cmp = poolsim('compare', file, '--policies', 'priority,fifo', '--seeds', '1', '--out', join(dir, 'cmp'), '--quiet');
    expect(cmp.code, cmp.stderr).toBe(0);
    expectSameRow(join(dir, 'run'), join(dir, 'cmp', 'runs.csv'), 0);
    const summary = csv(join(dir, 'run', 'summary.csv'));
    expect(summary.rows[0]![summary.header.indexOf('preemptions')]).toBe('1');
  });
});
