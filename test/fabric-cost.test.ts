// What a fabric costs (model/network/fabric-cost.ts and each kind's bill): switch, transceiver and
// cable counts worked out by hand per topology kind, priced with the catalogue's IB-NDR equipment,
// and summary.csv's fabric_capex / fabric_kw, empty where they cannot be known.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../src/model/cluster.js';
import { FABRIC_PRESETS } from '../src/model/catalogue.js';
import { fabricCost, type FabricCost } from '../src/model/network/fabric-cost.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const site = (topology: string, groups = '[{ count: 64, device: H100 }]', fabric = 'IB-NDR', extra = ''): string => `name: cost
network: flow
${extra}datacentres:
  - name: dc
    fabric: ${fabric}
    topology: ${topology}
    node_groups: ${groups}
workloads:
  - jobs:
      - { name: a, devices: 8, params: 1B, tokens: 1M }
`;
const cost = (text: string): FabricCost | undefined => fabricCost(new Cluster(scenarioFromText(text).shape));
const counts = (text: string): [number, number, number] => {
  const c = cost(text)!;
  return [c.switches, c.transceivers, c.cables];
};

describe('bills of materials, by hand (64 H100 nodes with 8 NICs, 64-port switches)', () => {
  it('leaf-spine: leaves of 4 nodes (32 ports down) and a spine for their uplinks', () => {
    // 1:1: 16 leaves of 32 down + 32 up = one switch each; 512 uplinks = 8 spine switches; 512 + 512 links.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1 }'))).toEqual([24, 2048, 1024]);
    // 2:1: 16 uplinks per leaf, 256 in all = 4 spine switches; 4:1: 8 per leaf, 2 spines.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }'))).toEqual([20, 1536, 768]);
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4 }'))).toEqual([18, 1280, 640]);
    // 3:1 rounds uplinks up: ceil(32 / 3) = 11 per leaf, 176 = 3 spines.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 3 }'))).toEqual([19, 2 * (512 + 176), 512 + 176]);
    // The default 16-node leaf has 128 ports down and 128 up: 4 switches; 4 leaves' 512 uplinks, 8 spines.
    expect(counts(site('{ kind: leaf-spine }'))).toEqual([4 * 4 + 8, 2048, 1024]);
    // A single leaf is the top tier: no uplinks, no spine.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 8 }', '[{ count: 8, device: H100 }]'))).toEqual([1, 128, 64]);
  });

  it('fat-tree: a pod tier between the leaves and the core', () => {
    // Leaves as above (16); per pod 128 leaf uplinks down and 64 up at 2:1 = 3 switches (x4 pods);
    // core 256 ports = 4. Links 512 + 512 + 256.
    expect(counts(site('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, pod_oversubscription: 2 }'))).toEqual([32, 2560, 1280]);
    // Leaves at 4:1 too: 8 uplinks per leaf, a pod 32 down + 16 up (1 switch), core 64 ports (1).
    expect(counts(site('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 4, pod_oversubscription: 2 }'))).toEqual([16 + 4 + 1, 2 * (512 + 128 + 64), 512 + 128 + 64]);
    // Al-Fares et al.'s k-ary fat tree (SIGCOMM 2008) of k-port switches: k^3 / 4 hosts, k^2 / 4 core,
    // k^2 / 2 aggregation and k^2 / 2 edge switches, 3 k^3 / 4 links. k = 8: 128 one-NIC hosts, 16 +
    // 32 + 32 = 80 switches, 384 links; with its k / 2 aggregation switches per pod as ECMP paths, the same.
    const kAry = (k: number, ecmp = ''): [number, number, number] =>
      counts(site(`{ kind: fat-tree, nodes_per_leaf: ${k / 2}, leaves_per_pod: ${k / 2}${ecmp} }`, `[{ count: ${k ** 3 / 4}, device: H100, nics: 1 }]`, 'IB-NDR', `fabrics:\n  IB-NDR: { equipment: { switch_ports: ${k}, switch_price: 1, switch_power: 1W, transceiver_price: 0, transceiver_power: 0W, cable_price: 0 } }\n`));
    expect(kAry(8)).toEqual([80, 768, 384]);
    expect(kAry(8, ', ecmp: { mode: hash, paths: 4 }')).toEqual([80, 768, 384]);
    expect(kAry(4)).toEqual([20, 96, 48]);
    // One pod is the leaf-spine with the same leaves: its aggregation is the spine.
    expect(counts(site('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 16 }'))).toEqual(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4 }')));
  });

  it('rail-optimized: one leaf per rail per group, per plane at half the rate with two planes', () => {
    // Groups of 32: per group and rail a leaf of 32 down + 32 up (one switch): 16 leaves; 512 uplinks, 8 spines.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 32 }'))).toEqual([24, 2048, 1024]);
    // 2:1: 16 uplinks per rail leaf, 256 = 4 spines.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 32, oversubscription: 2 }'))).toEqual([20, 1536, 768]);
    // Two planes: every NIC's port split into two 200G links, one per plane; a switch has 128 such
    // ports. Per plane 16 rail leaves of 32 + 32 half-rate ports and a spine of 512 / 128 = 4: 40
    // switches; 2 x 1024 half-rate links = 1024 links' worth of transceivers at each end.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 32, planes: 2 }'))).toEqual([40, 2048, 2048]);
    // One group of 64 (HPN's point: twice the nodes under one rail leaf): 8 rails x 2 planes of
    // 64 half-rate ports, no spine.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 64, planes: 2 }'))).toEqual([16, 1024, 1024]);
    // Nodes with 4 NICs beside nodes with 8: rails 4-7 hold only the 8-NIC nodes. Groups of 4 (two
    // of each): rail leaves 0-3 have 4 ports down + 4 up, rails 4-7 two + two; 16 leaves, each one
    // switch; 2 x (16 + 8) = 48 uplinks, one spine.
    const mixed = '[{ count: 2, device: H100, nics: 4 }, { count: 2, device: H100 }, { count: 2, device: H100, nics: 4 }, { count: 2, device: H100 }]';
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 4 }', mixed))).toEqual([16 + 1, 2 * 96, 96]);
  });

  it("a leaf is built of whole rails per switch; a rail wider than a switch is no bill of these switches (cost empty, warned at the field)", () => {
    // NVIDIA's DGX SuperPOD (H100 reference architecture): 4 scalable units of 32 nodes, 8 rails, QM9700
    // (64 ports): per SU one leaf per rail, 32 down + 32 up, and 16 spines for the 1,024 uplinks: 48.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 32 }', '[{ count: 128, device: H100 }]'))).toEqual([48, 4096, 2048]);
    // Leaves of 32 8-NIC nodes at 4:1: a rail is 32 down + 8 up, two are 80 ports, so each of the
    // 8 rails is its own switch (a rail split over two would put its nodes 3 hops apart): 8 per leaf,
    // 32, and 256 uplinks on 4 spines: 36. Counted as ceil(320 ports / 64) = 5 per leaf, it was 24.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 32, oversubscription: 4 }', '[{ count: 128, device: H100 }]'))).toEqual([36, 2 * (1024 + 256), 1024 + 256]);
    // Groups of 64 at 1:1: a rail leaf is 64 down + 64 up, no 64-port switch; one group of 128 (no
    // spine): 128 down. Counted as 2 switches a rail leaf, they were the SuperPOD's 48 switches (4.39 M
    // USD) and 16 switches (1.91 M USD) for 128 nodes one hop apart that two unjoined switches per
    // rail cannot connect: now no price, and a warning says why.
    for (const topology of ['{ kind: rail-optimized, nodes_per_group: 64 }', '{ kind: rail-optimized, nodes_per_group: 128 }', '{ kind: rail-optimized, nodes_per_group: 64, oversubscription: 4 }', '{ kind: leaf-spine, nodes_per_leaf: 64 }', '{ kind: fat-tree, nodes_per_leaf: 64, leaves_per_pod: 2 }']) {
      const text = site(topology, '[{ count: 128, device: H100 }]');
      expect(cost(text), topology).toBeUndefined();
      const warnings = scenarioFromText(text).warnings.map((w) => `${w.path}: ${w.message}`);
      expect(warnings.some((w) => /^datacentres\[0\]\.topology\.nodes_per_(group|leaf): (rail group|leaf) 0 needs \d+ switch ports for one rail .*more than a switch's 64/.test(w)), topology).toBe(true);
      expect(runToCsv(scenarioFromText(text)).summary.fabric_capex).toBeNaN();
    }
    // Two planes halve the rate and double a switch's ports: one dual-plane group of 64 fits (HPN).
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 64, planes: 2 }'))).toEqual([16, 1024, 1024]);
    // Switches of 128 ports hold the rail leaf of 64 at 1:1 again.
    const big = `fabrics:\n  IB-NDR: { equipment: { switch_ports: 128, switch_price: 1, switch_power: 1W, transceiver_price: 0, transceiver_power: 0W, cable_price: 0 } }\n`;
    expect(cost(site('{ kind: rail-optimized, nodes_per_group: 64 }', '[{ count: 128, device: H100 }]', 'IB-NDR', big))?.switches).toBe(16 + 8);
  });

  it('two tiers join at most as many leaves as a switch has ports: more is no bill of these switches', () => {
    // Each spine switch takes a link from every leaf (from every leaf's switch of its rail, rail-split),
    // so 64-port switches join at most 64 leaves in two tiers (Al-Fares et al.: a two-tier folded Clos of
    // k-port switches has k^2 / 2 host ports). 1,024 8-NIC nodes in leaves of 16: 64 leaves of 4
    // switches and 128 spines, 384; 1,040 make 65 leaves, which two tiers of these switches cannot join:
    // before, billed 388 switches with nothing saying the fabric needs a third tier.
    const h100 = (n: number): string => `[{ count: ${n}, device: H100 }]`;
    expect(cost(site('{ kind: leaf-spine, nodes_per_leaf: 16 }', h100(1024)))?.switches).toBe(384);
    const wide = site('{ kind: leaf-spine, nodes_per_leaf: 16 }', h100(1040));
    expect(cost(wide)).toBeUndefined();
    expect(scenarioFromText(wide).warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(expect.stringMatching(/^datacentres\[0\]\.topology\.nodes_per_leaf: 65 leaves, more than a switch's 64 ports/));
    // The same leaves as a fat tree of 64-leaf pods: two pods under a core, priced.
    expect(cost(site('{ kind: fat-tree, nodes_per_leaf: 16, leaves_per_pod: 64 }', h100(1040)))).toBeDefined();
    expect(cost(site('{ kind: fat-tree, nodes_per_leaf: 16, leaves_per_pod: 65 }', h100(1040)))).toBeUndefined();
    // Rail groups: a rail's spine switch takes that rail's leaf of every group: 64 groups of 32 (2,048
    // nodes: 512 rail leaves, 256 spines) fit, 65 do not.
    expect(cost(site('{ kind: rail-optimized, nodes_per_group: 32 }', h100(2048)))?.switches).toBe(768);
    expect(cost(site('{ kind: rail-optimized, nodes_per_group: 32 }', h100(2049)))).toBeUndefined();
    // A k-ary fat tree at its size (k pods of k / 2 leaves) is priced; one pod more is not.
    const kAry = (k: number, pods: number): string =>
      site(`{ kind: fat-tree, nodes_per_leaf: ${k / 2}, leaves_per_pod: ${k / 2} }`, `[{ count: ${(pods * k * k) / 4}, device: H100, nics: 1 }]`, 'IB-NDR', `fabrics:\n  IB-NDR: { equipment: { switch_ports: ${k}, switch_price: 1, switch_power: 1W, transceiver_price: 0, transceiver_power: 0W, cable_price: 0 } }\n`);
    expect(cost(kAry(8, 8))?.switches).toBe(80);
    expect(cost(kAry(8, 9))).toBeUndefined();
  });

  it('a dragonfly router or a graph switch, crossed in one hop, must fit one switch: more is no bill of these switches', () => {
    // 1-NIC nodes, 64-port switches; 400 GB/s of local link is 9 NDR ports (46.5 GB/s each), 200 GB/s
    // of global 5. Routers of 50 nodes in groups of 2 (200 nodes, 2 groups): router 0 has 50 NIC ports,
    // 9 local, 5 global = 64, one switch. Of 51: 65, which the run crosses in one hop but a bill can
    // only build of two switches (more hops): before, billed as 2 switches with nothing said.
    const df = (perRouter: number): string =>
      site(`{ kind: dragonfly, nodes_per_router: ${perRouter}, routers_per_group: 2, local_bandwidth: 400GB/s, global_bandwidth: 200GB/s }`, `[{ count: ${4 * perRouter}, device: H100, nics: 1 }]`);
    expect(cost(df(50))).toBeDefined();
    expect(cost(df(51))).toBeUndefined();
    expect(scenarioFromText(df(51)).warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(
      expect.stringMatching(/^datacentres\[0\]\.topology\.nodes_per_router: router 0 needs 65 switch ports \(51 NIC ports, 9 local, 5 global\), more than a switch's 64/),
    );
    expect(runToCsv(scenarioFromText(df(51))).summary.fabric_capex).toBeNaN();
    // With 8-NIC nodes the router may be split into one plane per rail (as rail-split leaves are):
    // 408 NIC ports + 14 over 8 planes is 52.75 a plane, priced.
    expect(cost(site('{ kind: dragonfly, nodes_per_router: 51, routers_per_group: 2, local_bandwidth: 400GB/s, global_bandwidth: 200GB/s }', '[{ count: 204, device: H100 }]'))).toBeDefined();
    // A graph's switch likewise: 64 one-NIC nodes on it fit, 65 do not.
    const graph = (n: number): string => site(`{ kind: graph, switches: [a], attach: [${new Array(n).fill('a').join(', ')}] }`, `[{ count: ${n}, device: H100, nics: 1 }]`);
    expect(cost(graph(64))?.switches).toBe(1);
    expect(cost(graph(65))).toBeUndefined();
    expect(scenarioFromText(graph(65)).warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(expect.stringMatching(/^datacentres\[0\]\.topology\.switches: switch 'a' needs 65 switch ports/));
  });

  it('ecmp: `paths` spines (aggregation switches of a pod, core planes) are that many switches, each with its share of the ports', () => {
    const ls = (over: number, ecmp: string): string => site(`{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: ${over}${ecmp} }`);
    // 4:1: 8 uplinks per leaf, 128 in all, would fit 2 switches; spread over 8 spines (one uplink
    // from each leaf to each) they are 8 switches of 16 ports, in every mode: 16 leaves + 8.
    for (const mode of ['hash', 'adaptive', 'split']) expect(counts(ls(4, `, ecmp: { mode: ${mode}, paths: 8 }`))).toEqual([24, 1280, 640]);
    // 1:1 over 2 spines: 256 ports each, 4 switches each: what the 512 uplinks needed anyway.
    expect(counts(ls(1, ', ecmp: { mode: hash, paths: 2 }'))).toEqual(counts(ls(1, '')));
    // Fat tree at 2:1 with 4 aggregation switches per pod (and 4 core planes): a pod's 128 leaf
    // uplinks and 64 core uplinks over 4 switches of 48 ports (4, not 3, per pod); the core's 256
    // ports in 4 planes of 64 (4). 16 + 16 + 4.
    expect(counts(site('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, pod_oversubscription: 2, ecmp: { mode: hash, paths: 4 } }'))).toEqual([36, 2560, 1280]);
    // Rail groups of 32 at 4:1 hashed over 8 spines: 16 rail leaves of 32 + 8, 8 spines of 16 ports.
    expect(counts(site('{ kind: rail-optimized, nodes_per_group: 32, oversubscription: 4, ecmp: { mode: hash, paths: 8 } }'))).toEqual([24, 1280, 640]);
    // One leaf: no spine to spread over, whatever paths says.
    expect(counts(site('{ kind: leaf-spine, nodes_per_leaf: 8, ecmp: { mode: hash, paths: 4 } }', '[{ count: 8, device: H100 }]'))).toEqual([1, 128, 64]);
  });

  it("NICs at another rate than the fabric's ports: uplinks by bandwidth, each NIC its bandwidth in ports", () => {
    const at = (rate: string, topology = '{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1 }'): [number, number, number] => counts(site(topology, `[{ count: 64, device: H100, nic_rate: ${rate} }]`));
    // The fabric's own rate: as without nic_rate.
    expect(at('400Gbps')).toEqual(counts(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1 }')));
    // 200G NICs, non-blocking: a leaf's 32 NICs carry 16 ports' worth, so 16 uplinks (what the run
    // gives it: 32 x 200 Gb/s); 16 leaves of 32 + 16 ports, a spine of 256 / 64 = 4. Each NIC's link
    // is half a port (half a transceiver per end), its own cable: 512 + 256 cables, 2 x (256 + 256) ends.
    expect(at('200Gbps')).toEqual([20, 1024, 768]);
    // 800G NICs: two ports each; a leaf 64 down + 64 up (2 switches), a spine of 1,024 / 64 = 16.
    expect(at('800Gbps')).toEqual([48, 4096, 1536]);
    // Rail leaves likewise: groups of 32, each rail leaf 32 half-port NICs and 16 uplinks; 4 spines.
    expect(at('200Gbps', '{ kind: rail-optimized, nodes_per_group: 32 }')).toEqual([20, 1024, 768]);
    // A fat tree's leaves and pods: leaves of 4 at 200G, pods of 4 leaves at 2:1: a pod 64 leaf
    // uplinks + 32 to the core (2 switches), a core of 128 ports (2). 16 + 8 + 2.
    expect(at('200Gbps', '{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, pod_oversubscription: 2 }')).toEqual([26, 2 * (256 + 256 + 128), 512 + 256 + 128]);
    // A graph switch and a dragonfly router hold their NICs' ports: four 8-NIC 800G nodes, 64 ports.
    const four = '[{ count: 4, device: H100, nic_rate: 800Gbps }]';
    expect(counts(site('{ kind: graph, switches: [a], attach: [a, a, a, a] }', four))).toEqual([1, 128, 32]);
    expect(counts(site('{ kind: graph, switches: [a], attach: [a, a, a, a, a] }', `[{ count: 5, device: H100, nic_rate: 800Gbps }]`))).toEqual([2, 160, 40]);
    expect(counts(site('{ kind: dragonfly, nodes_per_router: 4, routers_per_group: 1, local_bandwidth: 46.5GB/s, global_bandwidth: 46.5GB/s }', four))).toEqual([1, 128, 32]);
  });

  it('torus: no switches, one link per neighbour pair of as many ports as its bandwidth needs', () => {
    // 4 x 4 x 4 with wraparound: 3 axes x 64 pairs; 46.5 GB/s is one NDR port (400 Gb/s x 0.93).
    expect(counts(site('{ kind: torus, dims: [4, 4, 4], link_bandwidth: 46.5GB/s }'))).toEqual([0, 384, 192]);
    // 100 GB/s needs three ports per link.
    expect(counts(site('{ kind: torus, dims: [4, 4, 4], link_bandwidth: 100GB/s }'))).toEqual([0, 6 * 192, 3 * 192]);
    // A 4 x 3 mesh: 3 pairs in each of 3 rows, 2 in each of 4 columns; a 2 x 2 torus: one pair per ring.
    expect(counts(site('{ kind: torus, dims: [4, 3], link_bandwidth: 40GB/s, wraparound: false }', '[{ count: 12, device: H100 }]'))).toEqual([0, 34, 17]);
    expect(counts(site('{ kind: torus, dims: [2, 2], link_bandwidth: 40GB/s }', '[{ count: 4, device: H100 }]'))).toEqual([0, 8, 4]);
  });
});

describe('prices and summary.csv', () => {
  const eq = FABRIC_PRESETS['IB-NDR']!.equipment!;

  it('prices the bill with the fabric equipment figures', () => {
    const c = cost(site('{ kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, pod_oversubscription: 2 }'))!;
    // 32 switches x 36,000 + 2,560 transceivers x 600 + 1,280 cables x 100.
    expect(eq.switch_price).toBe(36000);
    expect(c.capex).toBe(32 * 36000 + 2560 * 600 + 1280 * 100);
    // 32 x 1,176 W + 2,560 x 9 W.
    expect(c.kw).toBeCloseTo((32 * 1176 + 2560 * 9) / 1000, 9);
  });

  it('summary.csv: fabric_capex and fabric_kw with the flow network; empty without it, or without figures', () => {
    const text = site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }');
    const flow = runToCsv(scenarioFromText(text)).summary;
    expect(flow.fabric_capex).toBe(20 * 36000 + 1536 * 600 + 768 * 100);
    expect(flow.fabric_kw).toBeCloseTo((20 * 1176 + 1536 * 9) / 1000, 9);
    const ideal = runToCsv(scenarioFromText(text.replace('network: flow', 'network: ideal')));
    expect(ideal.summary.fabric_capex).toBeNaN();
    // fabric_capex, fabric_kw, fabric_energy_kwh empty, then layout_near_tie_jobs.
    expect(ideal.summaryCsv.trim().split('\n')[1]!.endsWith(',,,0')).toBe(true);
    expect(ideal.summary.fabric_energy_kwh).toBeNaN();
    // RoCE-400G carries no equipment figures in the catalogue: empty, not 0.
    expect(runToCsv(scenarioFromText(site('{ kind: leaf-spine }', undefined, 'RoCE-400G'))).summary.fabric_capex).toBeNaN();
    // A scenario can give them.
    const own = `fabrics:\n  RoCE-400G: { equipment: { switch_ports: 128, switch_price: 1, switch_power: 1000W, transceiver_price: 0, transceiver_power: 0W, cable_price: 0 } }\n`;
    const roce = runToCsv(scenarioFromText(site('{ kind: leaf-spine, nodes_per_leaf: 8 }', undefined, 'RoCE-400G', own))).summary;
    // Leaves of 8 nodes: 64 down + 64 up in one 128-port switch (8 leaves); 512 uplinks, 4 spines.
    expect(roce.fabric_capex).toBe(12);
    expect(roce.fabric_kw).toBe(12);
  });

  it("summary.csv: fabric_energy_kwh is fabric_kw, always on, times the site's PUE over the run; energy_kwh leaves it out", () => {
    const text = site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }').replace('    fabric: IB-NDR', '    fabric: IB-NDR\n    pue: 1.25');
    const r = runToCsv(scenarioFromText(text)).summary;
    const hours = r.makespan_s / 3600;
    expect(hours).toBeGreaterThan(0);
    expect(r.fabric_energy_kwh).toBeCloseTo(r.fabric_kw * 1.25 * hours, 9);
    // The devices' energy is the same whatever the fabric draws.
    const free = `fabrics:\n  IB-NDR: { equipment: { switch_ports: 64, switch_price: 0, switch_power: 0W, transceiver_price: 0, transceiver_power: 0W, cable_price: 0 } }\n`;
    const r0 = runToCsv(scenarioFromText(site('{ kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 2 }', undefined, 'IB-NDR', free).replace('    fabric: IB-NDR', '    fabric: IB-NDR\n    pue: 1.25'))).summary;
    expect(r0.fabric_energy_kwh).toBe(0);
    expect(r0.energy_kwh).toBe(r.energy_kwh);
  });

  it('empty when a site has nodes on different fabrics (no site fabric, kinds whose usual fabrics differ)', () => {
    const text = site('{ kind: leaf-spine }', '[{ count: 2, device: H100 }, { count: 2, device: A100-80GB }]').replace('    fabric: IB-NDR\n', '');
    const cluster = new Cluster(scenarioFromText(text).shape);
    expect(cluster.kinds.map((k) => k.spec.default_fabric)).toEqual(['IB-NDR', 'IB-HDR']);
    expect(fabricCost(cluster)).toBeUndefined();
  });

  it('refuses incomplete equipment with file, line and field', () => {
    const own = `fabrics:\n  RoCE-400G: { equipment: { switch_ports: 0, switch_price: 1 } }\n`;
    let msg = '';
    try {
      scenarioFromText(site('{ kind: leaf-spine }', undefined, 'RoCE-400G', own));
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/test\.yaml:\d+:\d+: fabrics\.RoCE-400G\.equipment\.switch_ports/);
    expect(msg).toMatch(/fabrics\.RoCE-400G\.equipment\.transceiver_price/);
  });
});
