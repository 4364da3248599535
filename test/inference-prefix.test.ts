// Prefix caching: a request whose shared prompt prefix its replica holds prefills only the rest of
// its prompt (TTFT shorter by exactly the prefix's prefill time); the cache lives in the KV memory
// the batch leaves free and evicts least recently used prefixes; the cache-aware balancer raises
// the hit rate over load-only balancers; bad inputs are refused at their line; same seed, same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOAD_BALANCERS } from '../src/policy/balancers/registry.js';
import { causalPairs, prefillS } from '../src/model/inference/replica-model.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { loadPolicies } from '../src/policy/plugin.js';
import { InputError } from '../src/scenario/errors.js';
import { simulate } from '../src/sim/simulation.js';
import type { Replica } from '../src/sim/inference/replica.js';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { PrefixIds, StreamPrefixes, type PrefixOf } from '../src/sim/inference/request-prefixes.js';
import { RandomStream } from '../src/engine/random.js';
import { repoPath, scenarioFromText } from './helpers.js';
import { ensureDist } from './policy-dist.js';
import { toyScenario, type ToyOptions } from './inference-helpers.js';

/** A toy replica that is compute-bound in prefill: 2 x 1e9 FLOPs per token at 100 TFLOP/s = 20 us per token. */
function computeBound(o: ToyOptions): string {
  return toyScenario(o).replace('peak: 1EFLOPS', 'peak: 100TFLOPS');
}

/** An inline request trace with prefix columns: rows of [time, prompt, output, prefix id, prefix tokens]. */
function traceArrival(rows: readonly (readonly [number, number, number, string, number | ''])[]): string {
  const lines = ['timestamp,prompt_tokens,output_tokens,prefix_id,prefix_tokens', ...rows.map((r) => r.join(','))];
  return `{ process: trace, csv: "${lines.join('\\n')}" }`;
}

function run(text: string): { rows: RequestRow[]; hitRate: number; service: ReturnType<typeof simulate>['services'][number] } {
  const rows: RequestRow[] = [];
  const r = simulate(scenarioFromText(text), { requestSink: (row) => void rows.push(row) });
  rows.sort((a, b) => a.request_id - b.request_id);
  return { rows, hitRate: r.services[0]!.prefix_hit_rate, service: r.services[0]! };
}

