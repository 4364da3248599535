// explain times a job on its site's own fabric, not on a non-blocking one at the NICs' rate. On a
// torus of 10 GB/s links (four nodes in a ring) it said 2.030 s a step with no exposed gradient
// traffic, where the run gives 4.070 s; behind 8:1 uplinks, 2.030 s against 2.422 s.
import { describe, expect, it } from 'vitest';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (topology: string): string => `name: explain-fabric
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ name: h, count: 4, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 32, params: 7B, tokens: 1B, model: { recompute: selective, global_batch: 262144 }, layout: { tp: 8, pp: 1, dp: 4 } }
`;

describe('explain on the scenario fabric', () => {
  for (const [what, topology] of [
    ['a torus of 10 GB/s links', '{ kind: torus, dims: [1, 4], link_bandwidth: 10GB/s }'],
    ['leaves of one node behind 8:1 uplinks', '{ kind: leaf-spine, nodes_per_leaf: 1, oversubscription: 8 }'],
    ['a non-blocking leaf-spine', '{ kind: leaf-spine, nodes_per_leaf: 1, oversubscription: 1 }'],
  ] as const) {
    it(`gives the run's step on ${what}`, () => {
      const r = scenarioFromText(scenario(topology));
      const e = explainJob(r, 'j');
      const run = runToCsv(r).jobs[0]!;
      expect(e.step.step_s).toBeCloseTo(run.step_time_s as number, 3);
    });
  }

  // With pipeline stages the run shares the NICs between the rings and the stages' send/recv by
  // volume and routes the stages' pairs over the fabric; explain timed the pipeline at the NICs'
  // rate: 2.0% faster than the run behind 4:1 uplinks (tp 8 x pp 2 x dp 4), 4.2% on a torus of
  // 50 GB/s links, 3.9% with tp 8 x pp 8. It now times the job on the run's own pairs and flows.
  for (const [what, topology] of [
    ['4:1 uplinks', '{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 4 }'],
    ['a torus of 50 GB/s links', '{ kind: torus, dims: [2, 4], link_bandwidth: 50GB/s }'],
  ] as const) {
    for (const layout of ['tp: 8, pp: 2, dp: 4', 'tp: 4, pp: 4, dp: 4', 'tp: 8, pp: 8, dp: 1', 'tp: 2, cp: 2, pp: 2, dp: 8']) {
      it(`gives the run's step with pipeline stages (${layout}) behind ${what}`, () => {
        const r = scenarioFromText(`name: explain-pipeline
datacentres:
  - { name: dc, fabric: RoCE-400G, topology: ${topology}, node_groups: [{ name: h, count: 8, device: H100 }] }
workloads:
  - jobs:
      - { name: j, devices: 64, params: 13B, tokens: 1B, model: { attention: flash }, layout: { ${layout} } }
`);
        // To the last bits or so: the run's network solves the same flows among its other events.
        expect(explainJob(r, 'j').step.step_s).toBeCloseTo(runToCsv(r).jobs[0]!.step_time_s as number, 9);
      });
    }
  }

  it('says when the fabric gives the rings less than their NICs', () => {
    const r = scenarioFromText(scenario('{ kind: torus, dims: [1, 4], link_bandwidth: 10GB/s }'));
    const e = explainJob(r, 'j');
    // Each ring hop is one 10 GB/s link carrying a node's 8 ranks: 1.25 GB/s a rank.
    expect(e.fabric_note).toEqual({ datacentre: 'dc', ring_bytes_per_s: 1.25e9, nic_bytes_per_s: 46.5e9 });
    expect(explanationTable(e)).toContain("note: on dc's fabric the data-parallel rings get 1.25 GB/s per rank even alone, less than their NICs' 46.5 GB/s");
    expect(explainJob(scenarioFromText(scenario('{ kind: leaf-spine, nodes_per_leaf: 1 }')), 'j').fabric_note).toBeUndefined();
  });
});
