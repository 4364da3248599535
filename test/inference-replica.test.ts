// The replica model (pure) and the simulated replica: decode throughput rises with batch size and
// saturates at the compute limit; the closed-form decode segment equals step-by-step summation;
// a replica never exceeds its KV-cache memory (property test).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalPairs, DecodeSegment, decodeStepS, decodeTokensPerS, kvBytesPerToken, prefillS, replicaTiming, type InferenceModel, type ReplicaHardware } from '../src/model/inference/replica-model.js';
import { simulate } from '../src/sim/simulation.js';
import type { Replica } from '../src/sim/inference/replica.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

// Llama 2 70B (GQA: 8 KV heads x 128) on 4 x H100 SXM.
const llama70: InferenceModel = { params: 70e9, precisionBytes: 2, layers: 80, hiddenSize: 8192, kvBytesPerToken: kvBytesPerToken(80, 8192, 2, 8, 128) };
const h100x4: ReplicaHardware = {
  tp: 4,
  peakFlops: 989e12,
  computeEfficiency: 0.55,
  memoryBytes: 80e9,
  memoryBandwidthBytesPerS: 3.35e12,
  memoryEfficiency: 0.8,
  memoryUtilisation: 0.9,
  interconnectBandwidthBytesPerS: 450e9,
  interconnectLatencyS: 0.94e-6,
  interconnectEfficiency: 0.81,
  stepOverheadS: 0,
};

describe('replica model', () => {
  const t = replicaTiming(llama70, h100x4);

  it('sizes weights, KV cache and step times from the hardware', () => {
    expect(llama70.kvBytesPerToken).toBe(2 * 80 * 1024 * 2); // 327,680 bytes per token
    // 4 x 80 GB x 0.9 - 140 GB = 148 GB of KV cache.
    expect(t.kvCapacityTokens).toBe(Math.floor((4 * 80e9 * 0.9 - 140e9) / 327680));
    // Batch 1 decode is memory-bound: 140 GB / (4 x 3.35 TB/s x 0.8) = 13.1 ms plus all-reduces.
    expect(decodeStepS(t, 1, 1000)).toBeGreaterThan(0.013);
    expect(decodeStepS(t, 1, 1000)).toBeLessThan(0.016);
    // Prefill of 2,000 tokens is compute-bound: 2 x 70e9 x 2000 / (4 x 989e12 x 0.55) = 0.129 s,
    // plus causal attention, 4 x 80 layers x 8192 x 2000 x 2001 / 2 FLOPs = 5.25e12 at the same rate: 0.0024 s,
    // plus 160 all-reduces of 2000 x 8192 x 2 bytes, 1.5x over 364.5 GB/s of NVLink: 0.022 s.
    expect(prefillS(t, 2000, 0)).toBeCloseTo(0.1287 + 0.0216, 2);
    expect(prefillS(t, 2000, causalPairs(2000, 0)) - prefillS(t, 2000, 0)).toBeCloseTo((4 * 80 * 8192 * 2000 * 2001) / 2 / (4 * 989e12 * 0.55), 12);
    expect((4 * 80 * 8192 * 2000 * 2001) / 2 / (4 * 989e12 * 0.55)).toBeCloseTo(0.0024, 4);
  });

  it('decode throughput rises with batch size and saturates at the compute limit', () => {
    const batches = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
    const tps = batches.map((b) => decodeTokensPerS(t, b, 0));
    for (let i = 1; i < tps.length; i++) expect(tps[i]!).toBeGreaterThan(tps[i - 1]!);
    const limit = 1 / (t.computeSPerToken + t.perTokenCommS);
    expect(tps[0]!).toBeLessThan(limit / 50);
    expect(tps.at(-1)!).toBeGreaterThan(0.9 * limit);
    expect(tps.at(-1)! / tps.at(-2)!).toBeLessThan(1.1); // saturated: doubling the batch gains < 10%
    // With real contexts the KV reads keep the memory term growing with the batch.
    expect(decodeTokensPerS(t, 64, 2000)).toBeLessThan(decodeTokensPerS(t, 64, 0));
  });

  it('the closed-form decode segment equals step-by-step summation, and inverts it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 3000 }), (b, c0, n) => {
        const seg = new DecodeSegment();
        seg.reset(t, b, c0);
        let sum = 0;
        for (let k = 0; k < n; k++) sum += decodeStepS(t, b, c0 + k * b);
        expect(Math.abs(seg.timeOf(n) - sum)).toBeLessThanOrEqual(1e-9 * Math.max(1, sum));
        const mid = seg.timeOf(n) + 0.5 * (seg.timeOf(n + 1) - seg.timeOf(n));
        expect(seg.stepsWithin(mid)).toBe(n);
        expect(seg.stepsWithin(seg.timeOf(n))).toBe(n);
      }),
      { numRuns: 200 },
    );
  });
});

