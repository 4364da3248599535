// The network made real: placement- and contention-aware step times, the Llama 3 calibration,
// inter-DC latency and bandwidth, shared uplinks, transfers between sites.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { fifo } from '../src/policy/fifo.js';
import type { Placement, Placer, JobView } from '../src/policy/types.js';
import type { ResolvedPolicies } from '../src/policy/registry.js';
import { simulate, type LinkRow, type TransferRow } from '../src/sim/simulation.js';
import type { JobRow } from '../src/sim/metrics.js';
import { Cluster } from '../src/model/cluster.js';
import { FlowNetwork } from '../src/model/network/flow-network.js';
import { Topology } from '../src/model/network/topology.js';
import { repoPath, runToCsv, scenarioFromText } from './helpers.js';

function runJobs(text: string, policies?: ResolvedPolicies): { jobs: Map<string, JobRow>; transfers: TransferRow[] } {
  const jobs = new Map<string, JobRow>();
  const transfers: TransferRow[] = [];
  simulate(scenarioFromText(text), { jobSink: (r) => jobs.set(r.job_id, r), transferSink: (t) => transfers.push(t), ...(policies ? { policies } : {}) });
  return { jobs, transfers };
}

const scenarioText = (name: string): string => readFileSync(repoPath(`scenarios/${name}.yaml`), 'utf8');

describe('Llama 3 405B calibration', () => {
  it('predicts the published MFU within 5 points at 16,384 and 8,192 GPUs (there with the paper\'s partition: spread evenly the first stage is tight)', () => {
    const full = runJobs(scenarioText('llama3-405b')).jobs.get('llama3-405b')!;
    expect(Math.abs(full.effective_compute_ratio - 0.41)).toBeLessThan(0.05);
    expect(full.placement_span).toBe('dc');
    // At 8,192 GPUs (DP 64, 32 micro-batches) the first stage, which holds the embedding beside 7.875
    // layers, needs 67.2 GiB spread evenly, 84% of an H100's 79.6 GiB, since grouped-query
    // attention's keys and values are kept at their 8 groups' width (74.5 GiB, 94%, a tight-memory
    // warning, when they were counted at the full width; the estimate leaves out NCCL's buffers and
    // fragmentation); the paper takes a layer off the first and last stages (section 3.3.2),
    // 7 + 14 x 8 + 7 layers: 59.8 GiB. With the 53,248-wide SwiGLU FFN's activations counted at
    // that width (6 bytes an element: 19.5 s b h where GPT's 4h GeLU keeps 16), spread evenly it is
    // tight again, 73.8 GiB (93%; 74.1 before the embedding's output was taken as the first layer's input, counted with it); the paper's partition 65.7 GiB (83%; 65.9 before).
    const half = scenarioText('llama3-405b').replace('count: 2048', 'count: 1024').replace('devices: 16384', 'devices: 8192').replace('dp: 128', 'dp: 64');
    const tight = (text: string): string[] => scenarioFromText(text).warnings.map((w) => w.message).filter((m) => m.includes('of the 79.6 GiB of each H100'));
    expect(tight(half)).toEqual(['needs 73.8 GiB per device, 93% of the 79.6 GiB of each H100; the estimate leaves out communication buffers and allocator fragmentation, which may not fit']);
    expect(explainJob(scenarioFromText(half), 'llama3-405b').memory.total_gib).toBeCloseTo(73.81, 1);
    const partitioned = half.replace('sharded: true }', 'sharded: true, stage_layers: [7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 7] }');
    expect(tight(partitioned)).toEqual([]);
    expect(explainJob(scenarioFromText(partitioned), 'llama3-405b').memory.total_gib).toBeCloseTo(65.7, 1);
    const row = runJobs(partitioned).jobs.get('llama3-405b')!;
    expect(row.status).toBe('completed');
    expect(Math.abs(row.effective_compute_ratio - 0.43)).toBeLessThan(0.05);
  });
});

