// The step model's per-shape memo (JobSteps.shapeAndLayout, shapeRow) and what finish-time fairness
// reads from it: one lookup finds a shape's entries on every kind, the entries keep one set of
// fields from their making, and T_id's alone rates land at their kind's position.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { JobSteps, type StepJob } from '../src/model/job-steps.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const twoKinds = scenarioFromText(`name: rows
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: a, count: 4, device: A100-80GB }
      - { name: h, count: 4, device: H100 }
workloads:
  - jobs:
      - { name: j, devices: 8, params: 7B, tokens: 1B }
`);

const plain = (params: number, devices: number): StepJob => ({ devices, params, efficiency: undefined });

describe('the step model’s memo by shape', () => {
  it('one row per shape holds shapeAndLayout’s entries by kind', () => {
    const steps = new JobSteps(new Cluster(twoKinds.shape));
    const row = steps.shapeRow(plain(7e9, 8));
    expect(row).toEqual([undefined, undefined]);
    const onH = steps.shapeAndLayout(plain(7e9, 8), 1);
    // The same row, now with the H100 entry at the H100's index, and found again by the same shape.
    expect(steps.shapeRow(plain(7e9, 8))).toBe(row);
    expect(row[1]).toBe(onH);
    expect(row[0]).toBeUndefined();
    expect(steps.shapeAndLayout(plain(7e9, 8), 0)).toBe(row[0]);
    expect(row[0]).not.toBe(onH);
    // Another size or another gang is another row.
    expect(steps.shapeRow(plain(7e9, 16))).not.toBe(row);
    expect(steps.shapeRow(plain(13e9, 8))).not.toBe(row);
    // A template's shape or layout is another memo (not the plain rows).
    const shaped: StepJob = { ...plain(7e9, 8), template: { shape: { layers: 32 }, layout: undefined } };
    expect(steps.shapeRow(shaped)).not.toBe(row);
    expect(steps.shapeRow(shaped)).toBe(steps.shapeRow({ ...shaped }));
  });

  it('an entry has every field from its making, so that entries share one hidden class', () => {
    const steps = new JobSteps(new Cluster(twoKinds.shape));
    const fresh = steps.shapeAndLayout(plain(7e9, 8), 1);
    // Fields filled on demand (the alone rate, jobs.csv's layout cell) are there, undefined, at once:
    // added later they gave entries several hidden classes, and the start path's reads of them went
    // polymorphic.
    expect(Object.keys(fresh)).toContain('aloneRate');
    expect(Object.keys(fresh)).toContain('layoutCell');
    expect(fresh.aloneRate).toBeUndefined();
    const other = JobSteps.withLayout(fresh, { ...fresh.layout, microBatches: fresh.layout.microBatches * 2 });
    expect(Object.keys(other).sort()).toEqual(Object.keys(fresh).sort());
  });
});

// Three kinds; the job may use two of them, which are not the first: its kinds' positions (0, 1)
// differ from their indices (1, 2), and T_id must read each kind's alone rate at its position.
const pool = (groups: string, kinds: string): string => `name: ftf-kinds
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
${groups}
workloads:
  - jobs:
      - { name: j, devices: 8, params: 7B, tokens: 2B, device_kinds: [${kinds}] }
`;
const A100 = '      - { name: a, count: 2, device: A100-80GB }';
const H100 = '      - { name: h, count: 2, device: H100 }';
const MI300X = '      - { name: m, count: 2, device: MI300X }';

describe('finish-time fairness’ alone rates, by the job’s kinds', () => {
  it('a job alone on a pool of three kinds, two of them its own: T_id is its run on the faster of its two', () => {
    const aloneOn = (group: string, kind: string): number => runToCsv(scenarioFromText(pool(group, kind))).jobs[0]!.finish_s;
    const onH = aloneOn(H100, 'H100');
    const onM = aloneOn(MI300X, 'MI300X');
    expect(onH).not.toBeCloseTo(onM, 3);
    const mixed = runToCsv(scenarioFromText(pool([A100, H100, MI300X].join('\n'), 'H100, MI300X')));
    const jct = mixed.jobs[0]!.finish_s;
    expect([onH, onM].some((t) => Math.abs(t - jct) <= 1e-9 * t)).toBe(true);
    // N = 1: T_id is the run alone on its fastest kind.
    expect(mixed.summary.ftf_rho_max).toBeCloseTo(jct / Math.min(onH, onM), 9);
    expect(simulate(scenarioFromText(pool([A100, H100, MI300X].join('\n'), 'H100, MI300X'))).summary.ftf_rho_max).toBe(mixed.summary.ftf_rho_max);
  });
});