/** N requests arriving together on one replica with max_batch N: output tokens per second. */
function closedBatchTokensPerS(n: number): number {
  const rows = Array.from({ length: n }, () => '0,200,400').join('\n');
  const text = toyScenario({ maxBatch: n, kvBytesPerToken: 1e4, arrival: `{ process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${rows.replace(/\n/g, '\\n')}" }` })
    // a compute-limited toy: 2 x 1e9 FLOPs per token at 100 TFLOP/s = 20 us per token.
    .replace('peak: 1EFLOPS', 'peak: 100TFLOPS');
  const r = simulate(scenarioFromText(text));
  return r.services[0]!.tokens_per_s;
}

describe('simulated replica', () => {
  it('decode throughput rises with batch size and saturates', () => {
    const tps = [1, 4, 16, 64, 256, 1024, 4096].map(closedBatchTokensPerS);
    for (let i = 1; i < tps.length; i++) expect(tps[i]!).toBeGreaterThan(tps[i - 1]!);
    expect(tps[1]! / tps[0]!).toBeGreaterThan(3); // memory-bound: near-linear gains
    expect(tps[6]! / tps[5]!).toBeLessThan(1.25); // compute-bound past ~500: flattening
    expect(tps[6]!).toBeLessThan(1 / 20e-6); // never above the compute limit
  });

  it('never exceeds its KV-cache memory, nor max_batch (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxBatch: fc.integer({ min: 1, max: 64 }),
          // 2 GB weights in 2.2-3 GB: KV cache of 200 MB - 1 GB at 1 MB per token = 200-1000 tokens.
          memoryMB: fc.integer({ min: 2200, max: 3000 }),
          rate: fc.double({ min: 1, max: 400, noNaN: true }),
          promptMax: fc.integer({ min: 1, max: 100 }),
          outputMax: fc.integer({ min: 1, max: 100 }),
          replicas: fc.integer({ min: 1, max: 3 }),
          seed: fc.integer({ min: 1, max: 1000 }),
        }),
        (p) => {
          let checks = 0;
          const text = toyScenario({
            replicas: p.replicas,
            maxBatch: p.maxBatch,
            balancer: 'power-of-two',
            kvBytesPerToken: 1e6,
            memory: `${p.memoryMB}MB`,
            rate: p.rate,
            prompt: `{ distribution: uniform, min: 1, max: ${p.promptMax} }`,
            output: `{ distribution: uniform, min: 1, max: ${p.outputMax} }`,
            count: 400,
            seed: p.seed,
          });
          const r = simulate(scenarioFromText(text), {
            observe: (sim) => {
              sim.inference!.onChange = (rep: Replica) => {
                checks++;
                expect(rep.kvReservedTokens).toBeLessThanOrEqual(rep.kvCapacityTokens);
                expect(rep.kvUsedTokens()).toBeLessThanOrEqual(rep.kvReservedTokens);
                expect(rep.running).toBeLessThanOrEqual(rep.maxBatch);
              };
            },
          });
          const s = r.services[0]!;
          expect(s.requests + s.requests_rejected).toBe(400);
          expect(checks).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