describe('two data centres', () => {
  const withLink = (latency: string, bandwidth: string): string =>
    scenarioText('two-dc-latency').replace('latency: 1ms, bandwidth: 400Gbps', `latency: ${latency}, bandwidth: ${bandwidth}`);
  const ecr = (latency: string, bandwidth = '400Gbps'): number => runJobs(withLink(latency, bandwidth)).jobs.get('split-13b')!.effective_compute_ratio;

  it('the effective compute ratio falls monotonically as inter-DC latency rises from 10 us to 10 ms', () => {
    const latencies = ['10us', '30us', '100us', '300us', '1ms', '3ms', '10ms'];
    const ratios = latencies.map((l) => ecr(l));
    for (let i = 1; i < ratios.length; i++) expect(ratios[i]!).toBeLessThan(ratios[i - 1]!);
    // 10 ms of latency on every data-parallel step costs more than a twentieth of the job's ECR.
    expect(ratios[0]! - ratios[ratios.length - 1]!).toBeGreaterThan(0.05 * ratios[0]!);
  });

  it('rises with inter-DC bandwidth', () => {
    const ratios = ['25Gbps', '100Gbps', '400Gbps', '1600Gbps'].map((b) => ecr('1ms', b));
    for (let i = 1; i < ratios.length; i++) expect(ratios[i]!).toBeGreaterThan(ratios[i - 1]!);
  });

  it('a job that fits in one site beats the same job split across two', () => {
    const split = runJobs(scenarioText('two-dc-latency')).jobs.get('split-13b')!;
    const oneSite = runJobs(scenarioText('two-dc-latency').replace('devices: 64', 'devices: 32').replace('tokens: 20B', 'tokens: 10B')).jobs.get('split-13b')!;
    expect(split.placement_span).toBe('multi-dc');
    expect(oneSite.placement_span).toBe('leaf');
    expect(oneSite.effective_compute_ratio).toBeGreaterThan(split.effective_compute_ratio);
  });
});

describe('a data-parallel ring over two sites', () => {
  // Two sites of two 8-GPU nodes (nodes 0, 1 in east; 2, 3 in west), one job on all four: tensor
  // parallel inside each node, a ring of 4 nodes for data parallelism. Listed site by site, the
  // ring crosses the long-haul link twice; alternating sites, on every hop.
  const sites = (latency: string, zero = 1): string => `name: ring
datacentres:
  - { name: east, fabric: IB-NDR, node_groups: [{ count: 2, device: H100 }] }
  - { name: west, fabric: IB-NDR, node_groups: [{ count: 2, device: H100 }] }
links:
  - { between: [east, west], latency: ${latency}, bandwidth: 3200Gbps }
workloads:
  - jobs:
      - { name: j, devices: 32, params: 13B, tokens: 2B, model: { global_batch: 512K }, layout: { tp: 8, pp: 1, dp: 4, zero: ${zero} } }
`;
  const inOrder = (nodes: number[]): ResolvedPolicies => ({
    queue: fifo.create({}),
    placer: { place: (): Placement => ({ kind: 0, nodes, counts: [8, 8, 8, 8] }) },
    queueName: 'fifo',
    placementName: 'pinned',
  });
  const exposed = (latency: string, nodes: number[], zero = 1): number => runJobs(sites(latency, zero), inOrder(nodes)).jobs.get('j')!.exposed_comm_s;

  it("pays the long-haul latency per step as a pipelined ring crosses it: (sum of hops - fastest) / (k - 1), not the slowest hop on every step", () => {
    // The distributed optimizer's reduce-scatter and all-gather (zero 1) run as rings. Per step,
    // alternating sites pays L; site by site (2L + l - l... ) / 3 = 2L/3 plus the
    // fabric's microseconds, which do not move with L. So the exposed time's growth with L is
    // 3/2 as steep alternating as site by site (the synchronous-step reading made them equal).
    const slope = (nodes: number[]): number => (exposed('40ms', nodes) - exposed('20ms', nodes)) / 0.02;
    const bySite = slope([0, 1, 2, 3]);
    const alternating = slope([0, 2, 1, 3]);
    expect(bySite).toBeGreaterThan(0);
    expect(alternating / bySite).toBeCloseTo(1.5, 6);
    expect(exposed('20ms', [0, 2, 1, 3])).toBeGreaterThan(exposed('20ms', [0, 1, 2, 3]));
  });

  it("pays an all-reduce's latency along NCCL's trees: twice the link a pass site by site, once alternating", () => {
    // zero 0: 40 gradient buckets, each all-reduced. Site by site NCCL's trees over positions
    // 0..3 (0 -> 2 -> 1 and its mirror) cross the link twice a pass: 4L a bucket, as the ring's
    // two passes do. Alternating sites their edges 0 -> 2 and 3 -> 1 stay in a site and the paths
    // cross once: the tree's 2L a bucket, cheaper than that ring's 6L.
    const slope = (nodes: number[]): number => (exposed('40ms', nodes, 0) - exposed('20ms', nodes, 0)) / 0.02;
    expect(slope([0, 1, 2, 3])).toBeCloseTo(40 * 4, 6);
    expect(slope([0, 2, 1, 3])).toBeCloseTo(40 * 2, 6);
  });
});

