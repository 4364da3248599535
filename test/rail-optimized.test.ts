// The rail-optimized topology kind (src/model/network/fabrics/rail-optimized.ts), checked by hand:
// routes and capacities, max-min shares across an oversubscribed rail group, placement by rail
// group, and its equivalence in the flow model to a leaf-spine whose leaf is the whole rail group
// (with PXN no byte between two nodes of a group reaches the spine).
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { Topology } from '../src/model/network/topology.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const site = (topology: string, count = 8, jobs = '      - { name: a, devices: 8, params: 1B, tokens: 1M }'): string => `name: rails
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: ${count}, device: H100 }]
workloads:
  - jobs:
${jobs}
`;

const build = (text: string): { topo: Topology; network: FlowNetwork; cluster: Cluster } => {
  const resolved = scenarioFromText(text);
  const network = new FlowNetwork();
  const cluster = new Cluster(resolved.shape);
  return { topo: new Topology(cluster, network, resolved.interDc), network, cluster };
};

function refusal(text: string): string {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('rail-optimized', () => {
  it('routes: within a rail group 1 hop on the rail leaves, across groups 3 through the group links', () => {
    const { topo, cluster } = build(site('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 2 }', 10));
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!);
    const hopS = topo.nodeFabric[0]!.hop_latency;
    const endS = topo.nodeFabric[0]!.endpoint_latency;
    expect(names(0, 3)).toEqual(['nic-up:dc-H100-0:0', 'nic-down:dc-H100-0:3']);
    expect(topo.route(0, 3).latencyS).toBeCloseTo(endS + hopS, 15);
    expect(names(3, 4)).toEqual(['nic-up:dc-H100-0:3', 'rail-up:dc:0', 'rail-down:dc:1', 'nic-down:dc-H100-0:4']);
    expect(topo.route(3, 4).latencyS).toBeCloseTo(endS + 3 * hopS, 15);
    expect(names(9, 0)).toEqual(['nic-up:dc-H100-0:9', 'rail-up:dc:2', 'rail-down:dc:0', 'nic-down:dc-H100-0:0']);
    // A group's uplink: its nodes' NIC total (8 x 400 Gb/s x 0.93 each) / 2; the last group has 2 nodes.
    const nic = 8 * 50e9 * 0.93;
    expect(topo.nodeNicBytesPerS[0]).toBeCloseTo(nic, 3);
    const cap = (name: string): number => topo.linkCapacityBytesPerS[topo.linkNames.indexOf(name)]!;
    expect(cap('rail-up:dc:0')).toBeCloseTo((4 * nic) / 2, 3);
    expect(cap('rail-down:dc:1')).toBeCloseTo((4 * nic) / 2, 3);
    expect(cap('rail-up:dc:2')).toBeCloseTo((2 * nic) / 2, 3);
    // Placement groups are the rail groups.
    expect([...cluster.nodeLeaf]).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
  });

  it('max-min by hand: two flows across a 4:1 group uplink get a quarter of a NIC each, a flow within the group the rest', () => {
    // Groups of 2 nodes at 4:1: a group's uplink is 2 NICs / 4 = half a node's NIC total.
    const { topo, network } = build(site('{ kind: rail-optimized, nodes_per_group: 2, oversubscription: 4 }', 4));
    const nic = topo.nodeNicBytesPerS[0]!;
    const across1 = network.addFlow(topo.route(0, 2).links, Infinity, 0);
    const across2 = network.addFlow(topo.route(1, 3).links, Infinity, 0);
    const within = network.addFlow(topo.route(0, 1).links, Infinity, 0);
    expect(network.rate(across1) / nic).toBeCloseTo(0.25, 12);
    expect(network.rate(across2) / nic).toBeCloseTo(0.25, 12);
    // Node 0's NIC uplink carries across1 and within: within takes what across1 leaves.
    expect(network.rate(within) / nic).toBeCloseTo(0.75, 12);
    const routes = [topo.route(0, 2).links, topo.route(1, 3).links, topo.route(0, 1).links];
    const expected = maxMinReference(topo.linkCapacityBytesPerS, routes.map((route) => ({ route })));
    [across1, across2, within].forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 12));
  });

  // A mix with gangs of 1 to 4 nodes, so placement and the group uplinks both matter.
  const mix = `      - { name: a, devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 24, params: 7B, tokens: 1B, submit: 10s, model: { global_batch: 64K } }
      - { name: c, devices: 16, params: 7B, tokens: 1B, submit: 20s, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 2 } }
      - { name: d, devices: 32, params: 13B, tokens: 1B, submit: 30s, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }`;
  const jobsOf = (topology: string, placement = 'topology-aware'): string =>
    runToCsv(scenarioFromText(`${site(topology, 12, mix)}placement: ${placement}\n`)).jobsCsv;

  it('in the flow model a rail group is one non-blocking leaf: the same jobs as a leaf-spine with leaves of a group, either plane count', () => {
    const leafSpine = jobsOf('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4 }');
    expect(jobsOf('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 4 }')).toBe(leafSpine);
    expect(jobsOf('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 4, planes: 2 }')).toBe(leafSpine);
    // ...and not the same as another grouping, so the comparison can fail.
    expect(jobsOf('{ kind: rail-optimized, nodes_per_group: 3, oversubscription: 4 }')).not.toBe(leafSpine);
  });

  it('topology-aware placement keeps a gang in one rail group; the group uplinks cost a scattered gang', () => {
    const rows = (topology: string, placement: string): Record<string, string>[] => {
      const [header, ...lines] = jobsOf(topology, placement).trim().split('\n');
      const cols = header!.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
    };
    const t = '{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 8 }';
    const aware = rows(t, 'topology-aware');
    // a and d (4 nodes each) fit a rail group and are kept in one; their gradients never cross a group uplink.
    for (const job of ['a', 'd']) expect(aware.find((r) => r.job_id === job)!.placement_span).toBe('leaf');
    const flat = rows('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 1 }', 'topology-aware');
    expect(aware.find((r) => r.job_id === 'a')!.step_time_s).toBe(flat.find((r) => r.job_id === 'a')!.step_time_s);
    // Leaf-blind placement spreads some gang over two groups, and the 8:1 uplinks slow it.
    const blind = rows(t, 'random-fit');
    const blindFlat = rows('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 1 }', 'random-fit');
    const spread = blind.filter((r) => r.placement_span === 'dc');
    expect(spread.length).toBeGreaterThan(0);
    for (const r of spread) expect(Number(r.step_time_s)).toBeGreaterThan(Number(blindFlat.find((f) => f.job_id === r.job_id)!.step_time_s) * 1.01);
  });

  it('refuses impossible blocks with file, line and field', () => {
    const planes = refusal(site('{ kind: rail-optimized, planes: 3 }'));
    expect(planes).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.planes/);
    expect(refusal(site('{ kind: rail-optimized, nodes_per_group: 0 }'))).toMatch(/datacentres\[0\]\.topology\.nodes_per_group/);
    expect(refusal(site('{ kind: rail-optimized, oversubscription: 0.5 }'))).toMatch(/topology\.oversubscription: expected a value in \[1, 1000\]/);
    expect(refusal(site('{ kind: rail-optimized, nodes_per_leaf: 4 }'))).toMatch(/topology\.nodes_per_leaf: unknown key 'nodes_per_leaf'/);
  });
});
