// explain places the job with the scenario's own placement policy, through the run's registry,
// placer and checks, alone on the empty pool at its submission. It placed every job as first-fit
// does: with topology-aware on a pool whose first site is too small for a 32-H100 job, explain
// said 23.810 s a step (the job across north and south over a 100 Gb/s link) where the run, which
// keeps the gang under one leaf of south, gives 20.285 s. Here both routes, for every registered
// placement policy that places the job, and for a plug-in, give the same jobs.csv cell.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCell } from '../src/experiment/csv.js';
import { explainListedJob } from '../src/experiment/explain-job.js';
import { explanationTable } from '../src/model/explain.js';
import { PLACEMENT_POLICIES, resolvePolicies } from '../src/policy/registry.js';
import { layoutCell } from '../src/model/training-layout.js';
import { poolsim, repoPath, runToCsv, scenarioFromText } from './helpers.js';

// A100 nodes first (first-fit's kind), a two-node H100 site, then eight H100 nodes in leaves of
// four behind 4:1 uplinks; 100 Gb/s links between the sites; south the cheapest site.
const pool = (placement: string, extra = ''): string => `name: explain-placement
datacentres:
  - name: west
    fabric: IB-NDR
    electricity_price: 0.30
    node_groups: [{ name: a, count: 4, device: A100-SXM4-80GB }]
  - name: north
    fabric: IB-NDR
    nodes_per_leaf: 2
    oversubscription: 4
    electricity_price: 0.20
    node_groups: [{ name: hn, count: 2, device: H100 }]
  - name: south
    fabric: IB-NDR
    nodes_per_leaf: 4
    oversubscription: 4
    electricity_price: 0.10
    node_groups: [{ name: hs, count: 8, device: H100 }]
links:
  - { name: wn, between: [west, north], latency: 5ms, bandwidth: 100Gbps }
  - { name: ns, between: [north, south], latency: 5ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: j, devices: 32, params: 13B, tokens: 1B, submit: 2h, model: { attention: flash }${extra} }
placement: ${placement}
`;

describe('explain places the job with the scenario placement policy', () => {
  for (const name of PLACEMENT_POLICIES.keys()) {
    for (const [what, extra] of [
      ['the automatic layout', ''],
      ['a given layout', ', layout: { tp: 8, pp: 1, dp: 4 }'],
      ['H100 only', ', device_kinds: [H100]'],
    ] as const) {
      it(`${name}, ${what}: explain's step is the run's jobs.csv cell`, () => {
        const r = scenarioFromText(pool(name, extra));
        const run = runToCsv(r).jobs[0]!;
        expect(run.status).toBe('completed');
        const e = explainListedJob(r, 'j');
        expect(e.placement.policy).toBe(name);
        expect(e.kind).toBe(run.device_kind);
        expect(formatCell(e.step.step_s)).toBe(formatCell(run.step_time_s));
        expect(layoutCell(e.layout)).toBe(run.layout);
        expect(explanationTable(e)).toContain(`placed by ${name} alone on the empty pool at its submission`);
      });
    }
  }

  it('the placements differ: first-fit standing in for another policy would fail the cases above', () => {
    const stepOf = (n: string): string => formatCell(explainListedJob(scenarioFromText(pool(n, ', device_kinds: [H100]')), 'j').step.step_s);
    // first-fit takes north's two nodes and two of south's (over the 100 Gb/s link); topology-aware one leaf of south.
    expect(stepOf('first-fit')).toBe('23.80960302');
    expect(stepOf('topology-aware')).toBe('20.28693225');
    // On A100s (first-fit) and H100s (heterogeneity-aware: the faster kind).
    expect(explainListedJob(scenarioFromText(pool('first-fit')), 'j').kind).toBe('A100-80GB');
    expect(explainListedJob(scenarioFromText(pool('heterogeneity-aware')), 'j').kind).toBe('H100');
  });

  it('says when the policy draws at random: in a run it may have drawn for other jobs first', () => {
    const e = explainListedJob(scenarioFromText(pool('random-fit').replace('devices: 32', 'devices: 8')), 'j');
    expect(e.placement.note).toMatch(/draws at random/);
    expect(explanationTable(e)).toContain('note: random-fit draws at random');
    expect(explainListedJob(scenarioFromText(pool('topology-aware')), 'j').placement.note).toBeUndefined();
  });

  it('refuses a job the policy leaves waiting on the empty pool, and names a placement that breaks the rules', () => {
    const r = scenarioFromText(pool('first-fit'));
    const policies = resolvePolicies(r.scenario.policy, r.scenario.placement, { src: r.src, pool: r.shape });
    expect(() => explainListedJob(r, 'j', { policies: { ...policies, placer: { place: () => undefined } } })).toThrow("job 'j' cannot be explained: placement policy 'first-fit' does not place it on the empty pool");
    expect(() => explainListedJob(r, 'j', { policies: { ...policies, placer: { place: () => ({ kind: 0, nodes: [0], counts: [32] }) } } })).toThrow(/policy 'first-fit', job 'j', at t=7200s: .*node 0/);
  });
});

