// Topology-aware placement reads the cluster's per-leaf and per-site free counts (placeByIndex:
// leaves picked by count, a site's leaves ordered by sorted keys and its whole nodes taken leaf by
// leaf); with an `accept` filter it scans the nodes and sorts them with comparators instead. Over
// random pools (several sites, leaf-spine and fat-tree fabrics, nodes of 4 and 8 devices) and
// random busy states, both give the same placement, node for node and count for count.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../src/model/cluster.js';
import { topologyAwarePlacement } from '../src/policy/topology-aware.js';
import { SimJob } from '../src/sim/sim-job.js';
import { scenarioFromText } from './helpers.js';

const SIZES = [2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 64, 96, 128];

const site = fc.record({
  fabric: fc.constantFrom('{ kind: leaf-spine, nodes_per_leaf: 2 }', '{ kind: leaf-spine, nodes_per_leaf: 4 }', '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2 }'),
  groups: fc.array(fc.record({ count: fc.integer({ min: 1, max: 12 }), perNode: fc.constantFrom(4, 8) }), { minLength: 1, maxLength: 2 }),
});

function scenario(sites: { fabric: string; groups: { count: number; perNode: number }[] }[]): string {
  const dcs = sites
    .map(
      (s, i) => `  - name: dc${i}
    fabric: IB-NDR
    topology: ${s.fabric}
    node_groups:
${s.groups.map((g, k) => `      - { name: g${i}-${k}, count: ${g.count}, device: H100, devices_per_node: ${g.perNode} }`).join('\n')}`,
    )
    .join('\n');
  // Gangs the pool could hold (the loader refuses larger ones).
  const total = sites.reduce((a, s) => a + s.groups.reduce((b, g) => b + g.count * g.perNode, 0), 0);
  const jobs = SIZES.filter((d) => d <= total).map((d) => `      - { name: j${d}, devices: ${d}, device_kinds: [H100], duration: 1h }`).join('\n');
  const links = sites.length > 1 ? `links:\n${sites.slice(1).map((_, i) => `  - { between: [dc${i}, dc${i + 1}], latency: 1ms, bandwidth: 400Gbps }`).join('\n')}\n` : '';
  return `name: index
seed: 1
datacentres:
${dcs}
${links}workloads:
  - jobs:
${jobs}
policy: fifo
placement: topology-aware
`;
}

describe('topology-aware placement by index', () => {
  it('places as the node scan does, on random pools and busy states (property)', () => {
    fc.assert(
      fc.property(fc.array(site, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat(8)), { maxLength: 60 }), (sites, busy) => {
        const r = scenarioFromText(scenario(sites));
        const cluster = new Cluster(r.shape);
        for (const [n0, k] of busy) {
          const n = n0 % cluster.nodeCount;
          const take = Math.min(k, cluster.nodeFree[n]!);
          if (take > 0) cluster.allocateWhole(n, take, []);
        }
        r.jobs.forEach((t, i) => {
          const job = new SimJob(i, t, 0);
          const byIndex = topologyAwarePlacement(job, cluster);
          const byScan = topologyAwarePlacement(job, cluster, () => true);
          expect(byIndex ? { nodes: [...byIndex.nodes], counts: [...byIndex.counts] } : undefined).toEqual(byScan ? { nodes: [...byScan.nodes], counts: [...byScan.counts] } : undefined);
        });
      }),
      { numRuns: 150, seed: 13 },
    );
  });
});
