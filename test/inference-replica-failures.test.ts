// Device and node failures reach a colocated service's replicas: the replica is lost, the requests
// it held start over on the others (their arrival kept), a replacement serves after the restart
// delay, and nothing is counted twice. Before, a replica on a failed device served on as if
// nothing had happened (a warning said so).
import { describe, expect, it } from 'vitest';
import type { RequestRow, ServiceRow } from '../src/sim/inference/service-rows.js';
import { simulate } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

/** A toy device whose decode step is the weight read: 2 GB at 200 GB/s, 10 ms a step. */
function scenario(o: { replicas: number; nodes: number; failures: string; restart?: string; count?: number; rate?: number; seed?: number; extra?: string }): string {
  return `name: rf
seed: ${o.seed ?? 1}
devices:
  toy:
    peak: 1EFLOPS
    memory: 1000GB
    memory_bandwidth: 200GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
datacentres:
  - name: dc
    node_groups: [{ count: ${o.nodes}, device: toy }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 0 }
    replicas: { count: ${o.replicas}, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0${o.restart ? `, restart_delay: ${o.restart}` : ''} }
    max_batch: 8
${o.extra ?? ''}    streams:
      - arrival: { process: poisson, rate: ${o.rate ?? 20}/s }
        prompt_tokens: 100
        output_tokens: 50
        count: ${o.count ?? 20000}
${o.failures ? `failures:\n${o.failures}` : ''}`;
}

function run(text: string): { row: ServiceRow; requests: RequestRow[]; failures: number; endS: number } {
  const requests: RequestRow[] = [];
  const r = simulate(scenarioFromText(text), { requestSink: (q) => requests.push(q) });
  return { row: r.services[0]!, requests, failures: r.summary.failures, endS: r.endS };
}

describe('replica failures (colocated services)', () => {
  const failures = '  devices: { toy: { mtbf: 300s, repair: 120s } }\n';
  const base = { replicas: 3, nodes: 5, count: 20000 };
  const faulty = run(scenario({ ...base, failures, restart: '30s' }));
  const clean = run(scenario({ ...base, failures: '' }));

  it('loses replicas, starts their requests over, and still serves every request exactly once', () => {
    expect(faulty.failures).toBeGreaterThan(0);
    expect(faulty.row.replica_failures).toBeGreaterThan(0);
    expect(faulty.row.replica_failures).toBeLessThanOrEqual(faulty.failures);
    expect(faulty.row.requests_retried).toBeGreaterThan(0);
    expect(faulty.row.requests + faulty.row.requests_unfinished + faulty.row.requests_rejected).toBe(20000);
    expect(faulty.row.requests).toBe(20000);
    const ids = new Set(faulty.requests.map((q) => `${q.stream}/${q.request_id}`));
    expect(ids.size).toBe(20000);
    expect(clean.row.replica_failures).toBe(0);
    expect(clean.row.requests_retried).toBe(0);
  });

  it('counts each output token once: the tokens a lost replica made are taken back', () => {
    // Every request completes, so output tokens = 20,000 x 50 whatever was redone.
    expect(faulty.row.tokens_per_s * faulty.endS).toBeCloseTo(20000 * 50, 3);
    expect(clean.row.tokens_per_s * clean.endS).toBeCloseTo(20000 * 50, 3);
  });

  it('takes back the chunks a lost replica prefilled too (chunked prefill)', () => {
    const chunked = run(scenario({ ...base, failures, restart: '30s', extra: '    chunked_prefill: { token_budget: 64 }\n' }));
    expect(chunked.row.requests_retried).toBeGreaterThan(0);
    expect(chunked.row.requests).toBe(20000);
    expect(chunked.row.tokens_per_s * chunked.endS).toBeCloseTo(20000 * 50, 3);
  });

  it('the lost time shows in the latencies of the requests that started over', () => {
    expect(faulty.row.e2e_latency_p99_s).toBeGreaterThan(clean.row.e2e_latency_p99_s);
    const worst = (rows: RequestRow[]): number => Math.max(...rows.map((q) => q.e2e_latency_s));
    expect(worst(faulty.requests)).toBeGreaterThan(worst(clean.requests));
  });

  it('replaces a lost replica on a free node after the restart delay', () => {
    // With spare nodes, replicas held never exceed the count (a lost one is gone before its
    // replacement takes devices) and the time-averaged count stays near it.
    expect(faulty.row.replicas_max).toBe(3);
    expect(faulty.row.replicas_mean).toBeGreaterThan(2.5);
    expect(faulty.row.replicas_mean).toBeLessThanOrEqual(3);
  });

  it('with its only replica lost, requests wait at the router until the replacement serves', () => {
    const one = run(scenario({ replicas: 1, nodes: 2, count: 3000, rate: 5, failures, restart: '45s' }));
    expect(one.row.replica_failures).toBeGreaterThan(0);
    expect(one.row.requests).toBe(3000);
    // Some request arrived while nothing served: its first token waited for the replacement's load.
    expect(one.row.ttft_p99_s).toBeGreaterThan(1);
    expect(Math.max(...one.requests.map((q) => q.ttft_s))).toBeGreaterThan(20);
  });

  it('is deterministic: the same scenario gives the same rows', () => {
    const again = run(scenario({ ...base, failures, restart: '30s' }));
    expect(again.row).toEqual(faulty.row);
    expect(again.requests).toEqual(faulty.requests);
  });
});

