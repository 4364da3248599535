// The dragonfly topology kind (src/model/network/fabrics/dragonfly.ts) by hand: minimal routes over
// local and global links, a shared global link's max-min shares, its bill of materials, a job that
// slows as the global links narrow, refusals. The contract suite over every kind covers the rest.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { fabricCost } from '../src/model/network/fabric-cost.js';
import { Topology } from '../src/model/network/topology.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const site = (t: string, count = 6, jobs = '      - { name: a, devices: 8, params: 1B, tokens: 1M }'): string => `name: dragonfly
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: dragonfly, ${t} }
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

describe('dragonfly', () => {
  // One node per router, groups of two routers, three groups: r0 r1 | r2 r3 | r4 r5. Group g's
  // global link to its k-th other group is on router 2g + k mod 2.
  const t = 'nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 30GB/s, global_bandwidth: 20GB/s';

  it('routes: a local hop to the gateway, the global link, a local hop from where it lands', () => {
    const { topo, cluster } = build(site(t));
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!).slice(1, -1);
    const f = topo.nodeFabric[0]!;
    const hops = (a: number, b: number): number => Math.round((topo.route(a, b).latencyS - f.endpoint_latency) / f.hop_latency);
    // Within a group: the local link (two routers).
    expect(names(0, 1)).toEqual(['local:dc:0->1']);
    expect(hops(0, 1)).toBe(2);
    // r1 to r3: group 0's link to group 1 is on r0, group 1's to group 0 on r2.
    expect(names(1, 3)).toEqual(['local:dc:1->0', 'global:dc:0->1', 'local:dc:2->3']);
    expect(hops(1, 3)).toBe(4);
    // r0 to r2: gateway and landing router are the endpoints' own.
    expect(names(0, 2)).toEqual(['global:dc:0->1']);
    expect(hops(0, 2)).toBe(2);
    // r1 holds group 0's link to group 2 (its second other group), which lands on r4.
    expect(names(1, 4)).toEqual(['global:dc:0->2']);
    // r5 to r0: group 2's link to group 0 is on r4; it lands on r1 (group 0's link to group 2).
    expect(names(5, 0)).toEqual(['local:dc:5->4', 'global:dc:2->0', 'local:dc:1->0']);
    expect(hops(5, 0)).toBe(4);
    expect(topo.linkCapacityBytesPerS[topo.linkNames.indexOf('global:dc:0->1')]).toBe(20e9);
    expect(topo.linkCapacityBytesPerS[topo.linkNames.indexOf('local:dc:2->3')]).toBe(30e9);
    // Placement groups are routers.
    expect([...cluster.nodeLeaf]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('unbalanced sizes (a last router and a last group short): every route is minimal, local, global, local', () => {
    // 25 nodes, 2 per router, 3 routers a group: 13 routers (the last with one node), 5 groups (the
    // last of one router); 13 nodes one per router in groups of 4 (the last group one router).
    for (const [count, perRouter, perGroup] of [[25, 2, 3], [13, 1, 4], [7, 2, 3]] as const) {
      const { topo } = build(site(`nodes_per_router: ${perRouter}, routers_per_group: ${perGroup}, local_bandwidth: 30GB/s, global_bandwidth: 20GB/s`, count));
      const routers = Math.ceil(count / perRouter);
      const groups = Math.ceil(routers / perGroup);
      let locals = 0;
      for (let g = 0; g < groups; g++) locals += Math.min(perGroup, routers - g * perGroup) * (Math.min(perGroup, routers - g * perGroup) - 1);
      expect(topo.linkNames.filter((n) => n.startsWith('local:')).length).toBe(locals);
      expect(topo.linkNames.filter((n) => n.startsWith('global:')).length).toBe(groups * (groups - 1));
      const groupOf = (router: number): number => Math.floor(router / perGroup);
      for (let a = 0; a < count; a++) {
        for (let b = 0; b < count; b++) {
          if (a === b) continue;
          const ra = Math.floor(a / perRouter);
          const rb = Math.floor(b / perRouter);
          const names = topo.route(a, b).links.slice(1, -1).map((l) => topo.linkNames[l]!);
          // At most a local hop, the global link between the two groups (when they differ), a local hop.
          expect(names.length, `${a}->${b}`).toBeLessThanOrEqual(groupOf(ra) === groupOf(rb) ? 1 : 3);
          expect(names.filter((n) => n.startsWith('global:'))).toEqual(groupOf(ra) === groupOf(rb) ? [] : [`global:dc:${groupOf(ra)}->${groupOf(rb)}`]);
          // Contiguous from a's router to b's: each local hop leaves the router the last one reached.
          let at = ra;
          for (const n of names) {
            const [from, to] = n.split(':')[2]!.split('->').map(Number) as [number, number];
            if (n.startsWith('local:')) {
              expect(from).toBe(at);
              at = to;
            } else {
              // Lands on the router of group `to` holding its link to group `from`: its k-th other group's is on router k mod its routers.
              const inTo = Math.min(perGroup, routers - to * perGroup);
              at = to * perGroup + ((from < to ? from : from - 1) % inTo);
            }
          }
          expect(at).toBe(rb);
        }
      }
    }
  });

  it('max-min by hand: two flows over one global link get half of it each; the reference agrees', () => {
    const { topo, network } = build(site(t));
    const pairs: [number, number][] = [
      [0, 2],
      [1, 3],
      [4, 5],
    ];
    const ids = pairs.map(([a, b]) => network.addFlow(topo.route(a, b).links, Infinity, 0));
    expect(network.rate(ids[0]!)).toBeCloseTo(10e9, 0);
    expect(network.rate(ids[1]!)).toBeCloseTo(10e9, 0);
    // Within group 2: its local link alone.
    expect(network.rate(ids[2]!)).toBeCloseTo(30e9, 0);
    const expected = maxMinReference(topo.linkCapacityBytesPerS, pairs.map(([a, b]) => ({ route: topo.route(a, b).links })));
    ids.forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 12));
  });

  it('bill: per router its NICs, a local port group per other router, its share of the global ones', () => {
    // Local links one NDR port (46.5 GB/s usable), global two. Per router 8 + 1 + 2 ports: one
    // switch each; links: 48 NICs, 3 local pairs x 1 port, 3 group pairs x 2 ports.
    const c = fabricCost(new Cluster(scenarioFromText(site('nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 46.5GB/s, global_bandwidth: 93GB/s')).shape))!;
    expect([c.switches, c.cables, c.transceivers]).toEqual([6, 57, 114]);
  });

  it("a job's step time follows the global bandwidth when its nodes are in two groups", () => {
    const job = (bw: string): number => {
      const text = site(`nodes_per_router: 1, routers_per_group: 1, local_bandwidth: 100GB/s, global_bandwidth: ${bw}`, 2, '      - { name: a, devices: 16, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 2 } }');
      return runToCsv(scenarioFromText(text)).jobs[0]!.step_time_s;
    };
    expect(job('5GB/s')).toBeGreaterThan(job('200GB/s') * 1.05);
  });

  it('refuses impossible blocks with file, line and field', () => {
    const refusal = (text: string): string => {
      try {
        scenarioFromText(text);
      } catch (e) {
        if (e instanceof InputError) return e.message;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(site('nodes_per_router: 1, routers_per_group: 0, local_bandwidth: 1GB/s, global_bandwidth: 1GB/s'))).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.routers_per_group/);
    expect(refusal(site('nodes_per_router: 1, routers_per_group: 2, global_bandwidth: 1GB/s'))).toMatch(/datacentres\[0\]\.topology\.local_bandwidth/);
    expect(refusal(site('nodes_per_router: 1, routers_per_group: 2, local_bandwidth: 0GB/s, global_bandwidth: 1GB/s'))).toMatch(/topology\.local_bandwidth/);
  });
});
