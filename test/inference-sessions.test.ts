// Multi-turn sessions in request traces (a session_id column): a later turn's cached prefix is its
// conversation so far (the previous turn's prompt + output), kept by the replica that served it.
// Hand-checked: a second turn routed to the same replica prefills only its new tokens; one routed
// elsewhere prefills them all; a disaggregated prefill replica keeps the prompt (its output's KV is
// on the decode replica); a shorter prompt restarts the history.
import { describe, expect, it } from 'vitest';
import { parseRequestTrace } from '../src/scenario/traces/request-trace.js';
import { traceLayout } from '../src/model/inference/resolve-services.js';
import { causalPairs, prefillS } from '../src/model/inference/replica-model.js';
import type { Replica } from '../src/sim/inference/replica.js';
import type { RequestRow, ServiceRow } from '../src/sim/inference/service-rows.js';
import { simulate, type Simulation } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';
import { sessionTrace } from './session-trace.js';

// A toy device: 1B params in bf16, 2 TFLOP/s (a prompt token costs 1 ms of prefill) and 200 GB/s
// (a decode step reads 2 GB of weights: 10 ms); the KV cache takes no memory (kv_bytes_per_token 0).
const DEVICE = `devices:
  toy:
    peak: 2TFLOPS
    memory: 1000GB
    memory_bandwidth: 200GB/s
    busy_power: 100W
    idle_power: 10W
    efficiency: 1
    devices_per_node: 1
    interconnect: { name: x, bandwidth: 100GB/s, latency: 1us }
`;

function colocated(csv: string, balancer: string, replicas = 1): string {
  return `name: sessions
seed: 1
${DEVICE}datacentres:
  - name: dc
    node_groups: [{ count: ${replicas}, device: toy }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 0 }
    replicas: { count: ${replicas}, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    max_batch: 1
    balancer: ${balancer}
    streams:
      - arrival: { process: trace, csv: "${csv.replace(/\n/g, '\\n')}" }
`;
}

/** Run `text`; every replica must end with no KV reserved or pinned (a session's KV moved to the cache, not leaked). */
function run(text: string): { rows: RequestRow[]; hitRate: number; service: ServiceRow } {
  const rows: RequestRow[] = [];
  let sim: Simulation | undefined;
  const r = simulate(scenarioFromText(text), { requestSink: (row) => void rows.push(row), observe: (s) => void (sim = s) });
  const svc = sim!.inference!.services[0] as unknown as { serving?: Replica[]; prefill?: { held: Set<{ kvHeldTokens: number; prefixCache: { pinnedTokens: number } }> } };
  for (const replica of svc.serving ?? []) {
    expect(replica.kvReservedTokens).toBe(0);
    expect(replica.prefixCache.pinnedTokens).toBe(0);
  }
  for (const p of svc.prefill?.held ?? []) {
    expect(p.kvHeldTokens).toBe(0);
    expect(p.prefixCache.pinnedTokens).toBe(0);
  }
  rows.sort((a, b) => a.arrival_s - b.arrival_s);
  return { rows, hitRate: r.services[0]!.prefix_hit_rate, service: r.services[0]! };
}

// Session a: turn 1 at 0 s (1,000 prompt tokens, 11 out), turn 2 at 10 s whose 1,500-token prompt
// holds turn 1's 1,011 tokens and 489 new ones; session b, one turn at 5 s, in between.
const TWO_TURNS = 'timestamp,prompt_tokens,output_tokens,session_id\n0,1000,11,a\n5,700,11,b\n10,1500,11,a\n';

