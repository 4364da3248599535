// The automatic layout's search times cross-node traffic on the fabric the run gives the nodes:
// the site's `fabric`, else the device kind's usual one (network/topology.ts nodeFabricPreset).
// Before, a site that named no fabric left the search without a scale-out path, so it timed
// data-parallel and pipeline traffic between nodes on NVLink (900 GB/s) and picked another
// layout than for the same pool with its fabric named: 175B on 128 H100 took tp1 pp1 dp16 cp8
// (comm 27% of the step) where IB-NDR named gives tp1 pp4 dp4 cp8 (12%).
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (fabric: string): string => `name: site-fabric
seed: 1
datacentres:
  - name: dc
${fabric}    node_groups: [{ name: g, count: 16, device: H100 }]
workloads:
  - jobs:
      - { name: c, devices: 128, params: 175B, tokens: 100M, model: { global_batch: 512K, recompute: selective } }
`;

describe('automatic layout on a site without a named fabric', () => {
  it("is the layout of the same pool with the kind's usual fabric named (H100: IB-NDR), with the same step", () => {
    const unnamed = runToCsv(scenarioFromText(pool(''))).jobs[0]!;
    const named = runToCsv(scenarioFromText(pool('    fabric: IB-NDR\n'))).jobs[0]!;
    expect(unnamed.layout).toBe(named.layout);
    expect(unnamed.step_time_s).toBe(named.step_time_s);
  });
});
