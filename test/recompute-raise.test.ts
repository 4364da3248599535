// The automatic layout raises recomputation to 'full' when the job leaves it to poolsim and no
// layout fits at the default 'selective' (issue 12): a 70B on 16 H100s needs 79.76 GiB of the
// H100's 79.65 at selective in its leanest layout, and fits at full. A job that states its
// recompute keeps it and is refused. The loader (validate), the run (listed and generated jobs)
// and explain agree.
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const listed = (model: string): string => `name: r
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 2, device: H100 }
workloads:
  - jobs:
      - { name: big, devices: 16, params: 70B, tokens: 1B${model} }
`;

const generated = (model: string): string => `name: g
seed: 3
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: h100, count: 4, device: H100 }
workloads:
  - generator:
      name: t
      count: 8
      arrival: { process: poisson, rate: 4/h }
      devices: { distribution: empirical, values: [16, 32] }
      params: { distribution: empirical, values: [70B] }
      tokens: { distribution: empirical, values: [1B] }
${model}`;

describe('recompute raised by the automatic layout', () => {
  it('a 70B on 16 H100s that states no recompute runs with full recomputation, and the loader says so with the numbers', () => {
    const r = scenarioFromText(listed(''));
    const raised = r.warnings.filter((w) => w.message.includes("recompute raised to 'full'"));
    expect(raised).toHaveLength(1);
    expect(raised[0]!.message).toMatch(/the leanest \(tp 1 x cp 8 x pp 1 x dp 2 zero 3\) needs 79\.76 GiB per device of the 79\.65 GiB/);
    const run = runToCsv(r);
    expect(run.jobs).toHaveLength(1);
    expect(run.jobs[0]!.status).toBe('completed');
    expect(run.jobs[0]!.layout).toBe('tp4 pp4 dp1 mb1024');
    // The memory of the layout at full recomputation (71.5 GiB), not at selective.
    expect(run.jobs[0]!.memory_gib).toBeCloseTo(71.5, 1);
    const e = explainJob(r, 'big');
    expect(e.shape.recomputeMode).toBe('full');
    expect(e.recompute_raised).toMatchObject({ from: 'selective', to: 'full' });
    expect(e.recompute_raised!.selective_gib).toBeCloseTo(79.76, 2);
    expect(e.memory.total_gib).toBeCloseTo(run.jobs[0]!.memory_gib, 9);
    expect(explanationTable(e)).toMatch(/^note: recompute raised to 'full' \(not stated\)/m);
  });

  it("one that states 'selective' keeps it and is refused with the numbers, as before", () => {
    expect(() => scenarioFromText(listed(', model: { recompute: selective }'))).toThrow(/no layout of 16 devices fits: .*with `model.recompute: true` it would fit as tp 4 x pp 4 x dp 1 \(71\.5 GiB\)/);
  });

  it('a job that fits at selective keeps it (no raise)', () => {
    const r = scenarioFromText(listed('').replace('params: 70B', 'params: 13B'));
    expect(r.warnings.some((w) => w.message.includes('recompute raised'))).toBe(false);
    expect(explainJob(r, 'big').shape.recomputeMode).toBe('selective');
  });

  it('generated jobs: unstated ones run at full recomputation, stated selective ones on 16 devices are rejected by the run with the numbers', () => {
    const openScenario = scenarioFromText(generated(''));
    // The loader says it for the pair it can draw, as the run does it.
    expect(openScenario.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^1 of the 2 \(devices, params\) pairs it can draw run with recompute raised to 'full': 70B parameters on 16 devices .*needs 79\.76 GiB per device of the 79\.65 GiB/));
    const open = runToCsv(openScenario);
    const sixteen = open.jobs.filter((j) => j.devices === 16);
    expect(sixteen.length).toBeGreaterThan(0);
    expect(open.summary.jobs_rejected).toBe(0);
    expect(open.jobs.every((j) => j.status === 'completed')).toBe(true);
    expect(sixteen.every((j) => j.layout === 'tp4 pp4 dp1 mb1024')).toBe(true);
    const statedScenario = scenarioFromText(generated('      model: { recompute: selective }\n'));
    expect(statedScenario.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^1 of the 2 \(devices, params\) pairs it can draw fit no layout and will be rejected when drawn: 70B parameters on 16 devices/));
    expect(statedScenario.warnings.some((w) => w.message.includes('recompute raised'))).toBe(false);
    const stated = runToCsv(statedScenario);
    expect(stated.summary.jobs_rejected).toBe(sixteen.length);
    for (const j of stated.jobs) {
      if (j.devices === 16) expect([j.status, j.reason]).toEqual(['rejected', expect.stringMatching(/no layout of 16 devices fits: .*it would fit as tp 4 x pp 4 x dp 1 \(71\.5 GiB\)/)]);
      else expect(j.status).toBe('completed');
    }
  });
});
