// A job's data-parallel and pipeline flows share its NICs in proportion to the bytes each sends
// across the fabric (sim/network-progress.ts, groupWeights). Bytes that stay inside a node (a
// stage's ring on NVLink, ZeRO-3's weight gathers there) are no claim on the fabric: counted, they
// made the lone pipeline flow weigh ~1/200 and read its rate at 200x the cards' bandwidth, so a
// ZeRO-3 job with one stage per node ran with 0.6 ms of exposed PP time a step where explain,
// on the same idle fabric, gives 138 ms.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (layout: string, nodes = 2, devices = 16): string => `name: pipeline-flow-weight
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ name: h100, count: ${nodes}, device: H100 }]
workloads:
  - jobs:
      - name: big
        devices: ${devices}
        params: 13B
        tokens: 1B
        layout: ${layout}
`;

const both = (layout: string, nodes?: number, devices?: number) => {
  const r = scenarioFromText(scenario(layout, nodes, devices));
  return { explained: explainJob(r, 'big').step, ran: runToCsv(r).jobs[0]! };
};

describe('the weights of a job’s flows count only bytes that cross the fabric', () => {
  it('a stage per node (the data-parallel ring on NVLink): the run’s exposed PP time is explain’s', () => {
    for (const zero of [3, 2]) {
      const { explained, ran } = both(`{ tp: 1, pp: 2, dp: 8, zero: ${zero} }`);
      // Nothing else is exposed but ZeRO-3's first gathers and last reduce-scatters (step-time.ts,
      // zero3EdgeS), or under ZeRO-2 the word embedding's reduction, which can start only after the
      // backward (DDP's last bucket), on NVLink: TP is 1, the stage's data-parallel ring is inside its node.
      expect(explained.exposed_tp_s).toBe(0);
      expect(explained.exposed_dp_s).toBeGreaterThan(0);
      expect(explained.exposed_dp_s).toBeLessThan(0.01 * explained.step_s);
      expect(explained.exposed_pp_s).toBeGreaterThan(0.05);
      // jobs.csv's exposed communication also holds the SMs NCCL's hidden collectives take from compute.
      expect(ran.exposed_comm_s / (explained.exposed_pp_s + explained.exposed_dp_s + explained.nccl_sm_share_s)).toBeCloseTo(1, 2);
      expect(ran.step_time_s / explained.step_s).toBeCloseTo(1, 4);
    }
  });

  it('a ring across nodes and a pipeline: the run agrees with explain as before', () => {
    // tp 1 x pp 2 x dp 16 on four nodes: each stage's ring spans two nodes, the pipeline two more.
    const { explained, ran } = both('{ tp: 1, pp: 2, dp: 16, zero: 3 }', 4, 32);
    expect(explained.exposed_pp_s).toBeGreaterThan(0);
    expect(ran.step_time_s / explained.step_s).toBeCloseTo(1, 2);
  });
});
