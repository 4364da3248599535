// Topology-aware placement on topologies with pods (fat-tree pods, dragonfly groups): a gang larger
// than a leaf stays below the core, in one pod, when one pod can hold it; jobs.csv says 'pod'.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { topologyAwarePlacement } from '../src/policy/topology-aware.js';
import { SimJob } from '../src/sim/sim-job.js';
import { placementSpan } from '../src/sim/metrics.js';
import { runToCsv, scenarioFromText } from './helpers.js';

/** 8 nodes of 8 H100: leaves of 2 nodes; `topology` decides the pods. */
const scenario = (topology: string, devices = 24): string => `name: pods
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups:
      - { name: h100, count: 8, device: H100 }
workloads:
  - jobs:
      - { name: gang, devices: ${devices}, device_kinds: [H100], duration: 1h }
policy: fifo
placement: topology-aware
`;

const FAT_TREE = '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, pod_oversubscription: 4 }';

/** The cluster with whole nodes taken, and the gang's placement on it (both the index and the scan route). */
function placeWith(topology: string, busy: readonly number[]): { nodes: number[]; scanNodes: number[]; cluster: Cluster } {
  const r = scenarioFromText(scenario(topology));
  const cluster = new Cluster(r.shape);
  for (const n of busy) cluster.allocateWhole(n, 8, []);
  const job = new SimJob(0, r.jobs[0]!, 0);
  const p = topologyAwarePlacement(job, cluster)!;
  // With an `accept` filter the policy scans the nodes instead of reading the per-leaf counts.
  const scan = topologyAwarePlacement(job, cluster, () => true)!;
  return { nodes: [...p.nodes].sort((a, b) => a - b), scanNodes: [...scan.nodes].sort((a, b) => a - b), cluster };
}

describe('pod-aware topology-aware placement', () => {
  it('keeps a three-node gang in one pod where the freest leaves are in two pods', () => {
    // Pods {0,1,2,3} and {4,5,6,7}; leaves {0,1} {2,3} {4,5} {6,7}. Nodes 1 and 5 busy: the freest
    // leaves are {2,3} and {6,7}, in different pods; each pod still holds three free nodes.
    const { nodes, scanNodes, cluster } = placeWith(FAT_TREE, [1, 5]);
    expect(nodes).toEqual([0, 2, 3]);
    expect(scanNodes).toEqual(nodes);
    expect(placementSpan(cluster, nodes)).toBe('pod');
  });

  it('without pods (leaf-spine with the same leaves) the freest leaves win, across what would be pods', () => {
    const { nodes, scanNodes, cluster } = placeWith('{ kind: leaf-spine, nodes_per_leaf: 2 }', [1, 5]);
    expect(nodes).toEqual([2, 3, 6]);
    expect(scanNodes).toEqual(nodes);
    expect(placementSpan(cluster, nodes)).toBe('dc');
  });

  it('a dragonfly group is a pod', () => {
    const { nodes, cluster } = placeWith('{ kind: dragonfly, nodes_per_router: 2, routers_per_group: 2, local_bandwidth: 50GB/s, global_bandwidth: 25GB/s }', [1, 5]);
    expect(nodes).toEqual([0, 2, 3]);
    expect(placementSpan(cluster, nodes)).toBe('pod');
  });

  it('a fat tree of one pod reports spans as the leaf-spine does (the pod is the site)', () => {
    const { nodes, cluster } = placeWith('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 4 }', [1, 5]);
    expect(placementSpan(cluster, nodes)).toBe('dc');
  });

  it("jobs.csv's placement_span says pod, and below an oversubscribed core the gang's ring is faster than across pods", () => {
    const span = (topology: string): { span: string; finish: number } => {
      const jobs = runToCsv(scenarioFromText(scenario(topology, 32).replace('duration: 1h', 'params: 7B, tokens: 2B, model: { global_batch: 262144 }, layout: { tp: 8, pp: 1, dp: 4 }'))).jobs;
      return { span: String(jobs[0]!.placement_span), finish: Number(jobs[0]!.finish_s) };
    };
    const inPod = span('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 4, pod_oversubscription: 4 }');
    const acrossPods = span('{ kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 2, pod_oversubscription: 4 }');
    expect(inPod.span).toBe('dc'); // one pod of four leaves: the site
    expect(acrossPods.span).toBe('dc'); // four nodes cannot fit a two-node pod
    const fits = span('{ kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 4, pod_oversubscription: 4 }');
    expect(fits.span).toBe('pod');
    expect(fits.finish).toBeLessThan(acrossPods.finish);
  });
});
