// The graph topology kind (an operator's own fabric: src/model/network/fabrics/graph.ts) by hand:
// shortest-hop routes with their tie-break, a leaf/spine written as a graph timing jobs exactly as
// the leaf-spine kind does, a shared link's max-min shares, refusals of graphs that cannot be built.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { graph } from '../src/model/network/fabrics/graph.js';
import { Topology } from '../src/model/network/topology.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const site = (topology: string, count: number, jobs = '      - { name: a, devices: 8, params: 1B, tokens: 1M }'): string => `name: graph
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
const refusal = (text: string): string => {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('graph', () => {
  // Two paths of two links from a to b, through x or y (listed first: x).
  const diamond = '{ kind: graph, switches: [a, b, x, y], attach: [a, a, b, b], links: [{ between: [a, x], bandwidth: 10GB/s }, { between: [a, y], bandwidth: 10GB/s }, { between: [x, b], bandwidth: 10GB/s }, { between: [y, b], bandwidth: 10GB/s }] }';

  it('routes by fewest switch hops, through the switch listed first on ties', () => {
    const { topo, cluster } = build(site(diamond, 4));
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!).slice(1, -1);
    expect(names(0, 1)).toEqual([]);
    expect(names(0, 2)).toEqual(['graph:dc:a->x', 'graph:dc:x->b']);
    expect(names(3, 1)).toEqual(['graph:dc:b->x', 'graph:dc:x->a']);
    const f = topo.nodeFabric[0]!;
    expect(topo.route(0, 2).latencyS).toBeCloseTo(f.endpoint_latency + 3 * f.hop_latency, 15);
    expect(topo.route(0, 1).latencyS).toBeCloseTo(f.endpoint_latency + f.hop_latency, 15);
    expect([...cluster.nodeLeaf]).toEqual([0, 0, 1, 1]);
    // Max-min: both pairs from a's nodes to b's go through x and share its 10 GB/s.
    const { network } = build(site(diamond, 4));
    const ids = [network.addFlow(topo.route(0, 2).links, Infinity, 0), network.addFlow(topo.route(1, 3).links, Infinity, 0)];
    for (const id of ids) expect(network.rate(id)).toBeCloseTo(5e9, 0);
    const expected = maxMinReference(topo.linkCapacityBytesPerS, [{ route: topo.route(0, 2).links }, { route: topo.route(1, 3).links }]);
    ids.forEach((id, i) => expect(network.rate(id) / expected[i]!).toBeCloseTo(1, 12));
  });

  it('a leaf/spine written as a graph times jobs as the leaf-spine kind does', () => {
    const mix = `      - { name: a, devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 16, params: 7B, tokens: 1B, submit: 10s, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 2 } }`;
    const jobs = (topology: string): string => runToCsv(scenarioFromText(`${site(topology, 8, mix)}placement: random-fit\n`)).jobsCsv;
    // Leaves of 2 nodes at 2:1: a leaf's uplink is one node's NIC total, 8 x 400 Gb/s x 0.93 = 372 GB/s.
    const leafSpine = jobs('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2 }');
    const up = (bw: string): string => [0, 1, 2, 3].map((l) => `{ between: [l${l}, spine], bandwidth: ${bw} }`).join(', ');
    const asGraph = (bw: string): string => `{ kind: graph, switches: [l0, l1, l2, l3, spine], attach: [l0, l0, l1, l1, l2, l2, l3, l3], links: [${up(bw)}] }`;
    expect(jobs(asGraph('372GB/s'))).toBe(leafSpine);
    expect(jobs(asGraph('100GB/s'))).not.toBe(leafSpine);
  });

  it('warns at a link no route takes while every link is up: equal-cost paths are not split, the switch listed first carries them', () => {
    const warnings = (text: string): string[] => scenarioFromText(text).warnings.filter((w) => w.path.includes('topology')).map((w) => `${w.path}: ${w.message}`);
    // Two spines of half a leaf's uplink each, as an operator would list them: every leaf-to-leaf
    // route goes through s0, s1's links carry nothing and the fabric runs at half its bisection.
    const leg = (l: string, s: string): string => `{ between: [${l}, ${s}], bandwidth: 186GB/s }`;
    const spines = `{ kind: graph, switches: [l0, l1, s0, s1], attach: [l0, l0, l1, l1], links: [${leg('l0', 's0')}, ${leg('l1', 's0')}, ${leg('l0', 's1')}, ${leg('l1', 's1')}] }`;
    const w = warnings(site(spines, 4));
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^datacentres\[0\]\.topology\.links\[2\]: link between 'l0' and 's1' carries no traffic while every link is up: .*listed first.*not split over equal-cost paths/);
    expect(w[1]).toMatch(/^datacentres\[0\]\.topology\.links\[3\]: link between 'l1' and 's1'/);
    // The diamond: x listed first carries a's and b's traffic, y's links none.
    expect(warnings(site(diamond, 4)).map((m) => m.split(':')[0])).toEqual(['datacentres[0].topology.links[1]', 'datacentres[0].topology.links[3]']);
    // One spine of the summed bandwidth: every link carries traffic, nothing to say.
    expect(warnings(site('{ kind: graph, switches: [l0, l1, s], attach: [l0, l0, l1, l1], links: [{ between: [l0, s], bandwidth: 372GB/s }, { between: [l1, s], bandwidth: 372GB/s }] }', 4))).toEqual([]);
    // No flow network: no link carries anything anyway.
    expect(warnings(site(spines, 4).replace('network: flow', 'network: ideal'))).toEqual([]);
  });

  it('groups the nodes of a large graph in one pass: 65,536 nodes on 1,024 switches load at once', () => {
    // Each node's group was found by scanning the attach list up to it (quadratic: 4,096 nodes on
    // 256 switches took 4.6 s per cluster built, this size hours).
    const switches = Array.from({ length: 1024 }, (_, i) => `l${i}`);
    const spec = graph.schema.parse({ kind: 'graph', switches, attach: switches.flatMap((l) => new Array<string>(64).fill(l)) });
    const started = performance.now();
    const groups = spec.attach.map((_, i) => graph.group(spec, i));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(groups[0]).toBe(0);
    expect(groups[63]).toBe(0);
    expect(groups[64]).toBe(1);
    expect(groups.at(-1)).toBe(1023);
  });

  it('refuses a graph that cannot be built, at its field', () => {
    const g = (attach: string, links: string, extra = ''): string => `{ kind: graph, switches: [a, b, c], attach: [${attach}], links: [${links}]${extra} }`;
    const ab = '{ between: [a, b], bandwidth: 10GB/s }';
    expect(refusal(site(g('a, a, b', ab), 4))).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.attach: expected one switch per node of the data centre \(4\), got 3/);
    expect(refusal(site(g('a, a, d', ab), 3))).toMatch(/topology\.attach: unknown switch 'd'; expected one of: a, b, c/);
    expect(refusal(site(g('a, b, a', ab), 3))).toMatch(/topology\.attach: switch 'a' appears again at node 2/);
    expect(refusal(site(g('a, a, c', ab), 3))).toMatch(/topology\.links: no path between switches 'a' and 'c'/);
    expect(refusal(site(g('a, b', `${ab}, { between: [b, a], bandwidth: 5GB/s }`), 2))).toMatch(/topology\.links: two links join 'b' and 'a'/);
    expect(refusal(site(g('a, b', `${ab}, { between: [c, c], bandwidth: 5GB/s }`), 2))).toMatch(/topology\.links: a link joins switch 'c' to itself/);
    expect(refusal(site(g('a, b', ab, ', border: z'), 2))).toMatch(/topology\.border: unknown switch 'z'/);
  });
});
