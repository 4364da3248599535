// Topology kinds (src/model/network/fabrics/): a data centre's `topology:` block chooses its switch
// fabric. The leaf-spine block is today's fabric under a new name (the same bytes as the data
// centre's own nodes_per_leaf / oversubscription), and every kind's routes are checked by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { Topology } from '../src/model/network/topology.js';
import { fabricKind, topologyKinds } from '../src/model/network/fabrics/registry.js';
import { InputError } from '../src/scenario/errors.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';
import type { LinkRow } from '../src/sim/signals.js';
import type { JobRow } from '../src/sim/metrics.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { fifo } from '../src/policy/fifo.js';
import type { Placement } from '../src/policy/types.js';
import type { ResolvedPolicies } from '../src/policy/registry.js';

const pool = (site: string, jobs = '      - { name: a, devices: 32, params: 13B, tokens: 1B, layout: { tp: 8, pp: 1, dp: 4 } }'): string => `name: kinds
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
${site}
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
${jobs}
`;

/** Every output byte a run gives: jobs.csv, summary.csv and links.csv. */
function outputs(text: string): string {
  const links: LinkRow[] = [];
  const r = runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  return r.jobsCsv + r.summaryCsv + JSON.stringify(links);
}

function refusal(text: string): string {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('leaf-spine', () => {
  it('a topology block gives the same bytes as the data centre fields it replaces', () => {
    const old = outputs(pool('    nodes_per_leaf: 2\n    oversubscription: 3'));
    expect(outputs(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 3 }'))).toBe(old);
    // And differs from another fabric, so the comparison can fail.
    expect(outputs(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 1 }'))).not.toBe(old);
  });

  it('defaults: no block and an empty leaf-spine block are 16 nodes per leaf, non-blocking', () => {
    const none = outputs(pool(''));
    expect(outputs(pool('    topology: { kind: leaf-spine }'))).toBe(none);
    expect(outputs(pool('    nodes_per_leaf: 16\n    oversubscription: 1'))).toBe(none);
  });

  it('refuses the leaf fields both beside and inside a topology block, at the field', () => {
    const msg = refusal(pool('    nodes_per_leaf: 4\n    topology: { kind: leaf-spine, nodes_per_leaf: 2 }'));
    expect(msg).toMatch(/test\.yaml:\d+/);
    expect(msg).toMatch(/datacentres\[0\]\.nodes_per_leaf/);
    expect(msg).toMatch(/given both here and in this data centre's topology block/);
  });

  it('refuses an unknown kind and impossible figures with file, line and field', () => {
    expect(refusal(pool('    topology: { kind: leaf-spline }'))).toMatch(/datacentres\[0\]\.topology\.kind/);
    const zero = refusal(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 0 }'));
    expect(zero).toMatch(/test\.yaml:6/);
    expect(zero).toMatch(/datacentres\[0\]\.topology\.nodes_per_leaf/);
    expect(refusal(pool('    topology: { kind: leaf-spine, oversubscription: .inf }'))).toMatch(/datacentres\[0\]\.topology\.oversubscription: expected a finite number, got '\.inf' \(YAML's infinity\)/);
  });

  it('routes: same leaf one hop, across leaves three, through the leaf links', () => {
    const resolved = scenarioFromText(pool('    topology: { kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }'));
    const topo = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!);
    const hopS = topo.nodeFabric[0]!.hop_latency;
    const endS = topo.nodeFabric[0]!.endpoint_latency;
    expect(names(0, 3)).toEqual(['nic-up:dc-H100-0:0', 'nic-down:dc-H100-0:3']);
    expect(topo.route(0, 3).latencyS).toBeCloseTo(endS + hopS, 15);
    expect(names(1, 6)).toEqual(['nic-up:dc-H100-0:1', 'leaf-up:dc:0', 'leaf-down:dc:1', 'nic-down:dc-H100-0:6']);
    expect(topo.route(1, 6).latencyS).toBeCloseTo(endS + 3 * hopS, 15);
    // Leaf uplinks carry the leaf's NIC total / oversubscription.
    const leafUp = topo.linkNames.indexOf('leaf-up:dc:0');
    expect(topo.linkCapacityBytesPerS[leafUp]).toBeCloseTo((4 * topo.nodeNicBytesPerS[0]!) / 2, 6);
  });
});

describe('fat-tree', () => {
  const site = (t: string, count = 8, extra = ''): string => `name: fat
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: fat-tree, ${t} }
    node_groups: [{ count: ${count}, device: H100 }]
${extra}workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
`;
  const build = (text: string): { topo: Topology; network: FlowNetwork } => {
    const resolved = scenarioFromText(text);
    const network = new FlowNetwork();
    return { topo: new Topology(new Cluster(resolved.shape), network, resolved.interDc), network };
  };

  it('routes: same leaf 1 hop, same pod 3, across pods 5, through readable links', () => {
    const { topo } = build(site('nodes_per_leaf: 2, leaves_per_pod: 2, leaf_oversubscription: 2, pod_oversubscription: 4'));
    const names = (a: number, b: number): string[] => topo.route(a, b).links.map((l) => topo.linkNames[l]!);
    const hopS = topo.nodeFabric[0]!.hop_latency;
    const endS = topo.nodeFabric[0]!.endpoint_latency;
    expect(names(0, 1)).toEqual(['nic-up:dc-H100-0:0', 'nic-down:dc-H100-0:1']);
    expect(topo.route(0, 1).latencyS).toBeCloseTo(endS + hopS, 15);
    expect(names(1, 3)).toEqual(['nic-up:dc-H100-0:1', 'leaf-up:dc:0', 'leaf-down:dc:1', 'nic-down:dc-H100-0:3']);
    expect(topo.route(1, 3).latencyS).toBeCloseTo(endS + 3 * hopS, 15);
    expect(names(2, 7)).toEqual(['nic-up:dc-H100-0:2', 'leaf-up:dc:1', 'pod-up:dc:0', 'pod-down:dc:1', 'leaf-down:dc:3', 'nic-down:dc-H100-0:7']);
    expect(topo.route(2, 7).latencyS).toBeCloseTo(endS + 5 * hopS, 15);
    // Per tier: a leaf's uplink is its NIC total / 2, a pod's its leaves' uplinks / 4.
    const nic = topo.nodeNicBytesPerS[0]!;
    const cap = (name: string): number => topo.linkCapacityBytesPerS[topo.linkNames.indexOf(name)]!;
    expect(cap('leaf-up:dc:3')).toBeCloseTo((2 * nic) / 2, 6);
    expect(cap('pod-down:dc:1')).toBeCloseTo((2 * ((2 * nic) / 2)) / 4, 6);
    expect(topo.linkNames.filter((n) => n.startsWith('pod-'))).toEqual(['pod-up:dc:0', 'pod-down:dc:0', 'pod-up:dc:1', 'pod-down:dc:1']);
  });

  it('max-min shares across a 2:1 pod uplink, by hand', () => {
    // Two pods of two 2-node leaves, leaves non-blocking: a pod's uplink is 4 NICs / 2 = 2C.
    const { topo, network } = build(site('nodes_per_leaf: 2, leaves_per_pod: 2, pod_oversubscription: 2'));
    const C = topo.nodeNicBytesPerS[0]!;
    const flow = (a: number, b: number): number => network.addFlow(topo.route(a, b).links, Infinity, 0);
    // Three flows leave pod 0 (from nodes 0, 1, 2) and one stays on leaf 1 (2 -> 3), sharing
    // node 2's NIC with the third. Node 2's NIC fills first (C / 2 each); the pod uplink's
    // remaining 2C - C/2 goes to the other two: 3C/4 each, below their own NICs.
    const [a, b, c, e] = [flow(0, 4), flow(1, 5), flow(2, 6), flow(2, 3)];
    expect(network.rate(c!) / C).toBeCloseTo(0.5, 9);
    expect(network.rate(e!) / C).toBeCloseTo(0.5, 9);
    expect(network.rate(a!) / C).toBeCloseTo(0.75, 9);
    expect(network.rate(b!) / C).toBeCloseTo(0.75, 9);
    // The same network non-blocking: every flow at its NIC's share.
    const flat = build(site('nodes_per_leaf: 2, leaves_per_pod: 2'));
    const f = (a: number, b: number): number => flat.network.addFlow(flat.topo.route(a, b).links, Infinity, 0);
    const [a1] = [f(0, 4), f(1, 5), f(2, 6), f(2, 3)];
    expect(flat.network.rate(a1!) / C).toBeCloseTo(1, 9);
  });

  it('agrees with the max-min reference on random flows', () => {
    const { topo, network } = build(site('nodes_per_leaf: 3, leaves_per_pod: 2, leaf_oversubscription: 1.5, pod_oversubscription: 3', 20));
    let x = 12345;
    const rand = (n: number): number => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
    const routes: (readonly number[])[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 60; i++) {
      const a = rand(20);
      const b = (a + 1 + rand(19)) % 20;
      routes.push(topo.route(a, b).links);
      ids.push(network.addFlow(routes[i]!, Infinity, 0));
    }
    const expected = maxMinReference(topo.linkCapacityBytesPerS, routes.map((route) => ({ route })));
    ids.forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 9));
    // Capacity never exceeded.
    const load = new Array<number>(topo.linkCapacityBytesPerS.length).fill(0);
    routes.forEach((r, i) => r.forEach((l) => (load[l]! += network.rate(ids[i]!))));
    load.forEach((v, l) => expect(v).toBeLessThanOrEqual(topo.linkCapacityBytesPerS[l]! * (1 + 1e-9)));
  });

  it('between sites: up through the pod to the core, the long link, down to the leaf (3 + 3 + 2 hops)', () => {
    const text = `name: sites
network: flow
datacentres:
  - { name: a, fabric: IB-NDR, topology: { kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 1 }, node_groups: [{ count: 2, device: H100 }] }
  - { name: b, fabric: IB-NDR, topology: { kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 1 }, node_groups: [{ count: 2, device: H100 }] }
links:
  - { name: wan, between: [a, b], latency: 1ms, bandwidth: 400Gbps }
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1B, tokens: 1M }
`;
    const { topo } = build(text);
    const r = topo.route(1, 3);
    expect(r.links.map((l) => topo.linkNames[l])).toEqual(['nic-up:a-H100-0:1', 'leaf-up:a:1', 'pod-up:a:1', 'wan:a->b', 'pod-down:b:1', 'leaf-down:b:1', 'nic-down:b-H100-0:1']);
    const f = topo.nodeFabric[1]!;
    expect(r.latencyS).toBeCloseTo(f.endpoint_latency + 8 * f.hop_latency + 1e-3, 15);
  });

  // Two jobs of two 8-GPU nodes, data-parallel across the nodes (fixed layout, as in
  // network.test.ts: the automatic one could hide the traffic this is about).
  const jobs = `      - { name: a, devices: 16, params: 13B, tokens: 2B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 2 } }`;
  const pinned = (nodes: [number, number]): ResolvedPolicies => ({
    queue: fifo.create({}),
    placer: { place: (): Placement => ({ kind: 0, nodes, counts: [8, 8] }) },
    queueName: 'fifo',
    placementName: 'pinned',
  });
  const run = (t: string, nodes: [number, number]): { job: JobRow; links: LinkRow[] } => {
    const links: LinkRow[] = [];
    const text = site(t, 4).replace(/workloads:[\s\S]*$/, `workloads:\n  - jobs:\n${jobs}\n`);
    const r = runToCsv(scenarioFromText(text), { policies: pinned(nodes), linkSink: (l) => links.push(l) });
    return { job: r.jobs[0]!, links };
  };

  it('a job across pods is slower than the same job within a pod when the core is oversubscribed', () => {
    // One node per leaf, two leaves per pod: a pod's uplink is 2 NICs / 8 = a quarter of a NIC.
    const t = 'nodes_per_leaf: 1, leaves_per_pod: 2, pod_oversubscription: 8';
    const samePod = run(t, [0, 1]);
    const crossPod = run(t, [0, 2]);
    // Measured: ECR 0.1913 within the pod, 0.1721 across (the gradient all-reduce exposed at a quarter of the bandwidth); 0.1863 at 4:1.
    expect(crossPod.job.effective_compute_ratio).toBeLessThan(samePod.job.effective_compute_ratio * 0.95);
    // Milder oversubscription costs less.
    const mild = run('nodes_per_leaf: 1, leaves_per_pod: 2, pod_oversubscription: 4', [0, 2]);
    expect(mild.job.effective_compute_ratio).toBeGreaterThan(crossPod.job.effective_compute_ratio);
    expect(mild.job.effective_compute_ratio).toBeLessThan(samePod.job.effective_compute_ratio);
    expect(crossPod.job.finish_s).toBeGreaterThan(samePod.job.finish_s);
    // Its traffic shows on the pod links; the same-pod job's never reaches them.
    expect(crossPod.links.find((l) => l.link === 'pod-up:dc:0')!.bytes_carried).toBeGreaterThan(0);
    expect(samePod.links.some((l) => l.link.startsWith('pod-') && l.bytes_carried > 0)).toBe(false);
    // Non-blocking, crossing pods costs only latency (two more hops): nearly the same step.
    const flatCross = run('nodes_per_leaf: 1, leaves_per_pod: 2', [0, 2]);
    expect(flatCross.job.effective_compute_ratio).toBeGreaterThan(crossPod.job.effective_compute_ratio);
    expect(flatCross.job.effective_compute_ratio / samePod.job.effective_compute_ratio).toBeGreaterThan(0.999);
  });

  it('with one pod it places and times jobs as the leaf-spine with the same leaves does', () => {
    // a spans two leaves: one pod's leaves in the first fat tree, two pods in the second.
    const mix = `      - { name: a, devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 24, params: 7B, tokens: 1B, submit: 10s }
      - { name: c, devices: 8, params: 7B, tokens: 1B, submit: 20s }`;
    const jobsOf = (topology: string): string => runToCsv(scenarioFromText(pool(`    topology: ${topology}`, mix))).jobsCsv;
    const leafSpine = jobsOf('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 3 }');
    expect(jobsOf('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 4, leaf_oversubscription: 3, pod_oversubscription: 5 }')).toBe(leafSpine);
    expect(jobsOf('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 1, leaf_oversubscription: 3, pod_oversubscription: 5 }')).not.toBe(leafSpine);
  });

  it('refuses impossible layouts with file, line and field', () => {
    const zero = refusal(site('nodes_per_leaf: 2, leaves_per_pod: 0'));
    expect(zero).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.leaves_per_pod/);
    expect(refusal(site('nodes_per_leaf: 2, leaves_per_pod: 1.5'))).toMatch(/topology\.leaves_per_pod/);
    expect(refusal(site('nodes_per_leaf: 2'))).toMatch(/datacentres\[0\]\.topology\.leaves_per_pod/);
    expect(refusal(site('leaves_per_pod: 2, pod_oversubscription: .inf'))).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.pod_oversubscription: expected a finite number, got '\.inf' \(YAML's infinity\)/);
    expect(refusal(site('leaves_per_pod: 2, leaf_oversubscription: 0.5'))).toMatch(/topology\.leaf_oversubscription: expected a value in \[1, 1000\]/);
    // A leaf-spine field in a fat tree is not silently ignored.
    expect(refusal(site('leaves_per_pod: 2, oversubscription: 2'))).toMatch(/topology\.oversubscription: unknown key 'oversubscription' \(did you mean 'pod_oversubscription'\?\)/);
  });
});

describe('scenarios/fabric-planning.yaml', () => {
  const text = readFileSync(repoPath('scenarios/fabric-planning.yaml'), 'utf8');
  const ecr = (topology: string, placement = 'topology-aware'): number => {
    const edited = text.replace(/ {4}topology: \{[^\n]*\}/, `    topology: ${topology}`).replace('placement: topology-aware', `placement: ${placement}`);
    expect(edited).toContain(topology);
    return runToCsv(scenarioFromText(edited)).summary.effective_compute_ratio_allocated;
  };

  it("holds docs/network.md's conclusions: leaves pay from 4:1 when gangs scatter, the pods' core not even at 8:1", () => {
    const flat = ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1 }');
    expect(flat).toBeCloseTo(0.1828, 3);
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }', 'random-fit')).toBeCloseTo(flat, 4);
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4 }')).toBeCloseTo(flat, 4);
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4 }', 'random-fit')).toBeCloseTo(0.1744, 3);
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 8 }', 'random-fit')).toBeCloseTo(0.1594, 3);
    // Within 0.01 points (0.18268 against 0.18277 since NCCL's SMs are charged): not measurable at the page's precision.
    expect(ecr('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, pod_oversubscription: 8 }', 'random-fit')).toBeCloseTo(flat, 3);
  });
});

