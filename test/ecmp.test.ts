// ECMP over a two-tier fabric's spines (src/model/network/fabrics/ecmp.ts): split is the aggregate
// uplink (the same bytes as no block), hash puts each node pair's traffic on one of `paths` spine
// links of a leaf's uplink capacity / paths; collisions worked by hand and every rate checked
// against the independent max-min reference.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { Topology } from '../src/model/network/topology.js';
import { ecmpPath } from '../src/model/network/fabrics/ecmp.js';
import { InputError } from '../src/scenario/errors.js';
import type { LinkRow } from '../src/sim/signals.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

const site = (topology: string, count = 8): string => `name: ecmp
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: ${count}, device: H100 }]
workloads:
  - jobs:
      - { name: a, devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 32, params: 7B, tokens: 1B, submit: 10s, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
placement: random-fit
`;
const build = (text: string): { topo: Topology; network: FlowNetwork } => {
  const resolved = scenarioFromText(text);
  const network = new FlowNetwork();
  return { topo: new Topology(new Cluster(resolved.shape), network, resolved.interDc), network };
};
/** What a run gives, but what its fabric costs (summary.csv's three fabric columns: `paths` spines are billed as that many switches). */
const FABRIC_COLUMNS = ['fabric_capex', 'fabric_kw', 'fabric_energy_kwh'];
const outputs = (text: string): string => {
  const links: LinkRow[] = [];
  const r = runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  const lines = r.summaryCsv.trim().split('\n');
  const header = lines[0]!.split(',');
  const drop = new Set(FABRIC_COLUMNS.map((c) => header.indexOf(c)));
  expect([...drop].every((i) => i >= 0)).toBe(true);
  const summary = lines.map((line) => line.split(',').filter((_, i) => !drop.has(i)).join(',')).join('\n');
  return r.jobsCsv + summary + JSON.stringify(links);
};

