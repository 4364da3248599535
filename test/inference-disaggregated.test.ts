// Disaggregated serving: the physics it rests on. KV bytes per token of a GQA model equal the
// formula; on an idle fabric a KV transfer takes bytes / bottleneck bandwidth + route latency;
// transfers sharing a link slow each other as max-min says; and taking prefill off the decode
// replicas removes the prefill-decode interference that a colocated replica shows in its TPOT.
import { describe, expect, it } from 'vitest';
import { kvBytesPerToken } from '../src/model/inference/replica-model.js';
import { DisaggregatedService } from '../src/sim/inference/disaggregated-service.js';
import { simulate, type Simulation } from '../src/sim/simulation.js';
import { readFileSync } from 'node:fs';
import { reportMetrics } from '../src/experiment/report.js';
import { repoPath, scenarioFromText } from './helpers.js';

// A toy device: compute negligible, so prefill and a decode step both take one weight read
// (1B params in bf16 = 2 GB at 200 GB/s = 10 ms). One NIC per node at 400 Gb/s, efficiency 1.
const TOY = `devices:
  toy:
    peak: 1EFLOPS
    memory: 1000GB
    memory_bandwidth: 200GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
`;
const FABRIC = `{ preset: IB-NDR, port_rate: 400Gbps, efficiency: 1, hop_latency: 1us, endpoint_latency: 2us }`;

interface Svc {
  name: string;
  prompt: number;
  output?: number;
  count?: number;
  rate?: string;
  start?: string;
  kvBytesPerToken: number;
}

function twoSites(svcs: Svc[], link = '10Gbps', latency = '5ms'): string {
  const services = svcs
    .map(
      (s) => `  - name: ${s.name}
    model: { params: 1B, kv_bytes_per_token: ${s.kvBytesPerToken} }
    prefill: { count: 1, device: toy, datacentre: east, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    decode: { count: 1, device: toy, datacentre: west, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    max_batch: 8
    balancer: round-robin
    streams:
      - arrival: { process: poisson, rate: ${s.rate ?? '1/s'} }
        start: ${s.start ?? '0s'}
        prompt_tokens: ${s.prompt}
        output_tokens: ${s.output ?? 10}
        count: ${s.count ?? 1}
`,
    )
    .join('');
  return `name: kv
seed: 1
${TOY}datacentres:
  - name: east
    fabric: ${FABRIC}
    node_groups: [{ count: ${svcs.length}, device: toy }]
  - name: west
    fabric: ${FABRIC}
    node_groups: [{ count: ${svcs.length}, device: toy }]
links:
  - { between: [east, west], latency: ${latency}, bandwidth: ${link} }
services:
${services}`;
}

function run(text: string): { sim: Simulation; services: DisaggregatedService[]; result: ReturnType<typeof simulate> } {
  let sim: Simulation | undefined;
  const result = simulate(scenarioFromText(text), { observe: (s) => void (sim = s) });
  const services = sim!.inference!.services.map((s) => s as DisaggregatedService);
  return { sim: sim!, services, result };
}