describe('shared leaf uplinks', () => {
  // Two leaves of two 8-GPU nodes, uplinks 4:1 oversubscribed.
  const pool = (jobs: string): string => `name: uplinks
datacentres:
  - name: dc
    fabric: IB-NDR
    nodes_per_leaf: 2
    oversubscription: 4
    node_groups: [{ count: 4, device: H100 }]
workloads:
  - jobs:
${jobs}
`;
  // A fixed layout (tp 8 within each node, dp 2 across the uplink): the automatic one would pick
  // a split whose data-parallel traffic the step hides, which is not what this test is about.
  const job = (name: string): string => `      - { name: ${name}, devices: 16, params: 13B, tokens: 2B, model: { global_batch: 512K }, layout: { tp: 8, pp: 1, dp: 2 } }`;
  /** Places each job on the two nodes it is told (gang of 2 x 8 devices). */
  const pinned = (where: Record<string, [number, number]>): ResolvedPolicies => {
    const placer: Placer = {
      place(j: JobView): Placement | undefined {
        const [a, b] = where[j.name]!;
        return { kind: 0, nodes: [a, b], counts: [8, 8] };
      },
    };
    return { queue: fifo.create({}), placer, queueName: 'fifo', placementName: 'pinned' };
  };

  it('two jobs crossing the same oversubscribed uplinks each run slower than alone; separate racks remove the slowdown', () => {
    const aloneCross = runJobs(pool(job('a')), pinned({ a: [0, 2] })).jobs.get('a')!;
    const bothCross = runJobs(pool(`${job('a')}\n${job('b')}`), pinned({ a: [0, 2], b: [1, 3] })).jobs;
    expect(bothCross.get('a')!.effective_compute_ratio).toBeLessThan(aloneCross.effective_compute_ratio * 0.99);
    expect(bothCross.get('b')!.effective_compute_ratio).toBeLessThan(aloneCross.effective_compute_ratio * 0.99);
    expect(bothCross.get('a')!.placement_span).toBe('dc');

    const aloneRack = runJobs(pool(job('a')), pinned({ a: [0, 1] })).jobs.get('a')!;
    const separate = runJobs(pool(`${job('a')}\n${job('b')}`), pinned({ a: [0, 1], b: [2, 3] })).jobs;
    expect(separate.get('a')!.effective_compute_ratio).toBeCloseTo(aloneRack.effective_compute_ratio, 9);
    expect(separate.get('b')!.effective_compute_ratio).toBeCloseTo(aloneRack.effective_compute_ratio, 9);
    expect(separate.get('a')!.placement_span).toBe('leaf');
  });
});

