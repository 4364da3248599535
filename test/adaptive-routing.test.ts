// Adaptive routing (ecmp: { mode: adaptive }, src/model/network/fabrics/ecmp.ts): per-path links as
// hash builds them, each node pair's flow on the surviving equal-cost path where it gets the
// largest equal share when it is routed, and running jobs re-evaluated when load leaves
// (sim/network-progress.ts rebalance). Hand-worked collisions, rates against the independent
// max-min reference, and properties over random flows on every kind that has equal-cost paths.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { maxMinReference } from '../src/model/network/max-min-reference.js';
import { Topology } from '../src/model/network/topology.js';
import { ecmpPath } from '../src/model/network/fabrics/ecmp.js';
import { InputError } from '../src/scenario/errors.js';
import { Simulation } from '../src/sim/simulation.js';
import type { LinkRow } from '../src/sim/signals.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

const site = (topology: string, count = 8, jobs = ''): string => `name: adaptive
network: flow
datacentres:
  - name: dc
    fabric: IB-NDR
    topology: ${topology}
    node_groups: [{ count: ${count}, device: H100 }]
workloads:
  - jobs:
${jobs || `      - { name: a, devices: 32, params: 13B, tokens: 1B, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }
      - { name: b, devices: 32, params: 7B, tokens: 1B, submit: 10s, model: { global_batch: 64K }, layout: { tp: 8, pp: 1, dp: 4 } }`}
placement: random-fit
`;
const build = (text: string): { topo: Topology; network: FlowNetwork } => {
  const resolved = scenarioFromText(text);
  const network = new FlowNetwork();
  return { topo: new Topology(new Cluster(resolved.shape), network, resolved.interDc), network };
};
const outputs = (text: string): string => {
  const links: LinkRow[] = [];
  const r = runToCsv(scenarioFromText(text), { linkSink: (l) => links.push(l) });
  return r.jobsCsv + r.summaryCsv + JSON.stringify(links);
};

/** Adds flows one after another, each routed on the load of those before it; checks every rate against the reference. */
function addAll(topo: Topology, network: FlowNetwork, pairs: readonly (readonly [number, number])[]): { ids: number[]; routes: (readonly number[])[]; rates: number[] } {
  const routes: (readonly number[])[] = [];
  const ids: number[] = [];
  for (const [a, b] of pairs) {
    const r = topo.route(a, b).links;
    routes.push(r);
    ids.push(network.addFlow(r, Infinity, 0));
  }
  const caps = topo.linkCapacityBytesPerS.map((_, l) => network.linkCapacity(l));
  const expected = maxMinReference(caps, routes.map((route) => ({ route })));
  ids.forEach((f, i) => expect(network.rate(f) / expected[i]!).toBeCloseTo(1, 12));
  return { ids, routes, rates: ids.map((f) => network.rate(f) / topo.nodeNicBytesPerS[0]!) };
}