describe('disaggregated serving', () => {
  it('KV bytes per token of a GQA model equal layers x 2 x kv_heads x head_dim x bytes', () => {
    // Llama 3.1 70B: 80 layers, 8 KV heads of 128 in bf16 (Meta's model card; Ainslie et al. 2023).
    expect(kvBytesPerToken(80, 8192, 2, 8, 128)).toBe(80 * 2 * 8 * 128 * 2);
    // The resolved service uses it, and a run moves exactly prompt tokens x that per request.
    const text = `name: gqa
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
services:
  - name: chat
    model: { params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }
    prefill: { count: 1, tensor_parallel: 8, device: H100, datacentre: dc }
    decode: { count: 1, tensor_parallel: 8, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 2/s }
        prompt_tokens: 1000
        output_tokens: 20
        count: 50
`;
    const { services, result } = run(text);
    expect(services[0]!.svc.model.kvBytesPerToken).toBe(327_680);
    expect(result.services[0]!.requests).toBe(50);
    expect(services[0]!.kvBytes).toBe(50 * 1000 * 327_680);
  });

  it('on an idle fabric a KV transfer takes bytes / bottleneck bandwidth + route latency', () => {
    // 1000 tokens x 1 MB = 1 GB over the 10 Gb/s inter-DC link (the bottleneck: NICs are 400 Gb/s).
    const { services, result } = run(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6 }]));
    const bytes = 1000 * 1e6;
    // Route: endpoint 2 us + 4 switch hops (leaf, border; long-haul, the far leaf: each site is one
    // leaf, its top tier, with no spine) x 1 us + 5 ms.
    const latencyS = 2e-6 + 4 * 1e-6 + 5e-3;
    expect(services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(bytes / (10e9 / 8) + latencyS, 9);
    // The transfer counts in TPOT (the gap to the second token), not in TTFT.
    expect(result.services[0]!.ttft_p50_s).toBeCloseTo(0.01, 9); // one prefill iteration: a 10 ms weight read
    // Nine decode steps, each a 10 ms weight read plus the KV read of its context (1,001 + k tokens
    // x 1 MB at 200 GB/s).
    let decodeS = 0;
    for (let k = 0; k < 9; k++) decodeS += 0.01 + ((1001 + k) * 1e6) / 200e9;
    expect(result.services[0]!.tpot_p50_s).toBeCloseTo((bytes / (10e9 / 8) + latencyS + decodeS) / 9, 9);
  });

  it('without a slow long link, the NIC rail is the bottleneck', () => {
    const { services } = run(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6 }], '1600Gbps', '1ms'));
    expect(services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(1e9 / (400e9 / 8) + 2e-6 + 4e-6 + 1e-3, 9);
  });

  it('two services sharing the inter-DC link slow each other as max-min says', () => {
    // Both prefills end at the same instant (first arrivals at t=0 +- nothing: start pinned), so
    // the two KV flows start together on the 10 Gb/s link: each gets half until the smaller ends,
    // then the larger gets it all.
    const small = 500 * 1e6;
    const large = 1500 * 1e6;
    const cap = 10e9 / 8;
    const latencyS = 2e-6 + 4e-6 + 5e-3;
    const shared = run(
      twoSites([
        { name: 'a', prompt: 500, kvBytesPerToken: 1e6, rate: '1000000/s' },
        { name: 'b', prompt: 1500, kvBytesPerToken: 1e6, rate: '1000000/s' },
      ]),
    );
    const [a, b] = shared.services;
    // Arrivals differ by microseconds (Poisson at 1e6/s); the prefills take one 10 ms read each.
    expect(a!.kvTransfer.quantile(0.5)).toBeCloseTo((2 * small) / cap + latencyS, 3);
    expect(b!.kvTransfer.quantile(0.5)).toBeCloseTo((small + large) / cap + latencyS, 3);
    // Alone, each would take bytes / cap + latency.
    const alone = run(twoSites([{ name: 'b', prompt: 1500, kvBytesPerToken: 1e6, rate: '1000000/s' }]));
    expect(alone.services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(large / cap + latencyS, 9);
  });

  it('a KV transfer shares the inter-DC link with a bulk data transfer, max-min', () => {
    // A 1 GB dataset transfer and a 1 GB KV cache start together: each gets 5 Gb/s.
    const text =
      twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6, start: '0s', rate: '1000000/s' }]).replace('services:\n', `transfers:\n  - { name: data, from: east, to: west, size: 1GB, start: 10ms }\nservices:\n`);
    const { services } = run(text);
    expect(services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(2e9 / (10e9 / 8) + 2e-6 + 6e-6 + 5e-3, 3);
  });

  it('disaggregation removes the prefill-decode interference colocated replicas show in TPOT p99', () => {
    // Llama 3.1 8B on H100s, long prompts (8,000 tokens) and short outputs at 12 requests/s.
    // Colocated, every prefill iteration (about a quarter of a second of compute) pauses the whole
    // running batch, and each replica starts one about every 0.7 s, so a request's decode is
    // interrupted by others' prefills (DistServe, sec. 2.2). Disaggregated on the same 8 GPUs
    // (4 prefill + 4 decode), decode steps never wait for a prefill; the KV (8,000 x 128 KiB =
    // 1 GB) crosses the 400 Gb/s fabric in about 20 ms, once per request.
    const common = `    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    max_batch: 64
    balancer: least-outstanding
    streams:
      - arrival: { process: poisson, rate: 12/s }
        prompt_tokens: 8000
        output_tokens: { distribution: uniform, min: 50, max: 200 }
        count: 2000
`;
    const head = `name: interference
seed: 3
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ count: 8, device: H100, devices_per_node: 1 }]
services:
  - name: chat
`;
    const colocated = simulate(scenarioFromText(`${head}    replicas: { count: 8, device: H100, datacentre: dc }\n${common}`)).services[0]!;
    const disagg = simulate(
      scenarioFromText(`${head}    prefill: { count: 4, device: H100, datacentre: dc }\n    decode: { count: 4, device: H100, datacentre: dc }\n${common}`),
    ).services[0]!;
    expect(colocated.requests).toBe(2000);
    expect(disagg.requests).toBe(2000);
    // Measured: colocated 9.3 ms p50 / 14.7 ms p99; disaggregated 7.4 / 8.3 ms.
    expect(disagg.tpot_p99_s).toBeLessThan(0.7 * colocated.tpot_p99_s);
    expect(disagg.tpot_p99_s / disagg.tpot_p50_s).toBeLessThan(1.25);
    expect(colocated.tpot_p99_s / colocated.tpot_p50_s).toBeGreaterThan(1.4);
  });

  it('within one node the KV crosses NVLink: latency + bytes / (link rate x efficiency x tensor-parallel ranks)', () => {
    const text = `name: nvlink
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    prefill: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    decode: { count: 1, tensor_parallel: 4, device: H100, datacentre: dc }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        prompt_tokens: 2000
        output_tokens: 20
        count: 1
`;
    const { sim, services } = run(text);
    const ic = sim.cluster.kinds[services[0]!.svc.kind]!.spec.interconnect;
    const bytes = 2000 * 32 * 2 * 8 * 128 * 2;
    expect(services[0]!.kvBytes).toBe(bytes);
    expect(services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(ic.latency + bytes / (ic.bandwidth * ic.efficiency * 4), 12);
  });

  it('refuses a service with both replicas and pools, or one pool only, located', () => {
    const base = twoSites([{ name: 'a', prompt: 10, kvBytesPerToken: 1 }]);
    expect(() => scenarioFromText(base.replace('    decode:', '    replicas: { count: 1, device: toy, datacentre: west }\n    decode:'))).toThrow(/services\[0\]\.replicas: give either `replicas`/);
    expect(() => scenarioFromText(base.replace(/ {4}decode:.*\n/, ''))).toThrow(/services\[0\]\.prefill: disaggregated serving needs both a `prefill` and a `decode` pool; `decode` is missing/);
  });

  it('is deterministic', () => {
    const text = twoSites([{ name: 'a', prompt: 800, kvBytesPerToken: 1e5, count: 300, rate: '20/s' }]);
    expect(JSON.stringify(run(text).result.services)).toBe(JSON.stringify(run(text).result.services));
  });
});

