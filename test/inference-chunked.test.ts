// Chunked prefill (Sarathi-Serve; vLLM's chunked-prefill scheduler) on a colocated replica: with a
// token budget per iteration a long prompt prefills over several mixed iterations while the running
// decodes keep producing a token each iteration, so decode stalls shrink and the long prompt's TTFT
// grows a little; timings by hand from the iteration model; every request accounted for and the KV
// memory respected (property); bad budgets refused at their line; same seed, same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalPairs, mixedStepS, prefillS } from '../src/model/inference/replica-model.js';
import { InputError } from '../src/scenario/errors.js';
import { simulate } from '../src/sim/simulation.js';
import type { Replica } from '../src/sim/inference/replica.js';
import type { DisaggregatedService } from '../src/sim/inference/disaggregated-service.js';
import type { RequestRow } from '../src/sim/inference/service-rows.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario, type ToyOptions } from './inference-helpers.js';

/**
 * A toy replica that reads its 2 GB of weights in 10 ms and computes 20 us per token (2 x 1e9 FLOPs at
 * 100 TFLOP/s), plus 1.72 ns per (query, key) pair of prompt attention (4 x 24 layers x 1,792 FLOPs).
 */
function computeBound(o: ToyOptions): string {
  return toyScenario(o).replace('peak: 1EFLOPS', 'peak: 100TFLOPS');
}

const budget = (n: number): string => `    chunked_prefill: { token_budget: ${n} }\n`;

function trace(rows: readonly (readonly [number, number, number])[]): string {
  return `{ process: trace, csv: "${['timestamp,prompt_tokens,output_tokens', ...rows.map((r) => r.join(','))].join('\\n')}" }`;
}

function run(text: string, onIteration?: (nowS: number, rep: Replica) => void): { rows: RequestRow[]; service: ReturnType<typeof simulate>['services'][number] } {
  const rows: RequestRow[] = [];
  const r = simulate(scenarioFromText(text), {
    requestSink: (row) => void rows.push(row),
    ...(onIteration ? { observe: (sim) => void (sim.inference!.onChange = (rep: Replica) => onIteration(sim.engine.now, rep)) } : {}),
  });
  rows.sort((a, b) => a.request_id - b.request_id);
  return { rows, service: r.services[0]! };
}