describe('explain refuses what the run rejects', () => {
  it('a job its tenant queue could never admit: the run rejects it at submission, explain timed it', () => {
    const r = scenarioFromText(`name: tenant-quota
datacentres:
  - { name: dc, fabric: IB-NDR, node_groups: [{ name: h, count: 4, device: H100 }] }
tenants:
  queues:
    - { name: small, quota: { H100: { nominal: 8 } } }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 7B, tokens: 1B, queue: small }
`);
    const run = runToCsv(r).jobs[0]!;
    expect(run.status).toBe('rejected');
    expect(() => explainListedJob(r, 'j')).toThrow(`job 'j' cannot be explained: ${run.reason}`);
  });
});

describe('poolsim explain and poolsim run agree (the CLI, built-in and plug-in placements)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'explain-placement-'));
  for (const placement of ['topology-aware', repoPath('test/fixtures/policy-plugins/last-nodes.mjs')]) {
    it(`${placement.endsWith('.mjs') ? 'a plug-in' : placement}: the same step_time_s`, () => {
      const file = join(dir, `${placement.endsWith('.mjs') ? 'plugin' : placement}.yaml`);
      writeFileSync(file, pool(placement, ', device_kinds: [H100]'));
      const out = join(dir, `out-${placement.endsWith('.mjs') ? 'plugin' : placement}`);
      const run = poolsim('run', file, '--out', out, '--quiet');
      expect(run.stderr).toBe('');
      const [head, row] = readFileSync(join(out, 'jobs.csv'), 'utf8').trim().split('\n');
      const cell = row!.split(',')[head!.split(',').indexOf('step_time_s')];
      const explain = poolsim('explain', file, '--job', 'j', '--json');
      expect(explain.stderr).toBe('');
      expect(formatCell((JSON.parse(explain.stdout) as { step: { step_s: number } }).step.step_s)).toBe(cell);
    });
  }
});

describe('poolsim explain loads plug-ins under the watchdog', () => {
  it('a plug-in module that never finishes loading is stopped after --policy-timeout, not left hanging', () => {
    // explain now loads the scenario's policies to place the job; in the main thread a module whose
    // top level loops forever hung it (it explained such a scenario before, importing nothing).
    const dir = mkdtempSync(join(tmpdir(), 'explain-loops-'));
    const file = join(dir, 'loops.yaml');
    writeFileSync(file, `${pool('first-fit')}policy: ${repoPath('test/fixtures/policy-plugins/loops-on-load.mjs')}\n`);
    // spawnSync with a timeout of its own (the hang blocks the test's thread); a process it kills has status null.
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), 'explain', file, '--job', 'j', '--policy-timeout', '1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(null);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('loops-on-load.mjs');
    expect(r.stdout).toBe('');
  }, 90_000);
});

describe('poolsim explain places the job under the watchdog', () => {
  it("a plug-in placement whose place() never returns is stopped after --policy-timeout, named with the job, as a run stops it", () => {
    // explain asked the placement in the main thread, where nothing can interrupt a synchronous
    // loop: `explain --placement never-returns.mjs` never exited. The fixture loops on job 'third'.
    const dir = mkdtempSync(join(tmpdir(), 'explain-never-'));
    const file = join(dir, 'never.yaml');
    writeFileSync(file, pool('first-fit').replace('{ name: j,', '{ name: third,'));
    const plugin = repoPath('test/fixtures/policy-plugins/never-returns.mjs');
    // spawnSync with a timeout of its own (the hang blocks the test's thread); a process it kills has status null.
    const r = spawnSync(process.execPath, [repoPath('dist/cli/main.js'), 'explain', file, '--job', 'third', '--placement', plugin, '--policy-timeout', '1'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(null);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`explain failed: placement policy 'never-returns' (${plugin}) did not return within 1 s (job 'third', simulated time 7200 s)\n`);
    expect(r.stdout).toBe('');
  }, 90_000);
});