const problems = (text: string): string[] => {
  try {
    scenarioFromText(text);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

describe('prefix popularity', () => {
  /** Draws `n` requests' prefixes from a stream with `px` and counts them by id. */
  const draw = (px: string, n: number): { counts: Map<number, number>; tokens: Map<number, Set<number>> } => {
    const st = scenarioFromText(toyScenario({ prompt: '1000', extraStream: `        prefixes: ${px}\n` })).services[0]!.streams[0]!;
    const ids = new PrefixIds();
    ids.block(5); // another stream's prefixes come first: ids are the service's
    const prefixes = StreamPrefixes.of(st, ids, (purpose) => new RandomStream(1, purpose), 's')!;
    const counts = new Map<number, number>();
    const tokens = new Map<number, Set<number>>();
    const out: PrefixOf = { prefixId: -1, prefixTokens: 0 };
    for (let i = 0; i < n; i++) {
      prefixes.assign(i, out);
      counts.set(out.prefixId, (counts.get(out.prefixId) ?? 0) + 1);
      if (!tokens.has(out.prefixId)) tokens.set(out.prefixId, new Set());
      tokens.get(out.prefixId)!.add(out.prefixTokens);
    }
    return { counts, tokens };
  };

  it('Zipf: the k-th prefix is drawn with probability 1/k^s over the harmonic sum; lengths drawn once per prefix', () => {
    const n = 200_000;
    for (const s of [1, 1.5]) {
      const { counts, tokens } = draw(`{ count: 10, tokens: { distribution: uniform, min: 100, max: 900 }, zipf_exponent: ${s} }`, n);
      let h = 0;
      for (let k = 1; k <= 10; k++) h += 1 / k ** s;
      for (let k = 1; k <= 10; k++) {
        const p = 1 / k ** s / h;
        // Within 4 standard errors of the binomial proportion.
        expect(Math.abs(counts.get(4 + k)! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      }
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
      for (const t of tokens.values()) expect(t.size).toBe(1);
      expect(new Set([...tokens.values()].map((t) => [...t][0])).size).toBeGreaterThan(1);
    }
  });

  it('uniform popularity, and a fraction of requests without a prefix', () => {
    const n = 100_000;
    const { counts } = draw('{ count: 4, tokens: 500, popularity: uniform, fraction: 0.3 }', n);
    expect(Math.abs(counts.get(-1)! / n - 0.7)).toBeLessThan(0.006);
    for (let k = 5; k < 9; k++) expect(Math.abs(counts.get(k)! / n - 0.075)).toBeLessThan(0.004);
  });
});

describe('prefix groups', () => {
  /** Two streams on one replica, each with one prefix: in one group or each its own. */
  const twoStreams = (groupA: string, groupB: string, tokensB = 500): string =>
    toyScenario({ prompt: '1000', output: '5', rate: 2, count: 50, extraStream: `        prefixes: { count: 1, tokens: 500${groupA} }\n` }) +
    `      - name: b\n        arrival: { process: poisson, rate: 2/s }\n        prompt_tokens: 1000\n        output_tokens: 5\n        count: 50\n        prefixes: { count: 1, tokens: ${tokensB}${groupB} }\n`;

  it('streams of one group share their prefixes (ids and lengths); without a group each has its own', () => {
    // 100 requests on one replica that never evicts: one miss per distinct prefix.
    expect(run(twoStreams(', group: system', ', group: system')).hitRate).toBe(99 / 100);
    expect(run(twoStreams('', '')).hitRate).toBe(98 / 100);
    expect(run(twoStreams(', group: system', ', group: other')).hitRate).toBe(98 / 100);
  });

  it('refuses a stream whose group disagrees on count or tokens', () => {
    expect(problems(twoStreams(', group: system', ', group: system', 400))).toEqual([
      expect.stringMatching(/services\[0\]\.streams\[1\]\.prefixes\.group: prefix group 'system' is defined by stream 0 with count 1 and tokens/),
    ]);
  });
});

describe('prefix caching on a replica', () => {
  it("a hit shortens TTFT by exactly the prefill time of the prefix's tokens", () => {
    const text = computeBound({ arrival: traceArrival([[0, 3000, 10, 'system', 1000], [10, 3000, 10, 'system', 1000], [20, 3000, 10, '', '']]) });
    const { rows, hitRate } = run(text);
    const t = scenarioFromText(text).services[0]!.timing;
    // Idle replica each time: TTFT is the prefill alone, the hit's 2,000 tokens attending to the cached 1,000 too.
    expect(rows[0]!.ttft_s).toBeCloseTo(prefillS(t, 3000, causalPairs(3000, 0)), 12);
    expect(rows[1]!.ttft_s).toBeCloseTo(prefillS(t, 2000, causalPairs(2000, 1000)), 12);
    // The prefix's own GEMMs (20 us a token) and its own causal attention.
    expect(rows[0]!.ttft_s - rows[1]!.ttft_s).toBeCloseTo(1000 * 20e-6 + causalPairs(1000, 0) * t.attentionSPerPair, 12);
    // A request without a prefix is neither a hit nor a miss.
    expect(rows[2]!.ttft_s).toBeCloseTo(prefillS(t, 3000, causalPairs(3000, 0)), 12);
    expect(hitRate).toBe(0.5);
  });

  it('a prompt that is all prefix still computes its last token', () => {
    const text = computeBound({ arrival: traceArrival([[0, 1000, 5, 'doc', 1000], [10, 1000, 5, 'doc', 1000]]) });
    const { rows } = run(text);
    const t = scenarioFromText(text).services[0]!.timing;
    expect(rows[1]!.ttft_s).toBeCloseTo(prefillS(t, 1, causalPairs(1, 999)), 12);
  });

  it('evicts the least recently used prefix when the KV memory is full', () => {
    // 2 GB of weights in 2.003 GB: 3,000 tokens of KV at 1,000 bytes per token. A request holds
    // 1,110 tokens (1,100 prompt + 10 output), so two 1,000-token prefixes stay cached beside it, not three.
    const seq = (ids: string[], memory: string): { hits: number; ttft: number[] } => {
      const text = computeBound({ kvBytesPerToken: 1000, memory, arrival: traceArrival(ids.map((id, i) => [i * 10, 1100, 10, id, 1000] as const)) });
      const { rows, hitRate, service } = run(text);
      expect(service.requests).toBe(ids.length);
      return { hits: Math.round(hitRate * ids.length), ttft: rows.map((r) => r.ttft_s) };
    };
    // A B C A C: with room for two prefixes A is evicted by C, then B by A; C is still there.
    const small = seq(['A', 'B', 'C', 'A', 'C'], '2003000000');
    expect(small.hits).toBe(1);
    expect(small.ttft[3]).toBeCloseTo(small.ttft[0]!, 12); // A again: a miss
    expect(small.ttft[4]).toBeLessThan(small.ttft[0]! - 0.01); // C again: a hit (22 ms of prefill -> the 10 ms weight read)
    // With room for all three, A and C hit.
    expect(seq(['A', 'B', 'C', 'A', 'C'], '2004200000').hits).toBe(2);
    // Recency, not insertion: A used again before C arrives stays, B (least recent) goes.
    expect(seq(['A', 'B', 'A', 'C', 'A'], '2003000000').hits).toBe(2);
  });

  it('keeps reservations plus cached prefixes within the KV memory, and a pinned prefix is never evicted (property-style sweep)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      let checks = 0;
      const text = computeBound({
        replicas: 2,
        maxBatch: 8,
        balancer: 'cache-aware',
        kvBytesPerToken: 1e6,
        memory: '2600MB', // 600 tokens of KV
        rate: 400,
        seed,
        prompt: '{ distribution: uniform, min: 100, max: 200 }',
        output: '{ distribution: uniform, min: 1, max: 50 }',
        count: 600,
        extraStream: '        prefixes: { count: 20, tokens: { distribution: uniform, min: 10, max: 100 } }\n',
      });
      const r = simulate(scenarioFromText(text), {
        observe: (sim) => {
          sim.inference!.onChange = (rep: Replica) => {
            checks++;
            expect(rep.kvReservedTokens + rep.prefixCache.cachedTokens).toBeLessThanOrEqual(rep.kvCapacityTokens);
            expect(rep.prefixCache.pinnedTokens).toBeLessThanOrEqual(rep.prefixCache.cachedTokens);
            for (const q of rep.batch) if (q.prefixEntry) expect(rep.prefixCache.get(q.prefixId)).toBe(q.prefixEntry);
          };
        },
      });
      const s = r.services[0]!;
      expect(s.requests + s.requests_rejected).toBe(600);
      expect(s.prefix_hit_rate).toBeGreaterThan(0);
      expect(checks).toBeGreaterThan(0);
    }
  });
});

describe('prefix caching on a disaggregated prefill pool', () => {
  it('a hit on the prefill replica shortens TTFT by the prefix prefill; the decode replica still receives the whole prompt', () => {
    const text = computeBound({ kvBytesPerToken: 1000, arrival: traceArrival([[0, 3000, 10, 'system', 1000], [10, 3000, 10, 'system', 1000]]) })
      .replace('count: 1, device: toy', 'count: 2, device: toy')
      .replace(/    replicas: \{[^\n]*\n/, '    prefill: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n    decode: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n');
    const { rows, hitRate, service } = run(text);
    const t = scenarioFromText(text).services[0]!.disaggregated!.prefill.timing;
    expect(rows[0]!.ttft_s).toBeCloseTo(prefillS(t, 3000, causalPairs(3000, 0)), 12);
    expect(rows[1]!.ttft_s).toBeCloseTo(prefillS(t, 2000, causalPairs(2000, 1000)), 12);
    expect(hitRate).toBe(0.5);
    expect(service.kv_bytes).toBe(2 * 3000 * 1000);
  });
});

describe('cache-aware balancer on a disaggregated service', () => {
  it('routes prompts to the prefill replica holding their prefix (decode replicas by load)', () => {
    const text = (balancer: string): string =>
      computeBound({
        replicas: 6,
        balancer,
        kvBytesPerToken: 1e5,
        memory: '4GB',
        rate: 10,
        prompt: '{ distribution: uniform, min: 2100, max: 2600 }',
        output: '20',
        count: 3000,
        extraStream: '        prefixes: { count: 40, tokens: 2000 }\n',
      }).replace(
        /    replicas: \{[^\n]*\n/,
        '    prefill: { count: 4, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n    decode: { count: 2, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, max_batch: 64 }\n',
      );
    const rr = run(text('round-robin')).service;
    const ca = run(text('cache-aware')).service;
    expect(ca.requests).toBe(3000);
    expect(ca.prefix_hit_rate).toBeGreaterThan(rr.prefix_hit_rate + 0.2);
    expect(ca.ttft_p50_s).toBeLessThan(rr.ttft_p50_s);
  });
});

describe('cache-aware balancer', () => {
  const workload = (balancer: string, seed = 1): ReturnType<typeof run>['service'] =>
    run(
      computeBound({
        replicas: 4,
        maxBatch: 16,
        balancer,
        kvBytesPerToken: 1e5,
        memory: '4GB', // 20,000 tokens of KV per replica: 10 of the 2,000-token prefixes
        rate: 10, // moderate load: least-outstanding's TTFT p50 is 44 ms, its hit rate 0.49
        seed,
        prompt: '{ distribution: uniform, min: 2100, max: 2600 }',
        output: '{ distribution: uniform, min: 20, max: 100 }',
        count: 4000,
        extraStream: '        prefixes: { count: 40, tokens: 2000 }\n',
      }),
    ).service;

  it('raises the hit rate over round-robin and least-outstanding on a many-prefix workload, and lowers TTFT', () => {
    const rr = workload('round-robin');
    const lo = workload('least-outstanding');
    const ca = workload('cache-aware');
    // 40 Zipf prefixes over 4 replicas caching 10 each: a replica that sees every prefix keeps
    // only the most popular; routing by prefix partitions them.
    expect(ca.prefix_hit_rate).toBeGreaterThan(0.9);
    expect(ca.prefix_hit_rate).toBeGreaterThan(rr.prefix_hit_rate + 0.1);
    expect(ca.prefix_hit_rate).toBeGreaterThan(lo.prefix_hit_rate + 0.1);
    expect(ca.ttft_p50_s).toBeLessThan(Math.min(rr.ttft_p50_s, lo.ttft_p50_s));
  });

  it('is bounded by load: with max_imbalance 0 it never sends to a holder busier than the least loaded', () => {
    const bounded = workload('{ name: cache-aware, params: { max_imbalance: 0 } }');
    const free = workload('cache-aware');
    expect(bounded.prefix_hit_rate).toBeLessThan(free.prefix_hit_rate);
    expect(bounded.prefix_hit_rate).toBeGreaterThan(0);
  });

  it('routes the same as a plug-in, which reads the prefix state through read-only views', async () => {
    await ensureDist();
    const text = (balancer: string): string =>
      computeBound({ replicas: 3, maxBatch: 8, balancer, kvBytesPerToken: 1e5, memory: '3GB', rate: 8, count: 800, prompt: '2500', output: '40', extraStream: '        prefixes: { count: 30, tokens: 2000 }\n' });
    const resolved = loadScenario(text('./test/fixtures/policy-plugins/cache-aware.mjs'), 's.yaml');
    const plugin = simulate(resolved, { policies: await loadPolicies(resolved, repoPath('.')) }).services[0]!;
    const builtIn = simulate(scenarioFromText(text('cache-aware'))).services[0]!;
    expect(plugin.balancer).toBe('my-cache-aware');
    expect({ ...plugin, balancer: '' }).toEqual({ ...builtIn, balancer: '' });
    expect(builtIn.prefix_hit_rate).toBeGreaterThan(0.5);
  });

  it('same seed, same bytes', () => {
    expect(JSON.stringify(workload('cache-aware', 7))).toBe(JSON.stringify(workload('cache-aware', 7)));
    expect(JSON.stringify(workload('cache-aware', 7))).not.toBe(JSON.stringify(workload('cache-aware', 8)));
  });
});

describe('prefix inputs are refused at their line', () => {
  const withPrefixes = (px: string, prompt = '512'): string => toyScenario({ prompt, extraStream: `        prefixes: ${px}\n` });

  it('a generated prefix that can be longer than the prompt', () => {
    expect(problems(withPrefixes('{ count: 10, tokens: 600 }'))).toEqual([
      expect.stringMatching(/^\d+: services\[0\]\.streams\[0\]\.prefixes\.tokens: a prefix of up to 600 tokens can be longer than a prompt of as few as 512 tokens/),
    ]);
    expect(problems(withPrefixes('{ count: 10, tokens: 100 }', '{ distribution: exponential, mean: 500 }'))[0]).toMatch(/as few as 1 tokens/);
    expect(problems(withPrefixes('{ count: 10, tokens: { distribution: exponential, mean: 100 } }'))[0]).toMatch(/prefixes\.tokens: prefix tokens need a largest value/);
    expect(problems(withPrefixes('{ count: 10, tokens: 500, popularity: uniform, zipf_exponent: 1.2 }'))[0]).toMatch(/prefixes\.zipf_exponent: zipf_exponent shapes popularity zipf only/);
    expect(problems(withPrefixes('{ count: 10, tokens: 500 }'))).toEqual([]);
  });

  it('a trace row whose prefix is longer than its prompt, or a prefix id with two lengths, is skipped with a warning at its line', () => {
    const warnings = (text: string): string[] => scenarioFromText(text).warnings.map((w) => `${w.path}: ${w.message}`);
    expect(warnings(toyScenario({ arrival: traceArrival([[0, 100, 5, 'a', 50], [1, 100, 5, 'b', 150]]) }))).toEqual([
      expect.stringMatching(/^services\[0\]\.streams\[0\]\.arrival\.csv: 1 of 2 rows skipped: 1 row with a prefix longer than the prompt \(first at .*:3: prefix 'b' of 150 tokens is longer than the prompt of 100 tokens/),
    ]);
    expect(warnings(toyScenario({ arrival: traceArrival([[0, 100, 5, 'a', 50], [1, 100, 5, 'a', 60]]) }))[0]).toMatch(/:3: prefix 'a' has 60 tokens here but 50 at line 2/);
    // Every row bad: nothing to replay, refused with the reasons.
    expect(problems(toyScenario({ arrival: traceArrival([[0, 100, 5, '', 50]]) }))[0]).toMatch(/the trace has no requests: 1 of 1 row skipped: 1 row with prefix_tokens but no prefix_id \(first at .*:2: prefix_tokens is given but prefix_id is empty/);
    expect(problems(toyScenario({ arrival: '{ process: trace, csv: "timestamp,prompt_tokens,output_tokens,prefix_id\\n0,100,5,a" }' }))[0]).toMatch(/:1: .*needs both a prefix_id and a prefix_tokens column/);
    expect(problems(toyScenario({ arrival: traceArrival([[0, 100, 5, 'a', 50]]), extraStream: '        prefixes: { count: 1, tokens: 10 }\n' }))[0]).toMatch(/streams\[0\]\.prefixes: a trace stream carries its prefixes in its prefix_id and prefix_tokens columns/);
  });

  it('an unknown balancer name, with a suggestion', () => {
    expect(() => simulate(scenarioFromText(toyScenario({ balancer: 'cache-awre' })))).toThrow(/unknown load balancer 'cache-awre' \(did you mean 'cache-aware'\?\)/);
    expect(() => simulate(scenarioFromText(toyScenario({ balancer: '{ name: cache-aware, params: { max_imbalance: -1 } }' })))).toThrow(/balancer\.params\.max_imbalance/);
  });
});

describe('services.csv', () => {
  it('leaves prefix_hit_rate empty when no request carries a prefix', () => {
    expect(run(toyScenario({ count: 50 })).hitRate).toBeNaN();
  });
});

describe('every request accounted for (property)', () => {
  it('over every balancer, colocated and disaggregated, tight and ample memory, with and without admission control', () => {
    fc.assert(
      fc.property(
        fc.record({
          balancer: fc.constantFrom(...LOAD_BALANCERS.keys()),
          disaggregated: fc.boolean(),
          admission: fc.boolean(),
          memoryMB: fc.integer({ min: 2300, max: 4000 }),
          prefixes: fc.integer({ min: 1, max: 60 }),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          prefixMax: fc.integer({ min: 1, max: 150 }),
          rate: fc.integer({ min: 5, max: 300 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        (p) => {
          let text = computeBound({
            replicas: 4,
            maxBatch: 8,
            balancer: p.balancer,
            kvBytesPerToken: 1e6,
            memory: `${p.memoryMB}MB`,
            rate: p.rate,
            seed: p.seed,
            prompt: '{ distribution: uniform, min: 150, max: 250 }',
            output: '{ distribution: uniform, min: 1, max: 40 }',
            count: 300,
            extraService: p.admission && !p.disaggregated ? '    slo: { ttft: 50ms, admission: true }\n' : '',
            extraStream: `        prefixes: { count: ${p.prefixes}, tokens: { distribution: uniform, min: 1, max: ${p.prefixMax} }, fraction: ${p.fraction} }\n`,
          });
          if (p.disaggregated) {
            text = text.replace(
              /    replicas: \{[^\n]*\n/,
              '    prefill: { count: 2, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n    decode: { count: 2, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n',
            );
          }
          const s = simulate(scenarioFromText(text), {
            observe: (sim) => {
              sim.inference!.onChange = (rep: Replica) => {
                expect(rep.kvReservedTokens + rep.prefixCache.cachedTokens).toBeLessThanOrEqual(rep.kvCapacityTokens);
                expect(rep.prefixCache.pinnedTokens).toBeLessThanOrEqual(rep.prefixCache.cachedTokens);
              };
            },
          }).services[0]!;
          expect(s.requests + s.requests_rejected + s.requests_unfinished).toBe(300);
          expect(s.requests_unfinished).toBe(0);
          // Defined as soon as requests carry prefixes (with this fraction and count, some surely do).
          if (p.fraction > 0.2 && s.requests > 50) expect(Number.isFinite(s.prefix_hit_rate)).toBe(true);
          if (Number.isFinite(s.prefix_hit_rate)) expect(s.prefix_hit_rate).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