/** The compute-bound toy served disaggregated: one prefill and one decode replica in the one site. */
function disaggregated(o: ToyOptions): string {
  return computeBound({ ...o, replicas: 2 }).replace(
    /    replicas: \{[^\n]*\n/,
    '    prefill: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n    decode: { count: 1, device: toy, datacentre: dc, memory_efficiency: 1, memory_utilisation: 1, step_overhead: 0 }\n',
  );
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

describe('chunked prefill by hand', () => {
  // A: 100-token prompt at t = 0, 1,000 output tokens (decoding alone from 10 ms on, 10 ms a step,
  // memory-bound). B: a 5,000-token prompt at 1.005 s, 2 output tokens. The next iteration
  // boundary after B arrives is 1.01 s (A's 100th decode step).
  const rows = [
    [0, 100, 1000],
    [1.005, 5000, 2],
  ] as const;
  const text = (extra: string): string => computeBound({ maxBatch: 4, arrival: trace(rows), extraService: extra });

  it('without a budget, B prefills in one 121.5 ms iteration while A pauses', () => {
    const t = scenarioFromText(text('')).services[0]!.timing;
    expect(t.attentionSPerPair).toBeCloseTo((4 * 24 * 1792) / 100e12, 20);
    // 5,000 x 20 us, compute-bound, plus 5,000 x 5,001 / 2 pairs of attention (21.5 ms).
    const p = prefillS(t, 5000, causalPairs(5000, 0));
    expect(p).toBeCloseTo(0.1 + 12_502_500 * 1.72032e-9, 12);
    const { rows: r } = run(text(''));
    expect(r[1]!.first_token_s).toBeCloseTo(1.01 + p, 9);
    expect(r[1]!.ttft_s).toBeCloseTo(0.005 + p, 9);
    // A's 999 decode steps of 10 ms, plus the pause.
    expect(r[0]!.finish_s).toBeCloseTo(0.01 + 9.99 + p, 9);
  });

  it('with a budget of 1,000, A decodes every iteration while B prefills over ceil(5000 / 999) = 6 iterations', () => {
    const t = scenarioFromText(text(budget(1000))).services[0]!.timing;
    // An iteration of A's decode and B's k-th chunk of 999 prompt tokens: 1,000 x 20 us = 20 ms plus
    // the chunk's attention over itself and the 999 k tokens before it; the last one (5 prompt tokens
    // and the decode) is memory-bound at 10 ms.
    const steps = [0, 1, 2, 3, 4].map((k) => mixedStepS(t, 1000, 0, causalPairs(999, 999 * k), 999));
    expect(steps[0]).toBeCloseTo(0.02 + 499_500 * 1.72032e-9, 12);
    expect(mixedStepS(t, 6, 0, causalPairs(5, 4995), 5)).toBeCloseTo(0.01, 12);
    const iterations: { now: number; steps: number }[] = [];
    const { rows: r } = run(text(budget(1000)), (now, rep) => {
      if (now > 1.0099 && now < 1.2) iterations.push({ now, steps: rep.stepsDone });
    });
    // B's prefill iterations end 20-28 ms apart from 1.01, the last 10 ms after; A gains a token at each.
    const ends: number[] = [];
    for (const d of [...steps, 0.01]) ends.push((ends.at(-1) ?? 1.01) + d);
    const seen = iterations.filter((x) => x.now > 1.011 && x.now < ends.at(-1)! + 0.001);
    expect(seen.map((x) => x.now)).toEqual(ends.map((e) => expect.closeTo(e, 9)));
    expect(seen.map((x) => x.steps)).toEqual([101, 102, 103, 104, 105, 106]);
    expect(r[1]!.first_token_s).toBeCloseTo(ends.at(-1)!, 9);
    // 10 ms longer than unchunked, plus the attention of chunks over earlier ones (the same pairs in all).
    const whole = prefillS(t, 5000, causalPairs(5000, 0));
    expect(r[1]!.ttft_s).toBeCloseTo(ends.at(-1)! - 1.005, 9);
    expect(r[1]!.ttft_s - 0.005 - whole).toBeCloseTo(0.01, 2);
    expect(r[1]!.finish_s).toBeCloseTo(ends.at(-1)! + 0.01, 9);
    // A loses the five long iterations' excess over 10 ms steps instead of the whole prefill.
    const lost = steps.reduce((a, d) => a + d - 0.01, 0);
    expect(r[0]!.finish_s).toBeCloseTo(0.01 + 9.99 + lost, 9);
    expect(r[0]!.tpot_s).toBeCloseTo((9.99 + lost) / 999, 12);
  });

  it('a prompt alone takes ceil(prompt / budget) iterations', () => {
    const t = scenarioFromText(computeBound({ extraService: budget(1000) })).services[0]!.timing;
    const { rows: r } = run(computeBound({ arrival: trace([[0, 2500, 1]]), extraService: budget(1000) }));
    // 1,000 + 1,000 + 500 tokens: 20 + 20 + 10 ms, each plus its attention over itself and the
    // chunks before it (the last just above the weight-read floor): all together the pairs of 2,500.
    expect(r[0]!.ttft_s).toBeCloseTo(mixedStepS(t, 1000, 0, causalPairs(1000, 0), 1000) + mixedStepS(t, 1000, 0, causalPairs(1000, 1000), 1000) + mixedStepS(t, 500, 0, causalPairs(500, 2000), 500), 12);
    expect(r[0]!.ttft_s).toBeCloseTo(0.05 + causalPairs(2500, 0) * t.attentionSPerPair, 12);
    expect(r[0]!.finish_s).toBe(r[0]!.first_token_s);
  });

  it("a later chunk reads the KV of the prompt's earlier chunks", () => {
    // 4 MB of KV per token: the weights' 2 GB take 10 ms to read, so a token's KV takes 20 us.
    const text2 = computeBound({ arrival: trace([[0, 3000, 1]]), extraService: budget(1000), kvBytesPerToken: 4e6, memory: '20GB' });
    const t = scenarioFromText(text2).services[0]!.timing;
    expect(t.kvReadSPerToken).toBeCloseTo(20e-6, 15);
    const { rows: r } = run(text2);
    // Iterations read 0, 1,000 and 2,000 tokens of KV: max(10 ms + 0/20/40 ms, 20 ms of compute + attention).
    const want = mixedStepS(t, 1000, 0, causalPairs(1000, 0), 1000) + mixedStepS(t, 1000, 1000, causalPairs(1000, 1000), 1000) + mixedStepS(t, 1000, 2000, causalPairs(1000, 2000), 1000);
    expect(want).toBeCloseTo(0.02 + causalPairs(1000, 0) * t.attentionSPerPair + 0.03 + 0.05, 12);
    expect(r[0]!.ttft_s).toBeCloseTo(want, 12);
  });

  it('a prefix-cache hit shortens the prompt to prefill: fewer chunks', () => {
    const px = (rowsPx: readonly (readonly [number, number, number, string, number])[]): string =>
      `{ process: trace, csv: "${['timestamp,prompt_tokens,output_tokens,prefix_id,prefix_tokens', ...rowsPx.map((r) => r.join(','))].join('\\n')}" }`;
    const text2 = computeBound({ arrival: px([[0, 3000, 1, 'doc', 2000], [10, 3000, 1, 'doc', 2000]]), extraService: budget(1000) });
    const t = scenarioFromText(text2).services[0]!.timing;
    const { rows: r, service } = run(text2);
    const miss = [0, 1, 2].reduce((a, k) => a + mixedStepS(t, 1000, 0, causalPairs(1000, 1000 * k), 1000), 0);
    expect(r[0]!.ttft_s).toBeCloseTo(miss, 12); // a miss: 3 chunks
    expect(r[1]!.ttft_s).toBeCloseTo(mixedStepS(t, 1000, 2000, causalPairs(1000, 2000), 1000), 12); // a hit: 1 chunk beside 2,000 cached tokens
    expect(service.prefix_hit_rate).toBe(0.5);
  });
});

describe('chunked prefill in a disaggregated prefill pool, by hand', () => {
  /** Runs `text`, recording when each prefill iteration ends and the prompt tokens it computed. */
  function runPrefill(text: string): { rows: RequestRow[]; iterations: { endS: number; tokens: number }[] } {
    const iterations: { endS: number; tokens: number }[] = [];
    const rows: RequestRow[] = [];
    simulate(scenarioFromText(text), {
      requestSink: (row) => void rows.push(row),
      observe: (sim) => {
        const svc = sim.inference!.services[0] as DisaggregatedService;
        const counted = svc.tokensProcessed.bind(svc);
        // The prefill replica reports each iteration's tokens (its prompts' chunks, plus one first
        // token per prompt done); the decode replica its steps (one token per sequence, no prompt).
        svc.tokensProcessed = (tokens: number, firsts: number): void => {
          if (tokens > firsts) iterations.push({ endS: sim.engine.now, tokens: tokens - firsts });
          counted(tokens, firsts);
        };
      },
    });
    rows.sort((a, b) => a.request_id - b.request_id);
    return { rows, iterations };
  }

  it('a 5,000-token prompt at a 256-token budget prefills in ceil(5000 / 256) = 20 iterations, each reading the earlier chunks', () => {
    // 0.1 MB of KV per token: 0.5 us to read a token's KV at 200 GB/s. A 256-token chunk computes
    // in 5.12 ms plus at most 2.2 ms of attention, under the 10 ms weight read, so iteration k
    // (0-based) takes 10 ms + 256 k x 0.5 us.
    const text = disaggregated({ arrival: trace([[0, 5000, 2]]), kvBytesPerToken: 1e5, extraService: budget(256) });
    const t = scenarioFromText(text).services[0]!.disaggregated!.prefill.timing;
    expect(t.kvReadSPerToken).toBeCloseTo(0.5e-6, 15);
    const { rows, iterations } = runPrefill(text);
    expect(iterations.map((i) => i.tokens)).toEqual([...Array(19).fill(256), 5000 - 19 * 256]);
    let want = 0;
    for (let k = 0; k < 20; k++) want += mixedStepS(t, k < 19 ? 256 : 136, 256 * k, causalPairs(k < 19 ? 256 : 136, 256 * k), k < 19 ? 256 : 136);
    expect(want).toBeCloseTo(20 * 0.01 + 0.000128 * (19 * 20) / 2, 12); // 224.32 ms
    expect(rows[0]!.ttft_s).toBeCloseTo(want, 12);
    expect(iterations[19]!.endS).toBeCloseTo(want, 12);
    // Unchunked it is one compute-bound iteration of 5,000 x 20 us plus its attention.
    const whole = runPrefill(disaggregated({ arrival: trace([[0, 5000, 2]]), kvBytesPerToken: 1e5 }));
    expect(whole.iterations.map((i) => i.tokens)).toEqual([5000]);
    expect(whole.rows[0]!.ttft_s).toBeCloseTo(0.1 + causalPairs(5000, 0) * t.attentionSPerPair, 12);
    // The KV moves once, after the last chunk: the second token follows the same transfer and decode step.
    expect(rows[0]!.finish_s - rows[0]!.first_token_s).toBeCloseTo(whole.rows[0]!.finish_s - whole.rows[0]!.first_token_s, 9);
  });

  it("a prompt arriving during another's chunks shares the iteration that has budget left", () => {
    // A: 1,500 tokens at t = 0; B: 600 tokens at 1 ms. Budget 1,000: iteration 1 is A's first 1,000
    // (20 ms of compute and their attention); iteration 2 A's last 500 (attending to its first 1,000
    // too) and B's first 500 (20 ms and the attention; A's 1,000 tokens of KV read in 0.5 ms beside
    // the 10 ms weight read); iteration 3 B's last 100 beside its 500 tokens of KV (memory-bound:
    // 10 ms + 0.25 ms).
    const text = (extra: string): string => disaggregated({ arrival: trace([[0, 1500, 2], [0.001, 600, 2]]), kvBytesPerToken: 1e5, maxBatch: 4, extraService: extra });
    const t = scenarioFromText(text('')).services[0]!.disaggregated!.prefill.timing;
    const a = t.attentionSPerPair;
    const { rows, iterations } = runPrefill(text(budget(1000)));
    expect(iterations.map((i) => i.tokens)).toEqual([1000, 1000, 100]);
    const e1 = 0.02 + causalPairs(1000, 0) * a;
    const e2 = e1 + 0.02 + (causalPairs(500, 1000) + causalPairs(500, 0)) * a;
    const e3 = e2 + 0.01025;
    expect(iterations.map((i) => i.endS)).toEqual([expect.closeTo(e1, 12), expect.closeTo(e2, 12), expect.closeTo(e3, 12)]);
    expect(rows[0]!.ttft_s).toBeCloseTo(e2, 12);
    expect(rows[1]!.ttft_s).toBeCloseTo(e3 - 0.001, 12);
    // Unchunked, A runs alone (1,500 x 20 us = 30 ms and its attention), then B (600 x 20 us = 12 ms and its).
    const whole = runPrefill(text(''));
    expect(whole.iterations.map((i) => i.tokens)).toEqual([1500, 600]);
    const wa = 0.03 + causalPairs(1500, 0) * a;
    expect(whole.rows.map((r) => r.ttft_s)).toEqual([expect.closeTo(wa, 12), expect.closeTo(wa + 0.012 + causalPairs(600, 0) * a - 0.001, 12)]);
  });

  it('every request is served and the prompt tokens computed are the same with and without chunks', () => {
    const text = (extra: string): string =>
      disaggregated({ arrival: '{ process: poisson, rate: 20/s }', count: 300, prompt: '{ distribution: uniform, min: 50, max: 6000 }', output: '{ distribution: uniform, min: 1, max: 50 }', kvBytesPerToken: 1e5, maxBatch: 8, extraService: extra });
    for (const b of [64, 700, 4096]) {
      const chunked = runPrefill(text(budget(b)));
      const whole = runPrefill(text(''));
      expect(chunked.rows.length).toBe(300);
      expect(chunked.rows.every((r) => Number.isFinite(r.finish_s))).toBe(true);
      expect(Math.max(...chunked.iterations.map((i) => i.tokens))).toBeLessThanOrEqual(b);
      const sum = (xs: { tokens: number }[]): number => xs.reduce((a, x) => a + x.tokens, 0);
      expect(sum(chunked.iterations)).toBe(sum(whole.iterations));
    }
    // With shared prefixes in a prefill memory that holds a few prompts: hits skip their prefix, all are served.
    const px = text(budget(700)).replace('memory: 1000GB', 'memory: 2.7GB') + '        prefixes: { count: 5, tokens: 40 }\n';
    const withPx = runPrefill(px);
    expect(withPx.rows.length).toBe(300);
    expect(withPx.rows.every((r) => Number.isFinite(r.finish_s))).toBe(true);
    expect(Math.max(...withPx.iterations.map((i) => i.tokens))).toBeLessThanOrEqual(700);
  });
});

describe('admission control sees the chunks', () => {
  it("estimates a prompt's first token over the iterations its chunks need", () => {
    // 2,500 tokens: one 55 ms prefill unchunked (50 ms and 5.4 ms of attention); 25 iterations at
    // the 10 ms weight-read floor with a budget of 100 (the last chunk's 100 tokens over 2,400: 2.4 ms).
    const text = (extra: string): string => computeBound({ arrival: trace([[0, 2500, 2]]), extraService: `${extra}    slo: { ttft: 100ms, admission: true }\n` });
    const off = run(text('')).service;
    expect([off.requests, off.requests_rejected]).toEqual([1, 0]);
    const small = run(text(budget(100))).service;
    expect([small.requests, small.requests_rejected]).toEqual([0, 1]);
    const t = scenarioFromText(text(budget(100))).services[0]!.timing;
    expect(mixedStepS(t, 100, 0, causalPairs(100, 2400), 100)).toBeCloseTo(0.01, 12);
    const large = run(text(budget(1000))).service; // 20.9 + 22.6 + 11.9 ms
    expect([large.requests, large.requests_rejected]).toEqual([1, 0]);
  });
});

describe('chunked prefill under load', () => {
  // Long prompts among short chats on one replica, decode-heavy: the tail of TPOT is the prefill stall.
  const load = (extra: string, seed = 3): ReturnType<typeof run>['service'] =>
    run(
      computeBound({
        maxBatch: 32,
        rate: 4,
        count: 600,
        seed,
        prompt: '{ distribution: empirical, values: [200, 8000], weights: [0.8, 0.2] }',
        output: '{ distribution: uniform, min: 50, max: 300 }',
        extraService: extra,
      }),
    ).service;

  it('lowers TPOT p99 (decode stalls shrink) and raises TTFT p50 of the long prompts a little', () => {
    const off = load('');
    const on = load(budget(512));
    expect(off.requests).toBe(600);
    expect(on.requests).toBe(600);
    expect(on.tpot_p99_s).toBeLessThan(0.8 * off.tpot_p99_s);
    // Total work is the same physics: throughput within a few percent.
    expect(Math.abs(on.tokens_per_s / off.tokens_per_s - 1)).toBeLessThan(0.05);
  });

  it('same seed, same bytes; another seed, other bytes', () => {
    expect(JSON.stringify(load(budget(512), 5))).toBe(JSON.stringify(load(budget(512), 5)));
    expect(JSON.stringify(load(budget(512), 5))).not.toBe(JSON.stringify(load(budget(512), 6)));
  });
});

describe('every request accounted for, KV memory respected (property)', () => {
  it('with and without prefixes, tight and ample memory, with and without admission control', () => {
    fc.assert(
      fc.property(
        fc.record({
          balancer: fc.constantFrom('round-robin', 'power-of-two', 'cache-aware', 'least-outstanding'),
          budget: fc.integer({ min: 8, max: 600 }),
          admission: fc.boolean(),
          memoryMB: fc.integer({ min: 2300, max: 4000 }),
          prefixes: fc.boolean(),
          fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          rate: fc.integer({ min: 5, max: 300 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        (p) => {
          let checks = 0;
          const text = computeBound({
            replicas: 3,
            maxBatch: 8,
            balancer: p.balancer,
            kvBytesPerToken: 1e6,
            memory: `${p.memoryMB}MB`,
            rate: p.rate,
            seed: p.seed,
            prompt: '{ distribution: uniform, min: 150, max: 250 }',
            output: '{ distribution: uniform, min: 1, max: 40 }',
            count: 300,
            extraService: budget(p.budget) + (p.admission ? '    slo: { ttft: 50ms, admission: true }\n' : ''),
            extraStream: p.prefixes ? `        prefixes: { count: 20, tokens: { distribution: uniform, min: 1, max: 150 }, fraction: ${p.fraction} }\n` : '',
          });
          const s = simulate(scenarioFromText(text), {
            observe: (sim) => {
              sim.inference!.onChange = (rep: Replica) => {
                checks++;
                expect(rep.kvReservedTokens + rep.prefixCache.cachedTokens).toBeLessThanOrEqual(rep.kvCapacityTokens);
                expect(rep.prefixCache.pinnedTokens).toBeLessThanOrEqual(rep.prefixCache.cachedTokens);
                expect(rep.running).toBeLessThanOrEqual(rep.maxBatch);
                if (!p.prefixes) expect(rep.kvUsedTokens()).toBeLessThanOrEqual(rep.kvReservedTokens);
              };
            },
          }).services[0]!;
          expect(s.requests + s.requests_rejected + s.requests_unfinished).toBe(300);
          expect(s.requests_unfinished).toBe(0);
          if (s.requests > 0) expect(checks).toBeGreaterThan(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('chunked prefill inputs are refused at their line', () => {
  it('a budget below 1, not a whole number, or below max_batch; on a disaggregated service', () => {
    expect(problems(toyScenario({ extraService: budget(0) }))).toEqual([expect.stringMatching(/^\d+: services\[0\]\.chunked_prefill\.token_budget: expected a value > 0, got 0/)]);
    expect(problems(toyScenario({ extraService: '    chunked_prefill: { token_budget: 512.5 }\n' }))).toEqual([expect.stringMatching(/^\d+: services\[0\]\.chunked_prefill\.token_budget: .*int/i)]);
    expect(problems(toyScenario({ extraService: '    chunked_prefill: { token_budget: 512, tokens: 3 }\n' }))[0]).toMatch(/chunked_prefill/);
    expect(problems(toyScenario({ maxBatch: 64, extraService: budget(32) }))).toEqual([
      expect.stringMatching(/^\d+: services\[0\]\.chunked_prefill\.token_budget: a token budget of 32 is below max_batch \(64\)/),
    ]);
    // Disaggregated: the budget bounds the prefill pool's iterations, so max_batch_tokens beside it is refused.
    expect(problems(disaggregated({ extraService: budget(512) }))).toEqual([]);
    expect(problems(disaggregated({ extraService: budget(512) }).replace('datacentre: dc, memory', 'datacentre: dc, max_batch_tokens: 2048, memory'))).toEqual([
      expect.stringMatching(/^\d+: services\[0\]\.prefill\.max_batch_tokens: with chunked prefill the prefill pool's iterations take `chunked_prefill.token_budget` tokens/),
    ]);
    // No decodes ride along in a prefill pool's iterations: a budget below max_batch is allowed there.
    expect(problems(disaggregated({ maxBatch: 64, extraService: budget(32) }))).toEqual([]);
    expect(problems(toyScenario({ maxBatch: 64, extraService: budget(64) }))).toEqual([]);
  });
});
