// An inference service's times that no real deployment has are warned at their line: the likely
// cause is a number without a unit, read in seconds (`ttft: 500` is 500 s, `regions: { eu: { dc: 5 } }`
// is 5 s one way, `step_overhead: 2` is 2 s an iteration), and a run with it prints confident
// numbers nobody meant (slo_attainment 100% against a 500 s objective, a 10 s TTFT from a region).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { bundled, scenarioFromText } from './helpers.js';

const scenario = (service: string, stream = ''): string => `name: svc
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    ${service}
    streams:
      - { arrival: { process: poisson, rate: 5/s }, prompt_tokens: 200, output_tokens: 50, count: 50${stream} }
`;

const withReplicas = (extra = ''): string => `replicas: { count: 2, device: H100, datacentre: dc${extra} }`;

const warnings = (service: string, stream = ''): string[] => scenarioFromText(scenario(service, stream)).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);

describe('implausible inference service times', () => {
  it('warns SLO objectives given as bare numbers, read as seconds, with the likely meaning', () => {
    const w = warnings(`${withReplicas()}\n    slo: { ttft: 500, tpot: 50, e2e: 20000 }`);
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/^9:services\[0\]\.slo\.ttft: a time-to-first-token objective of 8\.33min is longer than any serving SLO sets/);
    expect(w[0]).toContain("write '500ms' if milliseconds were meant");
    expect(w[1]).toMatch(/^9:services\[0\]\.slo\.tpot: a time-per-output-token objective of 50s is longer than any serving SLO sets/);
    expect(w[1]).toContain("write '50ms' if milliseconds were meant");
    expect(w[2]).toMatch(/^9:services\[0\]\.slo\.e2e: an end-to-end objective of 5\.56h is longer than any serving SLO sets/);
  });

  it('warns a client region latency no network path has', () => {
    const regions = `${withReplicas()}\n    regions: { eu: { dc: 5 }, us: { dc: 5m } }`;
    const w = warnings(regions, ', region: eu');
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^9:services\[0\]\.regions\.eu\.dc: a one-way latency of 5s from client region 'eu' is more than any network path on Earth adds/);
    expect(w[0]).toContain("a number without a unit is seconds: write '5ms' if milliseconds were meant");
    expect(w[1]).toMatch(/^9:services\[0\]\.regions\.us\.dc: a one-way latency of 5min from client region 'us'/);
    expect(w[1]).toContain("'5m' is 5min: write '5ms' if milliseconds were meant");
  });

  it('warns a per-iteration step overhead of a second or more, on every pool', () => {
    const w = warnings(withReplicas(', step_overhead: 2'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^8:services\[0\]\.replicas\.step_overhead: a fixed time per iteration of 2s is more than any serving engine spends between its kernels/);
    expect(w[0]).toContain("write '2ms' if milliseconds were meant");
    const pools = 'prefill: { count: 1, device: H100, datacentre: dc, step_overhead: 3 }\n    decode: { count: 1, device: H100, datacentre: dc, step_overhead: 1s }';
    const d = warnings(pools);
    expect(d.map((m) => m.split(': ')[0])).toEqual(['8:services[0].prefill.step_overhead', '9:services[0].decode.step_overhead']);
  });

  it('says nothing of real figures, the loosest published ones included', () => {
    // MLPerf Inference's Llama 3.1 405B objectives (TTFT 6 s, TPOT 175 ms), DistServe's summarisation
    // TTFT (15 s), a geostationary satellite hop (about 280 ms one way), vLLM's per-step overheads.
    const fine = [
      `${withReplicas(', step_overhead: 50ms')}\n    slo: { ttft: 6s, tpot: 175ms, e2e: 30min }`,
      `${withReplicas(', step_overhead: 0.02')}\n    slo: { ttft: 15, tpot: 0.2 }\n    regions: { eu: { dc: 280ms } }`,
      `${withReplicas()}\n    slo: { ttft: 59s }\n    regions: { eu: { dc: 0.5 } }`,
    ];
    for (const f of fine) expect(warnings(f, f.includes('regions') ? ', region: eu' : ''), f).toEqual([]);
  });

  it('says nothing of any bundled scenario', () => {
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      const messages = bundled(f.replace(/\.yaml$/, '')).warnings.map((w) => w.message);
      expect(messages.filter((m) => /serving SLO sets|network path on Earth|serving engine spends/.test(m)), f).toEqual([]);
    }
  });
});
