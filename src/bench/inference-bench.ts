// Inference throughput: a million requests through 100 continuously batching replicas behind a
// power-of-two balancer, at 80% load. Reports requests per second of wall time and peak memory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../model/load-scenario.js';
import { simulate } from '../sim/simulation.js';
import type { BenchRow } from './engine-bench.js';

/** 100 replicas of a 70B model on 4 x H100 each, batch up to 64, lognormal prompt and output lengths. */
export function inferenceScenarioText(requests: number, replicas = 100, balancer = 'power-of-two'): string {
  // One replica at a full batch serves about 8 requests/s of these sizes; aim at ~80% of the pool.
  const rate = 6.5 * replicas;
  return `name: inference-bench
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: ${Math.ceil(replicas / 2)}, device: H100 }]
services:
  - name: chat
    model: { params: 70B, layers: 80, hidden_size: 8192, kv_heads: 8, head_dim: 128 }
    replicas: { count: ${replicas}, tensor_parallel: 4, device: H100, datacentre: dc, step_overhead: 1ms }
    max_batch: 64
    balancer: ${balancer}
    slo: { ttft: 1s, tpot: 50ms }
    streams:
      - arrival: { process: poisson, rate: ${rate}/s }
        prompt_tokens: { distribution: lognormal, median: 512, sigma: 0.8, max: 8000 }
        output_tokens: { distribution: lognormal, median: 200, sigma: 0.8, max: 2000 }
        count: ${requests}
`;
}

export function runInferenceBench(requests = 1_000_000): BenchRow[] {
  simulate(loadScenario(inferenceScenarioText(20_000), 'inference-bench.yaml')); // JIT warm-up
  const colocated = timedRow('inference: 100 replicas, power-of-two, continuous batching', loadScenario(inferenceScenarioText(requests), 'inference-bench.yaml'));
  return [colocated, runPrefixCached(requests), runDisaggregated(requests)];
}

/**
 * The colocated case with prefix caching: every prompt starts with one of 10,000 shared 256-token
 * prefixes (Zipf), each replica caches them in its free KV memory, and the cache-aware balancer
 * looks at every replica's cache for every request.
 */
function runPrefixCached(requests: number): BenchRow {
  const text = inferenceScenarioText(requests, 100, 'cache-aware')
    .replace('median: 512, sigma: 0.8, max: 8000', 'median: 512, sigma: 0.8, min: 300, max: 8000')
    .replace(/^( *)count: (\d+)$/m, (_m, indent: string, n: string) => `${indent}prefixes: { count: 10000, tokens: 256 }\n${indent}count: ${n}`);
  return timedRow('inference: 100 replicas, prefix caching, cache-aware', loadScenario(text, 'inference-bench.yaml'));
}

/** Simulate `resolved` once and report its first service: wall time, rates, latencies, peak memory. */
function timedRow(name: string, resolved: ReturnType<typeof loadScenario>): BenchRow {
  const t0 = performance.now();
  const r = simulate(resolved);
  const wallS = (performance.now() - t0) / 1000;
  const s = r.services[0]!;
  return {
    case: name,
    scale: s.requests,
    wall_s: wallS,
    requests_per_s: s.requests / wallS,
    events: r.events,
    events_per_s: r.events / wallS,
    simulated_s: r.endS,
    ttft_p99_s: s.ttft_p99_s,
    tpot_p50_s: s.tpot_p50_s,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * scenarios/inference-disaggregated.yaml (prefill on H100 in one site, decode on A100 in another,
 * every KV cache a flow over the inter-DC link) with `requests` requests and a horizon long enough
 * for them: issue 16's target is 1M requests under 10 s.
 */
function runDisaggregated(requests: number): BenchRow {
  const file = fileURLToPath(new URL('../../scenarios/inference-disaggregated.yaml', import.meta.url));
  const text = readFileSync(file, 'utf8')
    .replace(/^horizon: .*$/m, `horizon: ${Math.ceil(requests / 5)}s`)
    .replace(/^( *)output_tokens: (.*)$/m, (_m, indent: string, rest: string) => `${indent}output_tokens: ${rest}\n${indent}count: ${requests}`);
  return timedRow('inference: disaggregated prefill/decode, KV over the inter-DC link', loadScenario(text, file));
}