describe('multi-turn sessions', () => {
  it('a second turn on the replica that served the first prefills only its new tokens', () => {
    const { rows, hitRate } = run(colocated(TWO_TURNS, 'round-robin'));
    const t = scenarioFromText(colocated(TWO_TURNS, 'round-robin')).services[0]!.timing;
    // Turn 1: 1,000 tokens x 1 ms = 1 s to the first token (and their attention, 43 ms), then 10
    // decode steps of 10 ms.
    const first = prefillS(t, 1000, causalPairs(1000, 0));
    expect(first).toBeCloseTo(1.0 + causalPairs(1000, 0) * t.attentionSPerPair, 12);
    expect(rows[0]!.ttft_s).toBeCloseTo(first, 12);
    expect(rows[0]!.e2e_latency_s).toBeCloseTo(first + 0.1, 12);
    // Turn 2: 1,500 - 1,011 = 489 tokens to prefill, attending to the 1,011 held too: 0.489 s and
    // their attention (1.5 s and the whole prompt's attention without the session's KV).
    expect(rows[2]!.ttft_s).toBeCloseTo(prefillS(t, 489, causalPairs(489, 1011)), 12);
    expect(rows[2]!.ttft_s).toBeCloseTo(0.489 + causalPairs(489, 1011) * t.attentionSPerPair, 12);
    // One lookup (a first turn has no history to find), one hit.
    expect(hitRate).toBe(1);
  });

  it('round-robin sends the second turn to the other replica (a miss); cache-aware keeps it', () => {
    // Session a alone on two replicas: round-robin alternates; cache-aware finds the holder.
    const csv = 'timestamp,prompt_tokens,output_tokens,session_id\n0,1000,11,a\n10,1500,11,a\n';
    const rr = run(colocated(csv, 'round-robin', 2));
    const t = scenarioFromText(colocated(csv, 'round-robin', 2)).services[0]!.timing;
    expect(rr.rows[1]!.replica).not.toBe(rr.rows[0]!.replica);
    expect(rr.rows[1]!.ttft_s).toBeCloseTo(prefillS(t, 1500, causalPairs(1500, 0)), 12);
    expect(rr.hitRate).toBe(0);
    const ca = run(colocated(csv, 'cache-aware', 2));
    expect(ca.rows[1]!.replica).toBe(ca.rows[0]!.replica);
    expect(ca.rows[1]!.ttft_s).toBeCloseTo(prefillS(t, 489, causalPairs(489, 1011)), 12);
    expect(ca.hitRate).toBe(1);
  });

  it('a disaggregated prefill replica keeps the prompt: the next turn prefills the rest', () => {
    const text = `name: sessions
seed: 1
${DEVICE}datacentres:
  - name: dc
    node_groups: [{ count: 2, device: toy }]
services:
  - name: s
    model: { params: 1B, kv_bytes_per_token: 0 }
    prefill: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    decode: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }
    max_batch: 1
    balancer: round-robin
    streams:
      - arrival: { process: trace, csv: "${TWO_TURNS.replace(/\n/g, '\\n')}" }
`;
    const { rows, hitRate } = run(text);
    // Turn 2's history is 1,011 tokens, but the prefill replica holds only turn 1's 1,000 prompt
    // tokens: 500 to prefill, 0.5 s and their attention over those 1,000 and themselves.
    const t = scenarioFromText(text).services[0]!.disaggregated!.prefill.timing;
    expect(rows[0]!.ttft_s).toBeCloseTo(prefillS(t, 1000, causalPairs(1000, 0)), 12);
    expect(rows[2]!.ttft_s).toBeCloseTo(prefillS(t, 500, causalPairs(500, 1000)), 12);
    expect(rows[2]!.ttft_s).toBeCloseTo(0.5 + causalPairs(500, 1000) * t.attentionSPerPair, 12);
    expect(hitRate).toBe(1);
  });

  it('on a synthetic chat trace, cache-aware routing keeps sessions where their history is', () => {
    // 3,000 sessions at 2.5/s, 1 / (1 - 0.75) = 4 turns on average (11,749 requests), a 400-token
    // system prompt, messages of median 150 tokens and answers of 250, 60 s of thought between
    // turns; Llama 3.1 8B on four H100 replicas (465,154 tokens of KV each, so histories get evicted).
    const csv = sessionTrace({ sessions: 3000, rate: 2.5, pContinue: 0.75, systemTokens: 400, messageMedian: 150, answerMedian: 250, thinkS: 60, maxContext: 32000, seed: 1 });
    const at = (balancer: string): ServiceRow =>
      run(`name: chat-sessions
seed: 1
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
services:
  - name: chat
    model: { params: 8B, layers: 32, hidden_size: 4096, kv_heads: 8, head_dim: 128 }
    replicas: { count: 4, device: H100, datacentre: dc }
    max_batch: 64
    balancer: ${balancer}
    streams:
      - arrival: { process: trace, csv: ${JSON.stringify(csv)} }
`).service;
    const rows = ['round-robin', 'least-outstanding', 'cache-aware'].map((b) => at(b));
    for (const r of rows) {
      expect(r.requests).toBe(11_749);
      expect(r.requests_unfinished).toBe(0);
    }
    // Hit rate (any earlier turn's KV found, the whole history or an older part), TTFT p50 and p99 (s).
    const got = rows.map((r) => [r.prefix_hit_rate, r.ttft_p50_s, r.ttft_p99_s]);
    const want = [
      [0.3492, 0.0335, 0.2194],
      [0.3487, 0.0346, 0.2324],
      [0.9766, 0.0171, 0.0624],
    ];
    got.forEach((g, i) => {
      expect(g[0]).toBeCloseTo(want[i]![0]!, 3);
      expect(g[1]).toBeCloseTo(want[i]![1]!, 4);
      expect(g[2]).toBeCloseTo(want[i]![2]!, 3);
    });
  });

  it('a prompt shorter than the conversation so far restarts its history', () => {
    const layout = traceLayout({ process: 'trace', csv: 'x' }, [], () => {})!;
    const t = parseRequestTrace('timestamp,prompt_tokens,output_tokens,session_id\n0,1000,11,a\n10,1500,11,a\n20,800,5,a\n30,900,5,a\n40,300,5,\n', 'f.csv', layout);
    const px = t.prefixes!;
    expect(px.sessions).toBe(true);
    expect(px.names).toEqual(['a', 'a#2']);
    expect([...px.index]).toEqual([0, 0, 1, 1, -1]);
    // Turn 2: turn 1's 1,011 tokens; turn 3 (800 < 1,511) starts over; turn 4: turn 3's 805.
    expect([...px.tokens]).toEqual([0, 1011, 0, 805, 0]);
  });

  it('refuses a trace with both shared prefixes and sessions, located', () => {
    const bad = colocated('timestamp,prompt_tokens,output_tokens,session_id,prefix_id,prefix_tokens\n0,10,1,a,p,5\n', 'round-robin');
    expect(() => scenarioFromText(bad)).toThrow(/either shared prefixes \(prefix_id, prefix_tokens\) or sessions \(session_id\), not both/);
    const mapped = colocated('t,p,o,s\n0,10,1,a\n', 'round-robin').replace('process: trace,', 'process: trace, columns: { time: t, prompt_tokens: p, output_tokens: o, session_id: s, prefix_id: s, prefix_tokens: p },');
    expect(() => scenarioFromText(mapped)).toThrow(/streams\[0\]\.arrival\.columns\.session_id: a trace gives either shared prefixes/);
  });
});
