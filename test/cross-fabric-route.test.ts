// A route between data centres on different fabrics (IB at one, RoCE at the other, joined by a
// long-haul link) pays each site's own switch latency along the way and the lossiest fabric's
// congestion, whichever end sends: src/model/network/topology.ts survivingRoute.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { Topology } from '../src/model/network/topology.js';
import { scenarioFromText } from './helpers.js';

const pool = (fabricA: string, fabricB: string): string => `name: xf
network: flow
datacentres:
  - { name: a, fabric: ${fabricA}, node_groups: [{ name: ga, count: 2, device: H100 }] }
  - { name: b, fabric: ${fabricB}, node_groups: [{ name: gb, count: 2, device: H100 }] }
links:
  - { name: lh, between: [a, b], latency: 10us, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: j, devices: 16, params: 1B, tokens: 100M, model: { global_batch: 64K, heads: 16 }, layout: { tp: 8, pp: 1, dp: 2 } }
`;
const topology = (text: string): Topology => {
  const resolved = scenarioFromText(text);
  return new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
};

describe('routes across fabrics', () => {
  it('sum each site\'s switch latency, the same both ways; one fabric keeps its hops x hop latency', () => {
    // IB-NDR: hop 150 ns, endpoint 0.47 us; RoCE-400G: hop 600 ns, endpoint 0.8 us. Leaf-spine
    // sites of one leaf each (2 nodes; the leaf is the top tier, no spine): a's leaf, border and
    // long-haul (the mean of the two sites'), b's leaf: 2 x 150 + 2 x 600 ns; endpoints (0.47 + 0.8) / 2 us;
    // 10 us of fibre. (Before, each site counted a spine it does not build: 3 x 150 + 3 x 600 ns.)
    const mixed = topology(pool('IB-NDR', 'RoCE-400G'));
    const want = 10e-6 + 2 * 150e-9 + 2 * 600e-9 + (0.47e-6 + 0.8e-6) / 2;
    // Before, a's fabric priced every hop: 11.37 us from the IB side, 14.4 us from the RoCE side.
    expect(mixed.route(0, 2).latencyS).toBeCloseTo(want, 15);
    expect(mixed.route(2, 0).latencyS).toBeCloseTo(want, 15);
    // Within a site (one leaf: one switch) its own fabric alone.
    expect(mixed.route(0, 1).latencyS).toBeCloseTo(0.47e-6 + 150e-9, 15);
    expect(mixed.route(2, 3).latencyS).toBeCloseTo(0.8e-6 + 600e-9, 15);
    const ib = topology(pool('IB-NDR', 'IB-NDR'));
    expect(ib.route(0, 2).latencyS).toBeCloseTo(0.47e-6 + 4 * 150e-9 + 10e-6, 15);
  });

  it("congestion: RoCE's anywhere on the route, whichever end sends", () => {
    const mixed = topology(pool('IB-NDR', 'RoCE-400G'));
    expect(mixed.route(0, 2).fabric.congestion_efficiency).toBe(0.85);
    expect(mixed.route(2, 0).fabric.congestion_efficiency).toBe(0.85);
    expect(mixed.route(0, 1).fabric.congestion_efficiency).toBe(1);
  });
});