describe('torus', () => {
  const site = (t: string, count: number): string => `name: torus
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: { kind: torus, ${t} }
    node_groups: [{ count: ${count}, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
`;
  const build = (text: string): { topo: Topology; network: FlowNetwork } => {
    const resolved = scenarioFromText(text);
    const network = new FlowNetwork();
    return { topo: new Topology(new Cluster(resolved.shape), network, resolved.interDc), network };
  };
  /** The torus links of a route as [from, to] positions. */
  const hopsOf = (topo: Topology, a: number, b: number): [number, number][] =>
    topo
      .route(a, b)
      .links.map((l) => topo.linkNames[l]!)
      .filter((n) => n.startsWith('torus:'))
      .map((n) => n.split(':')[2]!.split('->').map(Number) as [number, number]);

  it('routes dimension by dimension, the short way round each ring', () => {
    const { topo } = build(site('dims: [4, 4], link_bandwidth: 50GB/s', 16));
    expect(hopsOf(topo, 0, 3)).toEqual([[0, 3]]); // wraps: one hop back, not three forward
    expect(hopsOf(topo, 0, 10)).toEqual([[0, 1], [1, 2], [2, 6], [6, 10]]);
    expect(hopsOf(topo, 5, 4)).toEqual([[5, 4]]);
    const f = topo.nodeFabric[0]!;
    expect(topo.route(0, 10).latencyS).toBeCloseTo(f.endpoint_latency + 4 * f.hop_latency, 15);
    const r = topo.route(0, 3).links.map((l) => topo.linkNames[l]);
    expect(r).toEqual(['nic-up:dc-H100-0:0', 'torus:dc:0->3', 'nic-down:dc-H100-0:3']);
    expect(topo.linkCapacityBytesPerS[topo.linkNames.indexOf('torus:dc:0->3')]).toBe(50e9);
    // 16 nodes x 2 axes x 2 directions.
    expect(topo.linkNames.filter((n) => n.startsWith('torus:')).length).toBe(64);
    // A mesh goes the long way; a 3D torus with a bandwidth per axis.
    const mesh = build(site('dims: [4, 4], link_bandwidth: 50GB/s, wraparound: false', 16)).topo;
    expect(hopsOf(mesh, 0, 3)).toEqual([[0, 1], [1, 2], [2, 3]]);
    const cube = build(site('dims: [2, 2, 2], link_bandwidth: [10GB/s, 20GB/s, 40GB/s]', 8)).topo;
    expect(hopsOf(cube, 0, 7)).toEqual([[0, 1], [1, 3], [3, 7]]);
    expect(cube.route(0, 7).links.map((l) => cube.linkCapacityBytesPerS[l]).slice(1, 4)).toEqual([10e9, 20e9, 40e9]);
  });

  it('every route is minimal: its hops are the sum over axes of the ring (or line) distance, on odd and unit dims', () => {
    const cases: [number[], boolean][] = [[[5, 1, 3], true], [[1, 8], true], [[3, 5], true], [[2, 3, 4], true], [[3, 5], false], [[2, 3, 4], false]];
    for (const [dims, wrap] of cases) {
      const n = dims.reduce((a, b) => a * b, 1);
      const { topo } = build(site(`dims: [${dims.join(', ')}], link_bandwidth: 30GB/s, wraparound: ${wrap}`, n));
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          if (a === b) continue;
          let expected = 0;
          for (let axis = 0, stride = 1; axis < dims.length; stride *= dims[axis]!, axis++) {
            const d = Math.abs((Math.floor(a / stride) % dims[axis]!) - (Math.floor(b / stride) % dims[axis]!));
            expected += wrap ? Math.min(d, dims[axis]! - d) : d;
          }
          const hops = hopsOf(topo, a, b);
          expect(hops.length, `${dims} ${wrap} ${a}->${b}`).toBe(expected);
          expect(hops[0]![0]).toBe(a);
          expect(hops[hops.length - 1]![1]).toBe(b);
        }
      }
    }
  });

  it('routes are paths from a to b, and max-min rates match the reference without exceeding any link', () => {
    for (const t of ['dims: [4, 3], link_bandwidth: 30GB/s', 'dims: [3, 2, 2], link_bandwidth: 30GB/s, wraparound: false']) {
      const { topo, network } = build(site(t, 12));
      let x = 777;
      const rand = (n: number): number => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
      const routes: (readonly number[])[] = [];
      const ids: number[] = [];
      for (let i = 0; i < 50; i++) {
        const a = rand(12);
        const b = (a + 1 + rand(11)) % 12;
        let at = a;
        for (const [from, to] of hopsOf(topo, a, b)) {
          expect(from).toBe(at);
          at = to;
        }
        expect(at).toBe(b);
        routes.push(topo.route(a, b).links);
        ids.push(network.addFlow(routes[i]!, Infinity, 0));
      }
      const expected = maxMinReference(topo.linkCapacityBytesPerS, routes.map((route) => ({ route })));
      ids.forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 9));
      const load = new Array<number>(topo.linkCapacityBytesPerS.length).fill(0);
      routes.forEach((r, i) => r.forEach((l) => (load[l]! += network.rate(ids[i]!))));
      load.forEach((v, l) => expect(v).toBeLessThanOrEqual(topo.linkCapacityBytesPerS[l]! * (1 + 1e-9)));
    }
  });

  it("a job's step time follows the torus link bandwidth", () => {
    const job = (bw: string): JobRow => {
      const text = site(`dims: [2, 2], link_bandwidth: ${bw}`, 4).replace(
        '      - { name: a, devices: 8, params: 1B, tokens: 1M }',
        '      - { name: a, devices: 16, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 2 } }',
      );
      return runToCsv(scenarioFromText(text)).jobs[0]!;
    };
    const slow = job('5GB/s');
    const fast = job('100GB/s');
    expect(slow.step_time_s).toBeGreaterThan(fast.step_time_s * 1.05);
    expect(slow.effective_compute_ratio).toBeLessThan(fast.effective_compute_ratio);
  });

  it('refuses a shape that does not match the site, with file, line and field', () => {
    const msg = refusal(site('dims: [4, 4], link_bandwidth: 50GB/s', 12));
    expect(msg).toMatch(/test\.yaml:5:\d+: datacentres\[0\]\.topology\.dims: a 4 x 4 torus has 16 positions, but the data centre has 12 nodes/);
    expect(refusal(site('dims: [4, 3], link_bandwidth: [1GB/s, 2GB/s, 3GB/s]', 12))).toMatch(/topology\.link_bandwidth: expected one bandwidth per axis \(2\), got 3/);
    expect(refusal(site('dims: [12], link_bandwidth: 1GB/s', 12))).toMatch(/datacentres\[0\]\.topology\.dims/);
    expect(refusal(site('dims: [4, 3], link_bandwidth: 0GB/s', 12))).toMatch(/datacentres\[0\]\.topology\.link_bandwidth/);
  });
});