describe('the prefill:decode ratio of scenarios/inference-disaggregated.yaml (the rows its comment documents)', () => {
  const text = readFileSync(repoPath('scenarios/inference-disaggregated.yaml'), 'utf8');
  const at = (p: number, d: number) => simulate(scenarioFromText(text.replace('prefill: { count: 4,', `prefill: { count: ${p},`).replace('decode: { count: 8,', `decode: { count: ${d},`))).services[0]!;
  it.each([
    // P, D, goodput/s, TTFT p99 s, TPOT p99 s, SLO attainment (unfinished requests past an objective count as misses)
    [1, 8, 4.998, 2.164, 0.02632, 0.8415],
    [2, 1, 1.507, 0.6914, 1.125, 0.2652],
    [2, 2, 5.907, 0.6648, 0.03014, 0.9972],
    [4, 8, 5.927, 0.5270, 0.02624, 0.9989],
  ])('%i:%i', (p, d, goodput, ttftP99, tpotP99, slo) => {
    const s = at(p, d);
    const near = (got: number, want: number): void => expect(Math.abs(got / want - 1)).toBeLessThan(0.005);
    near(s.goodput_rps, goodput);
    near(s.ttft_p99_s, ttftP99);
    near(s.tpot_p99_s, tpotP99);
    near(s.slo_attainment, slo);
  });
});

describe('the report of a serving sweep', () => {
  it('charts goodput and TPOT p99 beside TTFT p99 for each service, of the metrics the summary has', () => {
    const available = ['utilisation', ...['ttft_p50_s', 'ttft_p99_s', 'tpot_p50_s', 'tpot_p99_s', 'goodput_rps', 'kv_transfer_p50_s', 'slo_attainment'].map((m) => `services.chat.${m}`), 'services.batch.ttft_p99_s', 'services.batch.tpot_p99_s'];
    expect(reportMetrics({ header: ['metric'], rows: available.map((m) => [m]) })).toEqual([
      'utilisation',
      'services.chat.ttft_p99_s',
      'services.chat.tpot_p99_s',
      'services.chat.goodput_rps',
      'services.chat.slo_attainment',
      'services.batch.ttft_p99_s',
      'services.batch.tpot_p99_s',
    ]);
  });
});