describe('adaptive routing', () => {
  it('by hand: two pairs that hash onto one spine collide under hash and not under adaptive, which gives what split gives', () => {
    // Leaves of 4, non-blocking, 4 spines: each per-spine link is one NIC's rate.
    let pair: [number, number][] | undefined;
    for (let a1 = 0; a1 < 4 && !pair; a1++)
      for (let b1 = 4; b1 < 8 && !pair; b1++)
        for (let a2 = a1 + 1; a2 < 4 && !pair; a2++)
          for (let b2 = 4; b2 < 8 && !pair; b2++) if (b2 !== b1 && ecmpPath(a1, b1, 4) === ecmpPath(a2, b2, 4)) pair = [[a1, b1], [a2, b2]];
    expect(pair).toBeDefined();
    const rates = (mode: string): number[] => {
      const { topo, network } = build(site(`{ kind: leaf-spine, nodes_per_leaf: 4, ecmp: { mode: ${mode}, paths: 4 } }`));
      return addAll(topo, network, pair!).rates;
    };
    // Hash: both on one link of one NIC, half a NIC each.
    for (const r of rates('hash')) expect(r).toBeCloseTo(0.5, 12);
    // Adaptive: the second sees the first's spine loaded and takes another: a whole NIC each, as split.
    for (const r of rates('adaptive')) expect(r).toBeCloseTo(1, 12);
    for (const r of rates('split')) expect(r).toBeCloseTo(1, 12);
  });

  it('by hand: three flows over two spines, adaptive is between hash and split (one flow is never split over paths)', () => {
    // Leaves of 3, non-blocking, 2 spines: each per-spine link carries 1.5 NICs.
    const pairs: [number, number][] = [
      [0, 3],
      [1, 4],
      [2, 5],
    ];
    const { topo, network } = build(site('{ kind: leaf-spine, nodes_per_leaf: 3, ecmp: { mode: adaptive, paths: 2 } }', 6));
    const { routes, rates } = addAll(topo, network, pairs);
    // The first two take different spines; the third ties and shares one: 0.75, 0.75 and a whole NIC.
    expect(routes[0]![1]).not.toBe(routes[1]![1]);
    expect([...rates].sort()).toEqual([0.75, 0.75, 1].map((x) => expect.closeTo(x, 12)));
    const split = build(site('{ kind: leaf-spine, nodes_per_leaf: 3 }', 6));
    expect(addAll(split.topo, split.network, pairs).rates.reduce((x, y) => x + y, 0)).toBeCloseTo(3, 12);
  });

  it('re-evaluates when load leaves: a flow sharing a spine moves to the one a departed flow freed, only when strictly better', () => {
    const pairs: [number, number][] = [
      [0, 3],
      [1, 4],
      [2, 5],
    ];
    const { topo, network } = build(site('{ kind: leaf-spine, nodes_per_leaf: 3, ecmp: { mode: adaptive, paths: 2 } }', 6));
    const { ids, routes } = addAll(topo, network, pairs);
    // Nothing is better while all three run.
    pairs.forEach(([a, b], i) => expect(topo.betterRoute(a, b, routes[i]!)).toBeUndefined());
    // The flow alone on its spine leaves: one of the two sharing the other spine now has a better path.
    const alone = [0, 1, 2].find((i) => routes.filter((r) => r[1] === routes[i]![1]).length === 1)!;
    network.removeFlow(ids[alone]!, 0);
    const sharing = [0, 1, 2].filter((i) => i !== alone);
    for (const i of sharing) {
      const r = topo.betterRoute(pairs[i]![0], pairs[i]![1], routes[i]!);
      expect(r?.links[1]).toBe(topo.linkNames.indexOf(topo.linkNames[routes[alone]![1]!]!));
    }
  });

  it('property: on every kind with equal-cost paths, routes are valid paths, never worse than the hashed path when routed, rates are max-min and within capacity', () => {
    const kinds = [
      ['{ kind: leaf-spine, nodes_per_leaf: 3, oversubscription: 1.5, ecmp: { mode: adaptive, paths: 3 } }', 'leaf'],
      ['{ kind: rail-optimized, nodes_per_group: 4, oversubscription: 2, ecmp: { mode: adaptive, paths: 5 } }', 'rail'],
      ['{ kind: fat-tree, nodes_per_leaf: 2, leaves_per_pod: 2, leaf_oversubscription: 1.5, pod_oversubscription: 2, ecmp: { mode: adaptive, paths: 3 } }', 'leaf'],
    ] as const;
    for (const [t] of kinds) {
      const text = site(t, 12);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(11), fc.nat(10), fc.boolean()), { minLength: 1, maxLength: 50 }), (ops) => {
          const { topo, network } = build(text);
          const hashed = build(text.replace('mode: adaptive', 'mode: hash')).topo;
          const live: { a: number; b: number; id: number; links: readonly number[] }[] = [];
          for (const [a, k, remove] of ops) {
            if (remove && live.length > 0) {
              const f = live.splice(a % live.length, 1)[0]!;
              network.removeFlow(f.id, 0);
              continue;
            }
            const b = (a + 1 + k) % 12;
            const links = topo.route(a, b).links;
            // A path from a's NIC to b's, over distinct links, as long as the hashed one, with the same tiers.
            expect(links[0]).toBe(topo.nicUp[a]);
            expect(links[links.length - 1]).toBe(topo.nicDown[b]);
            expect(new Set(links).size).toBe(links.length);
            const hashLinks = hashed.route(a, b).links;
            const tier = (l: number): string => topo.linkNames[l]!.replace(/:\d+$/, '');
            expect(links.map((l) => tier(l).replace(/:\d+$/, ''))).toEqual(hashLinks.map((l) => hashed.linkNames[l]!.replace(/:\d+$/, '').replace(/:\d+$/, '')));
            // At the time it is routed, its path's equal share is at least the hashed path's.
            const share = (ls: readonly number[]): number => Math.min(...ls.map((l) => network.linkCapacity(l) / (network.flowsOnLink(l) + 1)));
            expect(share(links)).toBeGreaterThanOrEqual(share(hashLinks.map((l) => topo.linkNames.indexOf(hashed.linkNames[l]!))) * (1 - 1e-12));
            live.push({ a, b, links, id: network.addFlow(links, Infinity, 0) });
          }
          const caps = topo.linkCapacityBytesPerS.map((_, l) => network.linkCapacity(l));
          const expected = maxMinReference(caps, live.map((f) => ({ route: f.links })));
          const load = new Array<number>(caps.length).fill(0);
          live.forEach((f, i) => {
            expect(network.rate(f.id) / expected[i]!).toBeCloseTo(1, 9);
            for (const l of f.links) load[l]! += network.rate(f.id);
          });
          load.forEach((v, l) => expect(v).toBeLessThanOrEqual(caps[l]! * (1 + 1e-9)));
        }),
        { numRuns: 40, seed: 17 },
      );
    }
  });

  // Single-node leaves, first-fit: four jobs of 12 GPUs (tp 4, dp 3) on six nodes; node 1 holds
  // ranks of jobs 0 and 1, so two flows leave (and enter) its leaf: where they hash onto one spine
  // they share it, where adaptive routing puts them apart they do not.
  const jobs = Array.from({ length: 4 }, (_, i) => `      - { name: k${i}, devices: 12, params: 7B, tokens: 200M, model: { global_batch: 12288 }, layout: { tp: 4, pp: 1, dp: 3 } }`).join('\n');
  const pool = (over: number, paths: number, mode: string): string => site(`{ kind: leaf-spine, nodes_per_leaf: 1, oversubscription: ${over}, ecmp: { mode: ${mode}, paths: ${paths} } }`, 6, jobs).replace('random-fit', 'first-fit');
  const ecr = (text: string): number => runToCsv(scenarioFromText(text)).summary.effective_compute_ratio_allocated;

  it('in a run: adaptive takes back what hash collisions cost (then equal to split), not what one path per pair caps; deterministic', () => {
    const at = (over: number, paths: number) => Object.fromEntries(['split', 'hash', 'adaptive'].map((m) => [m, ecr(pool(over, paths, m))])) as Record<'split' | 'hash' | 'adaptive', number>;
    // Two paths of half a leaf uplink each: a flow alone on one gets its NIC's half, as under split.
    const two = at(1, 2);
    expect(two.hash).toBeCloseTo(0.1009, 4);
    expect(two.adaptive).toBeCloseTo(0.1316, 4);
    expect(two.adaptive).toBe(two.split);
    expect(at(2, 2).adaptive).toBe(at(2, 2).split);
    // Four paths: each a quarter of the uplink, below what a flow gets under split; moving a flow
    // to an idle path cannot lift that cap, so adaptive is hash here (and below split).
    const four = at(1, 4);
    expect(four.adaptive).toBe(four.hash);
    expect(four.adaptive).toBeLessThan(four.split);
    expect(outputs(pool(1, 2, 'adaptive'))).toBe(outputs(pool(1, 2, 'adaptive')));
  });

  it('in a run: after every start, end and repair no job flow has a strictly better path, and no link is over capacity', () => {
    const text = pool(1, 2, 'adaptive').replace('placement: first-fit', 'placement: first-fit\nhorizon: 24h\nfailures: { fabric: { events: [{ at: 1h, switch: "spine:dc:0", repair: 2h }] } }');
    const sim = new Simulation(scenarioFromText(text), {});
    const net = sim.network!;
    let checks = 0;
    for (const t of [60, 1800, 3600 + 1, 7200, 3 * 3600 + 1, 5 * 3600, 8 * 3600]) {
      sim.engine.daemonAt(t, () => {
        const load = new Map<number, number>();
        for (const f of net.jobFlows()) {
          checks++;
          expect(net.topology.betterRoute(f.from, f.to, f.links), `${f.job.name} ${f.from}->${f.to} at ${t}`).toBeUndefined();
          for (const l of f.links) load.set(l, (load.get(l) ?? 0) + net.network.rate(f.flow));
        }
        for (const [l, v] of load) expect(v).toBeLessThanOrEqual(net.network.linkCapacity(l) * (1 + 1e-9));
      });
    }
    sim.run();
    expect(checks).toBeGreaterThan(0);
  });

  it('scenarios/fabric-planning.yaml: adaptive gains nothing over hash there; what hashing costs is one spine per pair, not collisions', () => {
    const text = readFileSync(repoPath('scenarios/fabric-planning.yaml'), 'utf8');
    const at = (over: number, mode: string): number => ecr(text.replace(/ {4}topology: \{[^\n]*\}/, `    topology: { kind: leaf-spine, nodes_per_leaf: 4, oversubscription: ${over}, ecmp: { mode: ${mode}, paths: 8 } }`));
    expect(at(1, 'adaptive')).toBeCloseTo(0.1743, 4);
    expect(at(4, 'adaptive')).toBeCloseTo(0.1370, 4);
    expect(at(4, 'adaptive')).toBe(at(4, 'hash'));
  });

  it('refuses an unknown mode and adaptive on a kind without equal-cost paths, with file, line and field', () => {
    const refusal = (t: string): string => {
      try {
        scenarioFromText(site(t));
      } catch (e) {
        if (e instanceof InputError) return e.message;
        throw e;
      }
      throw new Error('expected a refusal');
    };
    const bad = refusal('{ kind: leaf-spine, ecmp: { mode: adaptiv, paths: 2 } }');
    expect(bad).toMatch(/test\.yaml:6/);
    expect(bad).toMatch(/datacentres\[0\]\.topology\.ecmp\.mode/);
    expect(bad).toMatch(/adaptive/);
    expect(refusal('{ kind: torus, dims: [2, 4], link_bandwidth: 400Gbps, ecmp: { mode: adaptive, paths: 2 } }')).toMatch(/datacentres\[0\]\.topology/);
  });
});
