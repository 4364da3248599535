// Traffic to other sites leaves and enters a site at its top tier, the highest tier its fabric
// builds (as its bill of materials and its failable components count them): a route to another
// site crosses the switches from the node's first switch up to that tier, and nothing above it. By
// hand, for every registered kind at a degenerate size (one leaf, one pod, one group, one node, one
// switch) and a normal one: the switch hops up and down (read back from route latency) and the
// fabric links crossed. src/model/network/fabrics/*.ts up() and down(), topology.ts survivingRoute.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { topologyKinds } from '../src/model/network/fabrics/registry.js';
import { Topology } from '../src/model/network/topology.js';
import type { JobRow } from '../src/sim/metrics.js';
import { simulate } from '../src/sim/simulation.js';
import { repoPath, scenarioFromText } from './helpers.js';

// West is one node under a graph of one switch (its top tier: 1 switch up, none down), whatever the fix.
const scenario = (topology: string, nodes: number): string => `name: hops
network: flow
datacentres:
  - { name: east, fabric: IB-NDR, topology: ${topology}, node_groups: [{ count: ${nodes}, device: H100 }] }
  - { name: west, fabric: IB-NDR, topology: { kind: graph, switches: [w], attach: [w], links: [] }, node_groups: [{ count: 1, device: H100 }] }
links:
  - { name: wan, between: [east, west], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
`;

const leafSpine = '{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }';
const fatTree = '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, leaf_oversubscription: 2, pod_oversubscription: 2 }';
const rails = '{ kind: rail-optimized, nodes_per_group: 2, oversubscription: 2 }';
const torus = (dims: string): string => `{ kind: torus, dims: ${dims}, link_bandwidth: 10GB/s }`;
const dragonfly = '{ kind: dragonfly, nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 10GB/s, global_bandwidth: 10GB/s }';
const oneSwitch = '{ kind: graph, switches: [a], attach: [a], links: [] }';
const graph = '{ kind: graph, switches: [a, b, c], attach: [a, a, b], links: [{ between: [a, b], bandwidth: 10GB/s }, { between: [b, c], bandwidth: 10GB/s }] }';

// [kind, topology, east's nodes, east node, switches up to the top tier (top included), below it down, fabric links up].
const cases: [string, string, number, number, number, number, string[]][] = [
  // One leaf: the leaf is the top. Two leaves: leaf, spine up; leaf down.
  ['leaf-spine', leafSpine, 3, 0, 1, 0, []],
  ['leaf-spine', leafSpine, 5, 4, 2, 1, ['leaf-up:east:1']],
  // One leaf: the leaf. One pod of two leaves: leaf, aggregation (no core). Two pods: leaf, aggregation, core.
  ['fat-tree', fatTree, 2, 1, 1, 0, []],
  ['fat-tree', fatTree, 3, 2, 2, 1, ['leaf-up:east:1']],
  ['fat-tree', fatTree, 5, 4, 3, 2, ['leaf-up:east:2', 'pod-up:east:1']],
  // One group: its rail leaves. Two groups: rail leaf, spine.
  ['rail-optimized', rails, 2, 1, 1, 0, []],
  ['rail-optimized', rails, 3, 2, 2, 1, ['rail-up:east:1']],
  // No switches: the data centre network switch the NICs reach, one up, none down.
  ['torus', torus('[1, 1]'), 1, 0, 1, 0, []],
  ['torus', torus('[2, 2]'), 4, 3, 1, 0, []],
  // Flat: every router reaches the border itself.
  ['dragonfly', dragonfly, 1, 0, 1, 0, []],
  ['dragonfly', dragonfly, 6, 5, 1, 0, []],
  // The border is the last switch: from a node on a, a b c up, b a down; on b, b c up, b down.
  ['graph', oneSwitch, 1, 0, 1, 0, []],
  ['graph', graph, 3, 0, 3, 2, ['graph:east:a->b', 'graph:east:b->c']],
  ['graph', graph, 3, 2, 2, 1, ['graph:east:b->c']],
];

describe('routes to other sites climb to the top tier a site builds, no higher', () => {
  it('covers every registered kind', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(topologyKinds().map((k) => k.kind)));
  });

  for (const [kind, topology, nodes, node, up, down, links] of cases) {
    it(`${kind} ${topology} over ${nodes} node(s), from node ${node}: ${up} up, ${down} down`, () => {
      const resolved = scenarioFromText(scenario(topology, nodes));
      const topo = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
      const f = topo.nodeFabric[0]!;
      const west = nodes; // west's one node follows east's
      // Out: east's switches up, then border, long-haul and west's top (its one switch), none below it.
      const out = topo.route(node, west);
      const hopsOut = (out.latencyS - f.endpoint_latency - 1e-3) / f.hop_latency;
      expect(hopsOut).toBeCloseTo(up + 3, 6);
      // In: west's switch up, border, long-haul and east's top tier, then east's switches below it.
      const back = topo.route(west, node);
      expect((back.latencyS - f.endpoint_latency - 1e-3) / f.hop_latency).toBeCloseTo(1 + 3 + down, 6);
      // The window cap's round trip is the same latency (none set here: no cap).
      expect(out.connectionCapBytesPerS).toBe(Infinity);
      // The fabric links crossed: between the NIC uplink and the long-haul link.
      const names = out.links.map((l) => topo.linkNames[l]!);
      expect(names.slice(1, -2)).toEqual(links);
    });
  }
});

describe('a lone leaf has no uplink to cap traffic to other sites', () => {
  // two-dc-latency's sites are one leaf of 4 nodes each (8 x 400G NICs a node); with a 12.8 Tb/s
  // long-haul link the NICs bound the two flows that cross it. At oversubscription 8 the leaf's
  // uplink, were it there, would be 4 x 3.2 Tb/s / 8 = 1.6 Tb/s, half a node's NICs: before, the
  // step took 10.18214 s at 8:1 against 10.16526 s at 1:1. The bill has no such uplink (no spine).
  const stepS = (oversubscription: number): number => {
    const text = readFileSync(repoPath('scenarios/two-dc-latency.yaml'), 'utf8')
      .replaceAll('    fabric: IB-NDR\n', `    fabric: IB-NDR\n    oversubscription: ${oversubscription}\n`)
      .replace('latency: 1ms, bandwidth: 400Gbps', 'latency: 1ms, bandwidth: 12800Gbps');
    const jobs: JobRow[] = [];
    simulate(scenarioFromText(text), { jobSink: (r) => jobs.push(r) });
    return jobs[0]!.step_time_s;
  };

  it('the step time is the same at 8:1 as at 1:1', () => {
    expect(stepS(8)).toBe(stepS(1));
  });
});