describe('layer-wise KV streaming (kv_streaming: layerwise), by hand', () => {
  // The toy's prefill is one 10 ms iteration. Streaming sends all but the last layer's KV during it,
  // in a flow capped at the rate the KV is made (bytes / 10 ms); at its end that flow gives way to
  // one with what it had left plus the last layer's KV. kv_transfer_p50_s measures from the end.
  const layerwise = (text: string): string => text.replace('    max_batch: 8\n', '    max_batch: 8\n    kv_streaming: layerwise\n');
  const lat = (interDcS: number): number => 2e-6 + 4 * 1e-6 + interDcS;

  it('on a slow link the 10 ms of prefill carry 10 ms of the link: the transfer ends 10 ms sooner', () => {
    const base = run(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6 }]));
    const streamed = run(layerwise(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6 }])));
    const link = 10e9 / 8;
    expect(base.services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(1e9 / link + lat(5e-3), 9);
    expect(streamed.services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo((1e9 - 0.01 * link) / link + lat(5e-3), 9);
    // The first token still leaves when the prefill ends; all the bytes move either way.
    expect(streamed.result.services[0]!.ttft_p50_s).toBeCloseTo(0.01, 9);
    expect(streamed.services[0]!.kvBytes).toBe(1e9);
  });

  it('where the NIC rail (50 GB/s) is the bottleneck, half of a 1 GB cache leaves during the prefill', () => {
    const streamed = run(layerwise(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e6 }], '1600Gbps', '1ms')));
    expect(streamed.services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(0.5e9 / 50e9 + lat(1e-3), 9);
  });

  it('when the KV is made slower than the network carries it, only the last layer waits for the prefill', () => {
    // 100 MB made over 10 ms = 10 GB/s, under the 50 GB/s rail: the first layers are across by then.
    const streamed = run(layerwise(twoSites([{ name: 'a', prompt: 1000, kvBytesPerToken: 1e5 }], '1600Gbps', '1ms')));
    const layers = streamed.services[0]!.svc.model.layers;
    expect(layers).toBeGreaterThan(1);
    expect(streamed.services[0]!.kvTransfer.quantile(0.5)).toBeCloseTo(1e8 / layers / 50e9 + lat(1e-3), 9);
  });

  it('many requests: every KV arrives, the same bytes move, TPOT falls, and same seed gives the same rows', () => {
    const svc = [{ name: 'a', prompt: 2000, kvBytesPerToken: 2e5, count: 200, rate: '20/s' }];
    const base = run(twoSites(svc, '100Gbps', '2ms'));
    const a = run(layerwise(twoSites(svc, '100Gbps', '2ms')));
    const b = run(layerwise(twoSites(svc, '100Gbps', '2ms')));
    expect(a.result.services[0]!.requests).toBe(200);
    expect(a.result.services[0]!.requests_unfinished).toBe(0);
    expect(a.services[0]!.kvBytes).toBe(base.services[0]!.kvBytes);
    expect(a.result.services[0]!.tpot_p50_s).toBeLessThan(base.result.services[0]!.tpot_p50_s);
    expect(a.result.services[0]!.ttft_p50_s).toBeCloseTo(base.result.services[0]!.ttft_p50_s, 9);
    expect(JSON.stringify(a.result.services)).toBe(JSON.stringify(b.result.services));
  });

  it('is refused on a colocated service', () => {
    const colocated = `name: c
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: s
    model: { params: 8B }
    replicas: { count: 1, device: H100, datacentre: dc }
    kv_streaming: layerwise
    streams:
      - arrival: { process: poisson, rate: 1/s }
        count: 1
`;
    expect(() => scenarioFromText(colocated)).toThrow(/services\[0\]\.kv_streaming: KV streaming is how a disaggregated service moves the KV cache/);
  });
});

describe('max_batch_tokens on a decode pool', () => {
  it('is refused: a decode pool prefills nothing, so the limit was accepted and never applied', () => {
    const text = `name: d
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
services:
  - name: s
    model: { params: 8B }
    prefill: { count: 1, device: H100, datacentre: dc }
    decode: { count: 1, device: H100, datacentre: dc, max_batch_tokens: 100 }
    streams:
      - arrival: { process: poisson, rate: 1/s }
        count: 1
`;
    expect(() => scenarioFromText(text)).toThrow(/test\.yaml:10:\d+: services\[0\]\.decode\.max_batch_tokens: a decode pool prefills no prompts/);
    expect(scenarioFromText(text.replace('decode: { count: 1, device: H100, datacentre: dc, max_batch_tokens: 100 }', 'decode: { count: 1, device: H100, datacentre: dc }').replace('prefill: { count: 1,', 'prefill: { max_batch_tokens: 100, count: 1,')).scenario.services).toHaveLength(1);
  });
});