describe('replica failures (disaggregated services)', () => {
  const disaggregated = (o: { prefill: number; decode: number; nodes: number; failures: string; extra?: string; count?: number; rate?: number }): string =>
    scenario({ replicas: 1, nodes: o.nodes, failures: o.failures, count: o.count ?? 10000, rate: o.rate ?? 20, extra: o.extra ?? '' }).replace(
      /    replicas: \{ count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 \}\n/,
      `    prefill: { count: ${o.prefill}, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0, restart_delay: 20s }\n` +
        `    decode: { count: ${o.decode}, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0, restart_delay: 20s }\n`,
    );
  const failures = '  devices: { toy: { mtbf: 150s, repair: 60s } }\n';
  // A KV cache of 1 MB a token, so that KV transfers take time on the fabric (and can be cut by a failure).
  const kv = (text: string): string => text.replace('kv_bytes_per_token: 0', 'kv_bytes_per_token: 10000000');

  for (const [label, extra] of [
    ['', ''],
    [' with chunked prefill', '    chunked_prefill: { token_budget: 64 }\n'],
    [' with KV streamed layer by layer', '    kv_streaming: layerwise\n'],
  ] as const) {
    it(`loses prefill and decode replicas, starts their requests over, and counts each token once${label}`, () => {
      const r = run(kv(disaggregated({ prefill: 2, decode: 2, nodes: 6, failures, extra, count: 4000 })));
      const clean = run(kv(disaggregated({ prefill: 2, decode: 2, nodes: 6, failures: '', extra, count: 4000 })));
      expect(r.row.replica_failures).toBeGreaterThan(0);
      expect(r.row.requests_retried).toBeGreaterThan(0);
      expect(r.row.requests).toBe(4000);
      expect(r.row.requests_unfinished).toBe(0);
      expect(new Set(r.requests.map((q) => q.request_id)).size).toBe(4000);
      expect(r.row.tokens_per_s * r.endS).toBeCloseTo(4000 * 50, 3);
      expect(clean.row.replica_failures).toBe(0);
      expect(r.row.e2e_latency_p99_s).toBeGreaterThan(clean.row.e2e_latency_p99_s);
    });
  }

  it('with a pool lost whole, requests wait at the router until its replacement serves', () => {
    const r = run(kv(disaggregated({ prefill: 1, decode: 1, nodes: 3, failures, count: 3000, rate: 5 })));
    expect(r.row.replica_failures).toBeGreaterThan(0);
    expect(r.row.requests).toBe(3000);
    expect(Math.max(...r.requests.map((q) => q.e2e_latency_s))).toBeGreaterThan(15);
    expect(r.row.tokens_per_s * r.endS).toBeCloseTo(3000 * 50, 3);
  });
});

describe('stragglers among inference replicas', () => {
  // One request at a time on one replica: each decode step is the 10 ms weight read, 49 steps a request.
  const one = (stragglers: string, extra = ''): ServiceRow => run(scenario({ replicas: 1, nodes: 1, count: 50, rate: 0.1, failures: stragglers, extra })).row;

  it("a replica iterates at its slowest device's pace: half speed doubles every step", () => {
    const nominal = one('');
    const slow = one('  stragglers: { toy: { fraction: 1, slowdown: 0.5 } }\n');
    expect(nominal.tpot_p50_s).toBeCloseTo(0.01, 9);
    expect(slow.tpot_p50_s).toBeCloseTo(0.02, 9);
  });

  it('reaches the decode pool of a disaggregated service too', () => {
    const pools = (stragglers: string): ServiceRow =>
      run(
        scenario({ replicas: 1, nodes: 2, count: 50, rate: 0.1, failures: stragglers }).replace(
          /    replicas: \{ count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 \}\n/,
          '    prefill: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n    decode: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n',
        ),
      ).row;
    const nominal = pools('');
    const slow = pools('  stragglers: { toy: { fraction: 1, slowdown: 0.5 } }\n');
    expect(nominal.kv_bytes).not.toBeNaN(); // a disaggregated row (colocated ones leave it empty)
    expect(slow.tpot_p50_s / nominal.tpot_p50_s).toBeGreaterThan(1.9);
  });
});
