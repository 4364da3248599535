// A job's ranks drive only their own NIC rails (GPU i sends on rail i, as NCCL binds a GPU to its
// nearest NIC and rail-optimised fabrics wire rail i to leaf i): a job holding part of each of its
// nodes gets that part of their NICs, however idle the rest are (Topology.jobFlowCapBytesPerS).
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (groups: string, jobs: string): string => `name: rails
network: flow
placement: random-fit
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: leaf-spine, nodes_per_leaf: 1 }
    node_groups: ${groups}
workloads:
  - jobs:
${jobs}
`;
// 12 data-parallel ranks, the gradient reduction exposed (dp_overlap 0) so that its bandwidth shows.
const job = '      - { name: c, devices: 12, params: 1B, tokens: 200M, model: { global_batch: 49152 }, layout: { tp: 1, pp: 1, dp: 12, dp_overlap: 0 } }';
const row = (csv: string): string => csv.split('\n').find((l) => l.startsWith('c,'))!;

describe("a job's flows", () => {
  it('carry what the rails of its ranks carry: 3 ranks on each of four 8-GPU, 8-NIC nodes run as on 3-GPU, 3-NIC nodes', () => {
    // Five GPUs of every node held by jobs without traffic (a run time alone): the job is placed 3 per node.
    const held = [0, 1, 2, 3].map((i) => `      - { name: x${i}, devices: 5, duration: 100h, reference_device: H100 }`).join('\n');
    const shared = runToCsv(scenarioFromText(pool('[{ count: 4, device: H100 }]', `${held}\n${job}`))).jobsCsv;
    const own = runToCsv(scenarioFromText(pool('[{ count: 4, device: H100, devices_per_node: 3, nics: 3 }]', job))).jobsCsv;
    expect(row(shared).split(',').slice(3, 5)).toEqual(['0', row(own).split(',')[4]]);
    // Its ranks' 3 rails of 46.5 GB/s, not the idle node's 8: 851 s (849.67 s before the word embedding's
    // gradient was charged; 841 s, ECR 12.0%, before the 16-bit GEMM tile's fixed cost of 160 of K; 8
    // rails then gave 787 s, 12.9%).
    expect(Number(row(shared).split(',')[4])).toBeCloseTo(851.26, 1);
    expect(row(shared)).toBe(row(own));
  });
});