describe('data transfers between sites', () => {
  const sites = (transfers: string): string => `name: transfers
datacentres:
  - { name: a, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [a, b], latency: 5ms, bandwidth: 100Gbps }
workloads:
  - jobs:
      - { name: train, devices: 8, params: 7B, tokens: 1B, device_kinds: [H100] }
transfers:
${transfers}
`;

  it('links.csv counts the bytes that crossed each link', () => {
    const links: LinkRow[] = [];
    simulate(scenarioFromText(sites('  - { name: dataset, from: a, to: b, size: 1TB, start: 10s }')), { linkSink: (l) => links.push(l) });
    const wan = links.find((l) => l.link.includes('a->b'))!;
    expect(wan.bytes_carried).toBe(1e12);
    expect(wan.peak_concurrent_flows).toBe(1);
    expect(wan.capacity_gbps).toBeCloseTo(100, 9);
    expect(links.find((l) => l.link.includes('b->a'))).toBeUndefined();
  });

  it('one transfer alone takes size / bandwidth plus the propagation delay', () => {
    const { transfers } = runJobs(sites('  - { name: dataset, from: a, to: b, size: 1TB, start: 10s }'));
    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.duration_s).toBeCloseTo(1e12 / 12.5e9 + 0.005, 6);
    expect(transfers[0]!.start_s).toBe(10);
  });

  it('two concurrent transfers share the link; a job waits for its dataset; a checkpoint leaves after its job', () => {
    const { transfers, jobs } = runJobs(
      sites(`  - { name: d1, from: a, to: b, size: 1TB, before: train }
  - { name: d2, from: a, to: b, size: 1TB }
  - { name: ckpt, from: a, to: b, size: 100GB, after: train }`),
    );
    const byName = new Map(transfers.map((t) => [t.transfer, t]));
    expect(byName.get('d1')!.duration_s).toBeCloseTo((2 * 1e12) / 12.5e9 + 0.005, 6);
    const train = jobs.get('train')!;
    expect(train.start_s).toBeCloseTo(byName.get('d1')!.finish_s, 9);
    expect(train.queueing_delay_s).toBeCloseTo(byName.get('d1')!.finish_s, 9);
    expect(byName.get('ckpt')!.start_s).toBeCloseTo(train.finish_s, 9);
    expect(byName.get('ckpt')!.duration_s).toBeCloseTo(100e9 / 12.5e9 + 0.005, 6);
  });
});