// One contract over every registered kind (its own example block): a new kind is checked here
// without a line of test of its own.
describe.each(topologyKinds().map((k) => [k.kind, k] as const))('contract: %s', (_, kind) => {
  const text = `name: contract
datacentres:
  - { name: here, fabric: IB-NDR, topology: ${kind.example.block}, node_groups: [{ count: ${kind.example.nodes}, device: H100 }] }
  - { name: there, fabric: IB-NDR, node_groups: [{ count: 2, device: H100 }] }
links:
  - { name: wan, between: [here, there], latency: 1ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
`;
  const resolved = scenarioFromText(text);
  const cluster = new Cluster(resolved.shape);
  const network = new FlowNetwork();
  const topo = new Topology(cluster, network, resolved.interDc);
  const n = kind.example.nodes;
  const f = topo.nodeFabric[0]!;

  it('has a description and readable link names', () => {
    expect(kind.description.length).toBeGreaterThan(20);
    for (const name of topo.linkNames) expect(name).not.toMatch(/undefined|NaN/);
    expect(new Set(topo.linkNames).size).toBe(topo.linkNames.length);
  });

  it('groups nodes from 0, never decreasing', () => {
    expect(cluster.nodeLeaf[0]).toBe(0);
    for (let i = 1; i < n; i++) expect(cluster.nodeLeaf[i]! - cluster.nodeLeaf[i - 1]!).toBeGreaterThanOrEqual(0);
  });

  it('routes every pair from its NIC to the other NIC over distinct links, with at least one hop, and uses every link it made', () => {
    const used = new Set<number>();
    for (let a = 0; a < n + 2; a++) {
      for (let b = 0; b < n + 2; b++) {
        if (a === b) continue;
        const r = topo.route(a, b);
        expect(r.links[0]).toBe(topo.nicUp[a]);
        expect(r.links[r.links.length - 1]).toBe(topo.nicDown[b]);
        expect(new Set(r.links).size).toBe(r.links.length);
        const hops = (r.latencyS - f.endpoint_latency - (a < n !== b < n ? 1e-3 : 0)) / f.hop_latency;
        expect(hops).toBeGreaterThanOrEqual(1 - 1e-6);
        expect(Math.abs(hops - Math.round(hops))).toBeLessThan(1e-6);
        expect(r.links.some((l) => topo.linkNames[l]!.startsWith('wan:'))).toBe(a < n !== b < n);
        expect(topo.route(a, b)).toEqual(r);
        for (const l of r.links) used.add(l);
      }
    }
    topo.linkNames.forEach((name, l) => expect(used.has(l), `${name} is on no route`).toBe(true));
  });

  it('bills whole switches and finite, non-negative transceivers and cables; larger switches never need more', () => {
    const spec = cluster.datacentres[0]!.topology;
    const rails = new Array<number>(n).fill(8);
    const bill = (switchPorts: number): ReturnType<ReturnType<typeof fabricKind>['bill']> => fabricKind(spec).bill(spec, { rails, nicPorts: rails, switchPorts, portBytesPerS: 46.5e9 });
    let last = Infinity;
    for (const ports of [8, 16, 64, 256]) {
      const b = bill(ports);
      expect(Number.isInteger(b.switches)).toBe(true);
      expect(b.switches).toBeLessThanOrEqual(last);
      last = b.switches;
      for (const v of [b.transceivers, b.cables]) expect(Number.isFinite(v) && v > 0).toBe(true);
      // Links do not depend on the switch size.
      expect(b.cables).toBe(bill(8).cables);
    }
  });

  it('gives every pair at once its max-min share, never exceeding a link', () => {
    const routes: (readonly number[])[] = [];
    const ids: number[] = [];
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) ids.push(network.addFlow(routes[routes.push(topo.route(a, b).links) - 1]!, Infinity, 0));
    const expected = maxMinReference(topo.linkCapacityBytesPerS, routes.map((route) => ({ route })));
    ids.forEach((fl, i) => expect(network.rate(fl) / expected[i]!).toBeCloseTo(1, 9));
    const load = new Array<number>(topo.linkCapacityBytesPerS.length).fill(0);
    routes.forEach((r, i) => r.forEach((l) => (load[l]! += network.rate(ids[i]!))));
    load.forEach((v, l) => expect(v).toBeLessThanOrEqual(topo.linkCapacityBytesPerS[l]! * (1 + 1e-9)));
  });
});
