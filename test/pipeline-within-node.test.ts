// A pipeline whose stages share nodes sends across the interconnect at some boundaries and across
// the fabric at others, and moves at the slower boundary's pace (model/step-time.ts,
// pipelineAcrossAndWithin). On NVLink nodes the fabric is the slower and nothing changes; on nodes
// whose interconnect is slower than the fabric (PCIe-only) the interconnect decides. Before, any
// boundary that crossed nodes made the fabric the pipeline's only path: a 1 Gb/s interconnect left
// a 16-stage pipeline on two nodes (14 of its 15 boundaries inside a node) exactly as fast as NVLink.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (interconnect: string, layout: string): string => `name: pipeline-within-node
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: n, count: 2, device: H100 }
devices:
  H100: { interconnect: { bandwidth: ${interconnect} } }
workloads:
  - jobs:
      - name: gpt
        devices: 16
        params: 7B
        tokens: 4194304
        model: { layers: 32, hidden_size: 4096, heads: 32, seq_len: 4096, global_batch: 4194304, recompute: selective }
        layout: ${layout}
`;

const explained = (interconnect: string, layout: string) => explainJob(scenarioFromText(scenario(interconnect, layout)), 'gpt').step;
const ran = (interconnect: string, layout: string) => runToCsv(scenarioFromText(scenario(interconnect, layout))).jobs[0]!;

describe('a pipeline with boundaries inside nodes and across them', () => {
  const sixteenStages = '{ tp: 1, pp: 16, dp: 1 }';

  it('is paced by the interconnect where it is slower than the fabric (explain and run alike)', () => {
    const nvlink = explained('7200Gbps', sixteenStages);
    const pcie = explained('100Gbps', sixteenStages);
    const slow = explained('1Gbps', sixteenStages);
    // 1 Tb/s is still faster than the pipeline's share of the fabric: the fabric decides, as on NVLink.
    expect(explained('1Tbps', sixteenStages).exposed_pp_s).toBe(nvlink.exposed_pp_s);
    expect(pcie.exposed_pp_s).toBeGreaterThan(3 * nvlink.exposed_pp_s);
    // Bandwidth-bound: a hundredth of the bandwidth, about a hundred times the send/recv.
    const ratio = slow.exposed_pp_s / pcie.exposed_pp_s;
    expect(ratio).toBeGreaterThan(80);
    expect(ratio).toBeLessThan(200);
    // The run times the job the same way (alone on an idle fabric: the same step as explained).
    const runPcie = ran('100Gbps', sixteenStages);
    expect(runPcie.step_time_s).toBeCloseTo(pcie.step_s, 2);
    expect(runPcie.step_time_s).toBeGreaterThan(ran('7200Gbps', sixteenStages).step_time_s);
  });

  it('a pipeline whose every boundary crosses nodes keeps the fabric as its path, whatever the interconnect', () => {
    // Eight ranks a stage (tp 8): one stage a node, the one boundary between the nodes.
    const crossing = '{ tp: 8, pp: 2, dp: 1 }';
    expect(explained('100Gbps', crossing).exposed_pp_s).toBe(explained('7200Gbps', crossing).exposed_pp_s);
  });
});
