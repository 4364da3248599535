// The size estimate times a job as the run does (model/alone-runtime.ts): a duration with a model is
// work at the step model's rate alone on the reference kind, a job with a model runs at the step
// model's rate (not peak x efficiency), and checkpoints are written as the run writes them (after
// each whole interval but the last, then the final one). It was about 2x short on both.
import { describe, expect, it } from 'vitest';
import { AloneRuntime } from '../src/model/alone-runtime.js';
import { poolAloneRates } from '../src/model/network/alone-rate.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const MTBF_S = 1e5 * 86400;
const scenario = `name: est
seed: 1
checkpointing: { interval: 30min, cost: 5min, final_cost: 2min, restart: 2min }
failures: { devices: { H100: { mtbf: 100000d, repair: 1h } } }
datacentres: [{ name: east, fabric: IB-NDR, node_groups: [{ name: h100, count: 1, device: H100 }] }]
workloads:
  - jobs:
      - { name: a, devices: 8, duration: 2h, reference_device: H100, params: 7B }
      - { name: b, devices: 8, tokens: 2e10, params: 7B, submit: 3h }
`;

describe("the estimate's run times are the run's", () => {
  it('job by job: a duration with its model, and a model given by its tokens, checkpoints included', () => {
    const r = scenarioFromText(scenario);
    const run = runToCsv(r).jobs;
    const cp = r.scenario.checkpointing!;
    const alone = new AloneRuntime(r.shape.kinds, r.shape.groups, poolAloneRates(r.shape, r.interDc), { costS: cp.cost, finalCostS: cp.final_cost!, intervalS: () => cp.interval as number });
    r.jobs.forEach((t, i) => {
      const ranS = run[i]!.finish_s - run[i]!.start_s;
      const est = alone.of(t);
      expect(est.bestS).toBeCloseTo(ranS, 3);
      expect(est.meanS).toBeCloseTo(ranS, 3);
    });
    // 2 h of compute, three checkpoints of 5 min between its four intervals, a final one of 2 min.
    expect(alone.of(r.jobs[0]!).bestS).toBeCloseTo(7200 + 3 * 300 + 120, 6);
  });

  it("so the estimate's failures span the run (it was 204,000 s against the run's 457,000)", () => {
    const r = scenarioFromText(scenario);
    const lastFinishS = Math.max(...runToCsv(r).jobs.map((j) => j.finish_s));
    const f = r.size.parts.find((p) => p.what.includes('failures'))!;
    // Device failures over the run: 8 devices x its span / MTBF, each a failure and a repair.
    const spanS = (f.events / 2 / 8) * MTBF_S;
    expect(spanS / lastFinishS).toBeGreaterThan(0.99);
    expect(spanS / lastFinishS).toBeLessThan(1.01);
  });

  it("a generator's mean job is timed as the run times its jobs", () => {
    const r = scenarioFromText(`name: est-gen
seed: 1
checkpointing: { interval: 30min, cost: 5min, restart: 2min }
failures: { devices: { H100: { mtbf: 100000d, repair: 1h } } }
datacentres: [{ name: east, fabric: IB-NDR, node_groups: [{ name: h100, count: 1, device: H100 }] }]
workloads:
  - generator: { name: g, count: 1, arrival: { process: fixed, interval: 1h }, devices: 8, tokens: 2e10, params: 7B }
`);
    const ran = runToCsv(r).jobs[0]!;
    const f = r.size.parts.find((p) => p.what.includes('failures'))!;
    const spanS = (f.events / 2 / 8) * MTBF_S;
    expect(spanS / ran.finish_s).toBeGreaterThan(0.99);
    expect(spanS / ran.finish_s).toBeLessThan(1.01);
  });
});