describe('inter-DC windows: per connection, in bytes', () => {
  const withLink = (link: string): string => scenarioText('two-dc-latency').replace('latency: 1ms, bandwidth: 400Gbps', link);

  it('a window is a size: 16MiB, 4MB and a bare number of bytes; 16B is 16 bytes, not 16e9', () => {
    const windowOf = (w: string): number | undefined => scenarioFromText(withLink(`latency: 1ms, bandwidth: 400Gbps, window: ${w}`)).interDc[0]!.windowBytes;
    expect(windowOf('16MiB')).toBe(16 * 2 ** 20);
    expect(windowOf('4MB')).toBe(4e6);
    expect(windowOf('4194304')).toBe(4194304);
    expect(windowOf('16B')).toBe(16);
    expect(() => scenarioFromText(withLink('latency: 1ms, bandwidth: 400Gbps, window: 16'))).not.toThrow();
    expect(() => scenarioFromText(withLink('latency: 1ms, bandwidth: 400Gbps, window: 16Gbps'))).toThrow(/links\[0\]\.window/);
  });

  // The window covers a connection's whole round trip: NIC to NIC, through both sites' switches and
  // the long haul. Between the two sites of two-dc-latency (IB-NDR: 0.47 us endpoint, 150 ns a
  // hop; one leaf per site, which is the site's top tier: no spine): the leaf up (1 hop), the
  // border, long-haul and far site's top tier, its leaf (3), nothing below it: one way 1 ms +
  // 0.47 us + 4 x 0.15 us = 1.00107 ms, RTT 2.00214 ms (before 2026-12-07 the RTT was the long
  // haul's alone, 2 ms: 0.11% too high a cap here, 2.1% on a 50 us link; later that day each
  // one-leaf site still counted a spine it does not build, 6 hops: 2.00274 ms).
  const rttS = 2 * (1e-3 + 0.47e-6 + 4 * 0.15e-6);

  it("a route's window cap is window / twice its whole one-way latency, fabric hops included", () => {
    const resolved = scenarioFromText(withLink('latency: 1ms, bandwidth: 400Gbps, window: 4MiB'));
    const topo = new Topology(new Cluster(resolved.shape), new FlowNetwork(), resolved.interDc);
    const route = topo.route(0, 4);
    expect(route.latencyS).toBeCloseTo(rttS / 2, 15);
    expect(route.connectionCapBytesPerS / ((4 * 2 ** 20) / rttS) - 1).toBeLessThan(1e-12);
    expect(route.connectionCapBytesPerS / ((4 * 2 ** 20) / rttS) - 1).toBeGreaterThan(-1e-12);
  });

  it("caps each NIC rail's connection, not the job's whole cross-site traffic: 8 rails x window / RTT", () => {
    // 8 GPUs and 8 NICs per node, tensor-parallel inside nodes: each site-crossing node pair
    // carries 8 rails. With a 4 MiB window and a 2.00214 ms RTT each rail gets 2.1 GB/s, the pair
    // 8x that, exactly what the same link without a window but of that bandwidth gives.
    // One layout for all three (the automatic one is chosen on each placement's links, and the
    // windowed link, capped per pair rather than in total, favours a pipeline across the sites).
    const fixed = (link: string): string => withLink(link).replace('tokens: 20B', 'tokens: 20B\n        layout: { tp: 1, pp: 1, dp: 64, zero: 2 }');
    const windowBytes = 4 * 2 ** 20;
    const pairBytesPerS = (8 * windowBytes) / rttS;
    const windowed = runJobs(fixed(`latency: 1ms, bandwidth: 400Gbps, window: 4MiB`)).jobs.get('split-13b')!;
    const narrow = runJobs(fixed(`latency: 1ms, bandwidth: ${(pairBytesPerS * 8) / 1e9}Gbps`)).jobs.get('split-13b')!;
    const open = runJobs(fixed('latency: 1ms, bandwidth: 400Gbps')).jobs.get('split-13b')!;
    expect(windowed.layout).toBe('tp1 pp1 dp64 zero2 mb16');
    expect(windowed.step_time_s).toBeGreaterThan(open.step_time_s * 1.01);
    expect(Math.abs(windowed.step_time_s - narrow.step_time_s) / narrow.step_time_s).toBeLessThan(1e-9);
  });

  it('a transfer is one connection unless it says how many it opens', () => {
    const text = (connections: string): string => `name: transfers
datacentres:
  - { name: a, node_groups: [{ count: 1, device: H100 }] }
  - { name: b, node_groups: [{ count: 1, device: H100 }] }
links:
  - { between: [a, b], latency: 5ms, bandwidth: 100Gbps, window: 16MiB }
workloads:
  - jobs:
      - { name: train, devices: 8, work: 1e18, device_kinds: [H100] }
transfers:
  - { name: dataset, from: a, to: b, size: 100GB${connections} }
`;
    const perConnection = (16 * 2 ** 20) / 0.01;
    const one = runJobs(text('')).transfers[0]!;
    expect(one.duration_s).toBeCloseTo(100e9 / perConnection + 0.005, 6);
    const four = runJobs(text(', connections: 4')).transfers[0]!;
    expect(four.duration_s).toBeCloseTo(100e9 / (4 * perConnection) + 0.005, 6);
    // Enough connections and the link itself is the limit again.
    const many = runJobs(text(', connections: 64')).transfers[0]!;
    expect(many.duration_s).toBeCloseTo(100e9 / 12.5e9 + 0.005, 6);
  });
});

describe('RoCE against InfiniBand', () => {
  it('the presets differ in settable parameters, and the same pool can be run on both', () => {
    const ib = runJobs(scenarioText('roce-vs-ib'));
    const roce = runJobs(scenarioText('roce-vs-ib').replace(/^ {4}fabric: .*$/m, '    fabric: RoCE-400G'));
    expect(roce.jobs.size).toBe(ib.jobs.size);
    // The pool's effective compute ratio, not a sum of the jobs' own: the two runs place and start
    // the generated jobs differently, so a job's own ratio mixes the fabric with where it landed
    // (with the 16-bit tile cost of 160, 15 jobs ran better on IB and 16 on RoCE, their ratios
    // summing to 30.77 and 30.92, while the pool's are 0.1998 and 0.1979).
    const pool = (text: string): number => runToCsv(scenarioFromText(text)).summary.effective_compute_ratio_pool;
    expect(pool(scenarioText('roce-vs-ib').replace(/^ {4}fabric: .*$/m, '    fabric: RoCE-400G'))).toBeLessThan(pool(scenarioText('roce-vs-ib')));
  });
});