describe('ecmp', () => {
  it('split is the aggregate uplink: the same bytes as no ecmp block; hash is not', () => {
    const none = outputs(site('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2 }'));
    expect(outputs(site('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2, ecmp: { mode: split, paths: 4 } }'))).toBe(none);
    expect(outputs(site('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2, ecmp: { mode: hash, paths: 4 } }'))).not.toBe(none);
    // One path hashed is the aggregate too.
    expect(outputs(site('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2, ecmp: { mode: hash, paths: 1 } }'))).toBe(none);
  });

  it('hash: a leaf uplink becomes one link per spine of capacity / paths; a route goes up and down through the same spine', () => {
    const { topo } = build(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2, ecmp: { mode: hash, paths: 4 } }'));
    const nic = topo.nodeNicBytesPerS[0]!;
    const names = topo.linkNames.filter((n) => n.startsWith('leaf-up:dc:0:'));
    expect(names).toEqual(['leaf-up:dc:0:0', 'leaf-up:dc:0:1', 'leaf-up:dc:0:2', 'leaf-up:dc:0:3']);
    for (const n of names) expect(topo.linkCapacityBytesPerS[topo.linkNames.indexOf(n)]).toBeCloseTo((4 * nic) / 2 / 4, 3);
    const spines = new Set<number>();
    for (let a = 0; a < 4; a++) {
      for (let b = 4; b < 8; b++) {
        const r = topo.route(a, b).links.map((l) => topo.linkNames[l]!);
        const p = ecmpPath(a, b, 4);
        expect(r).toEqual([`nic-up:dc-H100-0:${a}`, `leaf-up:dc:0:${p}`, `leaf-down:dc:1:${p}`, `nic-down:dc-H100-0:${b}`]);
        spines.add(p);
      }
    }
    // 16 pairs spread over the spines, not all on one.
    expect(spines.size).toBeGreaterThan(1);
  });

  it('fat tree, hashed: a path keeps to one aggregation switch, up and down, leaf and pod links alike', () => {
    const { topo } = build(site('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, pod_oversubscription: 2, ecmp: { mode: hash, paths: 4 } }'));
    const nic = topo.nodeNicBytesPerS[0]!;
    expect(topo.linkCapacityBytesPerS[topo.linkNames.indexOf('pod-up:dc:1:3')]).toBeCloseTo((4 * nic) / 2 / 4, 3);
    for (let a = 0; a < 8; a++) {
      for (let b = 0; b < 8; b++) {
        if (a === b || a >> 1 === b >> 1) continue;
        const p = ecmpPath(a, b, 4);
        const fabric = topo.route(a, b).links.map((l) => topo.linkNames[l]!).slice(1, -1);
        const expected = a >> 2 === b >> 2 ? [`leaf-up:dc:${a >> 1}:${p}`, `leaf-down:dc:${b >> 1}:${p}`] : [`leaf-up:dc:${a >> 1}:${p}`, `pod-up:dc:${a >> 2}:${p}`, `pod-down:dc:${b >> 2}:${p}`, `leaf-down:dc:${b >> 1}:${p}`];
        expect(fabric).toEqual(expected);
      }
    }
    // Split is the aggregate here too.
    const none = outputs(site('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, pod_oversubscription: 4 }'));
    expect(outputs(site('{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, pod_oversubscription: 4, ecmp: { mode: split, paths: 4 } }'))).toBe(none);
  });

  it('by hand: three flows out of a leaf over two paths collide, and get less than split gives them', () => {
    // Leaves of 3 nodes, non-blocking: the leaf's uplink is 3 NICs; hashed, 2 paths of 1.5 NICs each.
    const flows: [number, number][] = [
      [0, 3],
      [1, 4],
      [2, 5],
    ];
    const rates = (t: string): number[] => {
      const { topo, network } = build(site(t, 6));
      const ids = flows.map(([a, b]) => network.addFlow(topo.route(a, b).links, Infinity, 0));
      const expected = maxMinReference(topo.linkCapacityBytesPerS, flows.map(([a, b]) => ({ route: topo.route(a, b).links })));
      ids.forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 12));
      return ids.map((f) => network.rate(f) / topo.nodeNicBytesPerS[0]!);
    };
    // Split: every flow at its NIC's rate.
    for (const r of rates('{ kind: leaf-spine, nodes_per_leaf: 3 }')) expect(r).toBeCloseTo(1, 12);
    // Hash: k flows on a path of 1.5 NICs get 1.5 / k each, at most a NIC.
    const paths = flows.map(([a, b]) => ecmpPath(a, b, 2));
    const hashed = rates('{ kind: leaf-spine, nodes_per_leaf: 3, ecmp: { mode: hash, paths: 2 } }');
    hashed.forEach((r, i) => expect(r).toBeCloseTo(Math.min(1, 1.5 / paths.filter((p) => p === paths[i]).length), 12));
    // Three flows on two paths: some path holds two (pigeonhole), so the total is below split's 3.
    expect(hashed.reduce((a, b) => a + b, 0)).toBeLessThan(3 - 1e-9);
  });

  it('hash: 80 random flows on a leaf-spine and a rail-optimized fabric match the max-min reference and never exceed a link', () => {
    for (const t of [
      '{ kind: leaf-spine, nodes_per_leaf: 3, oversubscription: 1.5, ecmp: { mode: hash, paths: 3 } }',
      '{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 2, ecmp: { mode: hash, paths: 5 } }',
      '{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, leaf_oversubscription: 1.5, pod_oversubscription: 2, ecmp: { mode: hash, paths: 3 } }',
    ]) {
      const { topo, network } = build(site(t, 12));
      let x = 4242;
      const rand = (n: number): number => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
      const routes: (readonly number[])[] = [];
      const ids: number[] = [];
      for (let i = 0; i < 80; i++) {
        const a = rand(12);
        const b = (a + 1 + rand(11)) % 12;
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

  it("scenarios/fabric-planning.yaml: hashing costs what docs/network.md says, most where the spine is oversubscribed", () => {
    const text = readFileSync(repoPath('scenarios/fabric-planning.yaml'), 'utf8');
    const ecr = (topology: string): number => runToCsv(scenarioFromText(text.replace(/ {4}topology: \{[^\n]*\}/, `    topology: ${topology}`))).summary.effective_compute_ratio_allocated;
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1, ecmp: { mode: hash, paths: 8 } }')).toBeCloseTo(0.1743, 4);
    expect(ecr('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4, ecmp: { mode: hash, paths: 8 } }')).toBeCloseTo(0.1370, 4);
    // Rail groups of 32 keep every gang's ring off the spine: nothing to hash.
    expect(ecr('{ kind: rail-optimized, nodes_per_group: 32, oversubscription: 4, ecmp: { mode: hash, paths: 8 } }')).toBeCloseTo(0.1826, 4);
  });

  it('refuses what it cannot do, with file, line and field', () => {
    const refusal = (t: string): string => {
      try {
        scenarioFromText(site(t));
      } catch (e) {
        if (e instanceof InputError) return e.message;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal('{ kind: leaf-spine, ecmp: { mode: hash, paths: 0 } }')).toMatch(/test\.yaml:6:\d+: datacentres\[0\]\.topology\.ecmp\.paths/);
    expect(refusal('{ kind: leaf-spine, ecmp: { mode: random, paths: 4 } }')).toMatch(/topology\.ecmp\.mode/);
    expect(refusal('{ kind: leaf-spine, ecmp: { mode: hash } }')).toMatch(/topology\.ecmp\.paths/);
    // Not for the torus's dimension-ordered routes.
    expect(refusal('{ kind: torus, dims: [2, 4], link_bandwidth: 10GB/s, ecmp: { mode: hash, paths: 4 } }')).toMatch(/topology\.ecmp: unknown key 'ecmp'/);
    // More paths than a leaf has uplink ports: an H100 node has 8 NICs of one NDR port each, so a
    // leaf of 2 nodes at 2:1 has 8 ports up. 64 paths used to run, each node pair's flow at 1/64 of
    // the leaf's uplink (an eighth of one port's rate); 8 paths is the most that can be cabled.
    expect(refusal('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2, ecmp: { mode: hash, paths: 64 } }')).toMatch(
      /test\.yaml:6:\d+: datacentres\[0\]\.topology\.ecmp: ecmp\.paths 64 is more equal-cost paths than leaf 0 has uplink ports \(8: .*at most 8 paths/,
    );
    expect(() => scenarioFromText(site('{ kind: leaf-spine, nodes_per_leaf: 2, oversubscription: 2, ecmp: { mode: hash, paths: 8 } }'))).not.toThrow();
    expect(refusal('{ kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 2, leaf_oversubscription: 4, ecmp: { mode: adaptive, paths: 4 } }')).toMatch(/than leaf 0 has uplink ports \(2: .*leaf_oversubscription/);
    // The core: two pods of 2 leaves of 8 ports each, at 8:1 give 2 ports up per pod.
    expect(refusal('{ kind: fat-tree, nodes_per_leaf: 1, leaves_per_pod: 2, pod_oversubscription: 8, ecmp: { mode: hash, paths: 4 } }')).toMatch(/than pod 0 has uplink ports \(2: .*pod_oversubscription/);
    // A rail group's spine paths are its rail leaves' uplinks: 8 rails x ceil(4 NICs / 4) = 8.
    expect(refusal('{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 4, ecmp: { mode: split, paths: 9 } }')).toMatch(/than rail group 0 has uplink ports \(8:/);
    // The check lists ports per node: a billion nodes is refused for its size, not by running out of memory making the list.
    expect(() => scenarioFromText(site('{ kind: leaf-spine, nodes_per_leaf: 2, ecmp: { mode: hash, paths: 4 } }', 1_000_000_000))).toThrow(/node_groups\[0\]\.count: this run needs about/);
  });
});
