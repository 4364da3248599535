// TPOT as vLLM's benchmark measures it at the client: (e2e latency - TTFT) / (output tokens - 1).
// A disaggregated service's first token leaves the prefill site and the rest the decode site; with
// client regions at different distances from the two, tpot_s was the servers' (finish_s -
// first_token_s) / (n - 1), so ttft + (n - 1) x tpot fell short of e2e by the difference in
// latency: a client 5 ms from the prefill site and 50 ms from the decode site saw 45 ms more
// between its first and last tokens than tpot_s and the TPOT objective counted.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { simulate } from '../src/sim/simulation.js';
import type { RequestRow } from '../src/sim/inference/service-rows.js';

const scenario = (regions: string, tpot: string): string => `name: tpot
seed: 1
horizon: 10min
datacentres:
  - name: east
    node_groups: [{ count: 1, device: H100 }]
  - name: west
    node_groups: [{ count: 1, device: A100-80GB }]
links:
  - { between: [east, west], latency: 10ms, bandwidth: 100Gbps }
services:
  - name: s
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    prefill: { count: 1, device: H100, datacentre: east }
    decode: { count: 1, device: A100-80GB, datacentre: west }
    slo: { tpot: ${tpot} }
    regions:
      eu: ${regions}
    streams:
      - region: eu
        arrival: { process: poisson, rate: 0.1/s }
        prompt_tokens: 4000
        output_tokens: 10
`;

function run(regions: string, tpot = '1s'): { rows: RequestRow[]; svc: ReturnType<typeof simulate>['services'][number] } {
  const rows: RequestRow[] = [];
  const r = simulate(loadScenario(scenario(regions, tpot), 'tpot.yaml'), { requestSink: (row) => void rows.push(row) });
  return { rows, svc: r.services[0]! };
}

describe('TPOT is measured where the client is', () => {
  it('tpot_s = (e2e_latency_s - ttft_s) / (output tokens - 1), with the first and last tokens from sites at different distances', () => {
    const { rows } = run('{ east: 5ms, west: 50ms }');
    expect(rows.length).toBeGreaterThan(40);
    for (const row of rows) {
      expect(row.tpot_s).toBeCloseTo((row.e2e_latency_s - row.ttft_s) / (row.output_tokens - 1), 12);
      // 45 ms more on the way back, over 9 gaps: 5 ms a token above the servers' own pace.
      expect(row.tpot_s - (row.finish_s - row.first_token_s) / (row.output_tokens - 1)).toBeCloseTo(0.045 / 9, 12);
    }
  });

  it('the TPOT objective counts what the client sees', () => {
    const near = run('{ east: 5ms, west: 5ms }');
    const pace = Math.max(...near.rows.map((r) => r.tpot_s));
    // An objective just above the servers' pace: met with both sites 5 ms away, missed by every
    // request when the decode site is 45 ms farther (5 ms a token more).
    const objective = `${(pace + 0.001).toFixed(6)}s`;
    expect(run('{ east: 5ms, west: 5ms }', objective).svc.slo_attainment).toBe(1);
    expect(run('{ east: 5ms, west: 50ms }', objective).svc.slo_attainment).toBe(0);
  });
});
